"""arXiv's full text for the stand-in (issue 15): `/html/<id>v<n>` and `/pdf/<id>v<n>`.

The HTML and PDF are real LaTeXML and pdfTeX output of one small paper (see
tests/fixtures/fulltext/README.md), served under several fixture ids, one per path:

- HTML_CC_BY (CC BY licence) and HTML_ARXIV (arXiv's licence): the HTML, its figure image;
- PDF_ONLY: no HTML (404), the PDF;
- ERROR_PAGE: an HTML page that is arXiv's conversion-failure page, not a paper;
- TOO_LARGE: an HTML page over the size cap tests configure (`fulltext_max_bytes`).

Every request is recorded by the FakeArxiv it is installed on (kinds "html" and "pdf").
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from aiohttp import web

from bot.models import Paper

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fulltext"
HTML = (FIXTURES / "sparse-routing.html").read_bytes()
PDF = (FIXTURES / "sparse-routing.pdf").read_bytes()
IMAGE = (FIXTURES / "routing.png").read_bytes()

HTML_CC_BY = "2601.00101"
HTML_ARXIV = "2601.00102"
PDF_ONLY = "2601.00103"
ERROR_PAGE = "2601.00104"
TOO_LARGE = "2601.00105"
CC_BY = "http://creativecommons.org/licenses/by/4.0/"
ARXIV_LICENCE = "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
SECTION_LABELS = ("§1 Introduction", "§2 Method", "§2.1 Router", "§2.2 Training",
                  "§3 Experiments", "§3.1 Setup", "§3.2 Results", "§4 Limitations",
                  "§5 Conclusion")
TOO_LARGE_BYTES = 150_000  # over the 100,000 bytes tests allow
# What arXiv shows when its LaTeX-to-HTML conversion failed (a page, not a paper).
ERROR_HTML = (
    b"<!DOCTYPE html><html lang='en'><head><title>Conversion failed</title></head><body>"
    b"<div class='ltx_page_main'><div class='ltx_page_content'>"
    b"<p class='ltx_ERROR'>Conversion to HTML had a Fatal error and exited abruptly. "
    b"This document may be truncated or damaged.</p></div></div></body></html>"
)

_BASE = Paper(
    id="", version=1, title="Sparse Routing Transformers for Long Documents",
    authors=("Ada Lovelace", "Alan Turing"),
    abstract="We present Sparse Routing Transformers, which route each token to a few "
    "experts. On long-document summarisation they match dense models at a third of the cost.",
    categories=("cs.CL", "cs.LG"), primary_category="cs.CL",
    published=datetime(2026, 1, 2, tzinfo=UTC), updated=datetime(2026, 1, 2, tzinfo=UTC),
    announce_type="new",
)


def fixture_papers() -> list[Paper]:
    """The fixture papers, with the licences their listing gives them."""
    licences = {HTML_CC_BY: CC_BY, HTML_ARXIV: ARXIV_LICENCE, PDF_ONLY: CC_BY,
                ERROR_PAGE: CC_BY, TOO_LARGE: CC_BY}
    return [replace(_BASE, id=pid, license=licence) for pid, licence in licences.items()]


Record = Callable[[str, web.Request], Awaitable[None]]


def install(app: web.Application, record: Record) -> None:
    """Add the HTML, image and PDF routes to the arXiv stand-in's app."""

    async def html(request: web.Request) -> web.StreamResponse:
        await record("html", request)
        base = request.match_info["id"].rsplit("v", 1)[0]
        if base in (HTML_CC_BY, HTML_ARXIV):
            return web.Response(body=HTML, content_type="text/html")
        if base == ERROR_PAGE:
            return web.Response(body=ERROR_HTML, content_type="text/html")
        if base == TOO_LARGE:
            padding = b"<!-- padding -->" * (TOO_LARGE_BYTES // 16)
            return web.Response(body=HTML.replace(b"</body>", padding + b"</body>"),
                                content_type="text/html")
        return web.Response(status=404, text="No HTML for this paper", content_type="text/html")

    async def image(request: web.Request) -> web.StreamResponse:
        return web.Response(body=IMAGE, content_type="image/png")

    async def pdf(request: web.Request) -> web.StreamResponse:
        await record("pdf", request)
        base = request.match_info["id"].rsplit("v", 1)[0]
        if base in (PDF_ONLY, HTML_CC_BY, HTML_ARXIV):
            return web.Response(body=PDF, content_type="application/pdf")
        return web.Response(status=404, text="Not found", content_type="text/html")

    app.router.add_get("/html/{id}", html)
    app.router.add_get("/html/{id}/{file}", image)
    app.router.add_get("/pdf/{id}", pdf)
