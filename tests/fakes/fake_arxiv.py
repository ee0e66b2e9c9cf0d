"""A stand-in for export.arxiv.org/api/query and rss.arxiv.org/rss/, on 127.0.0.1.

`/api/query` answers `id_list` lookups from every real entry in the samples (api/, api_edited/,
api_entries/) plus papers a test adds, rendered as a 2025-style Atom feed; malformed ids get
arXiv's HTTP 400 error feed. `search_query` with `cat:` and `submittedDate:` filters is answered
from `window_papers`. `/rss/<cats>` serves the configured listing (default: the real 4-item
layareader feed). `fail_next(...)` queues faults for the next requests; `requests` records
every request with its monotonic arrival time.

    with FakeArxiv() as fake:
        config = ArxivConfig(api_url=fake.api_url, rss_url=fake.rss_url, ...)
"""

from __future__ import annotations

import asyncio
import copy
import functools
import re
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape

from aiohttp import web
from lxml import etree

from bot.arxiv.ids import parse_arxiv_id
from bot.models import Paper
from tests.fakes import fake_fulltext
from tests.fakes.server import ThreadedServer

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "arxiv-samples"
DEFAULT_LISTING = SAMPLES / "rss" / (
    "layareader__rss2_cs.LG+cs.AI+cs.CL+stat.ML_2026-09-24_4items.xml"
)
ATOM = "http://www.w3.org/2005/Atom"
ARXIV = "http://arxiv.org/schemas/atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
NSMAP = {None: ATOM, "opensearch": OPENSEARCH, "arxiv": ARXIV}
# arXiv checks the shape only: 0000.0000 is "well-formed" (and simply not found).
ID_FORMAT = re.compile(r"^(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v(\d+))?$")


@dataclass(frozen=True)
class Fault:
    """What to do to one request instead of (or before) answering it normally."""

    kind: Literal["status", "empty_page", "slow", "malformed"]
    status: int = 503
    seconds: float = 0.0
    retry_after: float | None = None
    only: Literal["api", "rss"] | None = None  # None: the next request of either kind

    @classmethod
    def http(cls, status: int = 503, retry_after: float | None = None, **kw: Any) -> Fault:
        return cls("status", status=status, retry_after=retry_after, **kw)

    @classmethod
    def empty_page(cls, **kw: Any) -> Fault:
        return cls("empty_page", **kw)

    @classmethod
    def slow(cls, seconds: float, **kw: Any) -> Fault:
        return cls("slow", seconds=seconds, **kw)

    @classmethod
    def malformed(cls, **kw: Any) -> Fault:
        return cls("malformed", **kw)


@dataclass(frozen=True)
class RecordedRequest:
    kind: Literal["api", "rss", "html", "pdf"]
    path: str
    query: dict[str, str]
    at: float  # time.monotonic() on arrival
    fault: Fault | None = None


@dataclass
class FakeArxiv:
    window_papers: list[Paper] = field(default_factory=list)
    requests: list[RecordedRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        # base id → entry elements, any version
        self._entries: dict[str, list[Any]] = {k: list(v) for k, v in _sample_entries().items()}
        self._faults: deque[Fault] = deque()
        self._listing: bytes = DEFAULT_LISTING.read_bytes()
        app = web.Application()
        app.router.add_get("/api/query", self._api)
        app.router.add_get("/rss/{cats}", self._rss)
        fake_fulltext.install(app, self._record_fulltext)  # issue 15
        self._server = ThreadedServer(app)

    # lifecycle and configuration ------------------------------------------------------------

    def start(self) -> FakeArxiv:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> FakeArxiv:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def api_url(self) -> str:
        return f"{self._server.url}/api/query"

    @property
    def rss_url(self) -> str:
        return f"{self._server.url}/rss/"

    @property
    def html_base_url(self) -> str:
        return f"{self._server.url}/html"

    @property
    def pdf_base_url(self) -> str:
        return f"{self._server.url}/pdf"

    def fulltext_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.kind in ("html", "pdf")]

    async def _record_fulltext(self, kind: str, request: web.Request) -> None:
        assert kind in ("html", "pdf")
        self.requests.append(RecordedRequest(
            "html" if kind == "html" else "pdf", request.path, dict(request.query),
            time.monotonic()))

    def fail_next(self, *faults: Fault) -> None:
        self._faults.extend(faults)

    def add_papers(self, papers: Iterable[Paper]) -> None:
        """Make papers known to id_list lookups (e.g. metadata for a listing's items)."""
        for paper in papers:
            self._entries.setdefault(paper.id, []).append(paper_entry(paper))

    def set_listing(self, papers: Iterable[Paper], announced: date | None = None) -> None:
        self._listing = render_rss(list(papers), announced)

    def set_listing_xml(self, data: bytes) -> None:
        self._listing = data

    def api_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.kind == "api"]

    def gaps(self) -> list[float]:
        return [b.at - a.at for a, b in zip(self.requests, self.requests[1:], strict=False)]

    # handlers ---------------------------------------------------------------------------------

    async def _take_fault(self, kind: Literal["api", "rss"], request: web.Request) -> Fault | None:
        fault = next((f for f in self._faults if f.only in (None, kind)), None)
        if fault is not None:
            self._faults.remove(fault)
        self.requests.append(
            RecordedRequest(kind, request.path, dict(request.query), time.monotonic(), fault)
        )
        if fault is not None and fault.kind == "slow":
            await asyncio.sleep(fault.seconds)
        return fault

    async def _rss(self, request: web.Request) -> web.Response:
        fault = await self._take_fault("rss", request)
        if fault is not None and fault.kind == "status":
            return _status(fault)
        if fault is not None and fault.kind in ("malformed", "empty_page"):
            body = b"<html><body>Bad gateway" if fault.kind == "malformed" else render_rss([])
            return web.Response(body=body, content_type="application/rss+xml")
        return web.Response(body=self._listing, content_type="application/rss+xml")

    async def _api(self, request: web.Request) -> web.Response:
        fault = await self._take_fault("api", request)
        if fault is not None and fault.kind == "status":
            return _status(fault)
        if fault is not None and fault.kind == "malformed":
            return web.Response(body=b"<?xml version='1.0'?><feed><entr", content_type="text/xml")
        query = request.query
        start, size = int(query.get("start", "0")), int(query.get("max_results", "10"))
        if query.get("id_list"):
            found: list[Any] = []
            for raw in query["id_list"].split(","):
                shape = ID_FORMAT.match(raw)
                if shape is None:
                    return _feed([_error_entry(f"incorrect id format for {raw}")], 1, 0, 1, 400)
                version = int(shape[2]) if shape[2] else None
                entry = self._lookup(re.sub(r"\.[A-Z]{2}/", "/", shape[1]), version)
                if entry is not None:
                    found.append(entry)
            total = len(found)
            page = found[start : start + size]
        else:
            matches = self._search(query.get("search_query", ""))
            total = len(matches)
            page = [paper_entry(p) for p in matches[start : start + size]]
        if fault is not None and fault.kind == "empty_page":
            page = []
        return _feed(page, total, start, size)

    # data ---------------------------------------------------------------------------------------

    def _lookup(self, base: str, version: int | None) -> Any | None:
        def version_of(entry: Any) -> int:
            found = parse_arxiv_id(entry.findtext(f"{{{ATOM}}}id") or "")
            return found.version or 1

        entries = self._entries.get(base, [])
        if version is not None:
            entries = [e for e in entries if version_of(e) == version]
        return max(entries, key=version_of, default=None)

    def _search(self, search_query: str) -> list[Paper]:
        cats = re.findall(r"cat:([\w.\-*]+)", search_query)
        window = re.search(r"submittedDate:\[(\d{12}) TO (\d{12})\]", search_query)

        def wanted(paper: Paper) -> bool:
            tags = {paper.primary_category, *paper.categories}
            if cats and not any(_cat_matches(c, tags) for c in cats):
                return False
            if window and paper.published is not None:
                minute = paper.published.astimezone(UTC).strftime("%Y%m%d%H%M")
                return window[1] <= minute <= window[2]
            return True

        matches = [p for p in self.window_papers if wanted(p)]
        return sorted(matches, key=lambda p: p.published or datetime.min.replace(tzinfo=UTC))


@functools.cache
def _sample_entries() -> dict[str, list[Any]]:
    """Every real API entry in the samples by base id; parsed once per test session."""
    index: dict[str, list[Any]] = {}
    for path in sorted(
        p for d in ("api", "api_edited", "api_entries") for p in (SAMPLES / d).glob("*.xml")
    ):
        for entry in etree.fromstring(path.read_bytes()).iter(f"{{{ATOM}}}entry", "entry"):
            entry = _atomise(copy.deepcopy(entry))
            entry_id = entry.findtext(f"{{{ATOM}}}id") or ""
            if "/api/errors" not in entry_id:
                index.setdefault(parse_arxiv_id(entry_id).base, []).append(entry)
    return index


def _cat_matches(pattern: str, tags: set[str]) -> bool:
    if pattern.endswith(".*"):
        return any(t.startswith(pattern[:-1]) for t in tags)
    return pattern in tags


def _atomise(entry: Any) -> Any:
    for element in entry.iter():
        if isinstance(element.tag, str) and not element.tag.startswith("{"):
            element.tag = f"{{{ATOM}}}{element.tag}"
    return entry


def _status(fault: Fault) -> web.Response:
    headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
    body = f"<html><body><h1>{fault.status}</h1>Service unavailable</body></html>"
    return web.Response(status=fault.status, text=body, content_type="text/html", headers=headers)


def _feed(entries: list[Any], total: int, start: int, size: int, status: int = 200) -> web.Response:
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap=NSMAP)  # type: ignore[arg-type]
    etree.SubElement(feed, f"{{{ATOM}}}id").text = "https://arxiv.org/api/fake"
    etree.SubElement(feed, f"{{{ATOM}}}title").text = "arXiv Query: fake"
    etree.SubElement(feed, f"{{{ATOM}}}updated").text = datetime.now(UTC).isoformat()
    etree.SubElement(feed, f"{{{OPENSEARCH}}}itemsPerPage").text = str(size)
    etree.SubElement(feed, f"{{{OPENSEARCH}}}totalResults").text = str(total)
    etree.SubElement(feed, f"{{{OPENSEARCH}}}startIndex").text = str(start)
    for entry in entries:
        feed.append(copy.deepcopy(entry))
    body = etree.tostring(feed, xml_declaration=True, encoding="UTF-8")
    return web.Response(status=status, body=body, content_type="application/atom+xml")


def _error_entry(message: str) -> Any:
    anchor = "https://arxiv.org/api/errors#" + message.replace(" ", "_")
    return etree.fromstring(
        f'<entry xmlns="{ATOM}"><id>{escape(anchor)}</id><title>Error</title>'
        f"<updated>2026-01-01T00:00:00Z</updated><summary>{escape(message)}</summary>"
        "<author><name>arXiv api core</name></author></entry>"
    )


def paper_entry(paper: Paper) -> Any:
    """A Paper as a 2025-style API <entry>."""
    published = (paper.published or datetime(2026, 1, 1, tzinfo=UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    updated = (paper.updated or paper.published or datetime(2026, 1, 1, tzinfo=UTC)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    parts = [
        f'<entry xmlns="{ATOM}" xmlns:arxiv="{ARXIV}">',
        f"<id>http://arxiv.org/abs/{paper.id}v{paper.version}</id>",
        f"<title>{escape(paper.title)}</title><updated>{updated}</updated>",
        f'<link href="https://arxiv.org/abs/{paper.id}v{paper.version}" rel="alternate"/>',
        f"<summary>{escape(paper.abstract)}</summary>",
        *(f'<category term="{escape(c)}"/>' for c in paper.categories),
        f"<published>{published}</published>",
        f"<arxiv:comment>{escape(paper.comment)}</arxiv:comment>" if paper.comment else "",
        f"<arxiv:journal_ref>{escape(paper.journal_ref)}</arxiv:journal_ref>"
        if paper.journal_ref else "",
        f"<arxiv:doi>{escape(paper.doi)}</arxiv:doi>" if paper.doi else "",
        f'<arxiv:primary_category term="{escape(paper.primary_category)}"/>',
        *(f"<author><name>{escape(a)}</name></author>" for a in paper.authors),
        "</entry>",
    ]
    return etree.fromstring("".join(parts))


def render_rss(papers: list[Paper], announced: date | None = None) -> bytes:
    """An rss.arxiv.org-style RSS 2.0 listing; no items is what arXiv sends on quiet days."""
    day = announced or next((p.announced for p in papers if p.announced), None) or date(2026, 9, 24)
    pub = format_datetime(datetime(day.year, day.month, day.day, tzinfo=UTC))
    items = "".join(
        f"<item><title>{escape(p.title)}</title><link>https://arxiv.org/abs/{p.id}</link>"
        f"<description>arXiv:{p.id}v{p.version} Announce Type: {p.announce_type or 'new'} \n"
        f"Abstract: {escape(p.abstract)}</description>"
        f'<guid isPermaLink="false">oai:arXiv.org:{p.id}v{p.version}</guid>'
        + "".join(f"<category>{escape(c)}</category>" for c in p.categories)
        + f"<pubDate>{pub}</pubDate>"
        f"<arxiv:announce_type>{p.announce_type or 'new'}</arxiv:announce_type>"
        f"<dc:creator>{escape(', '.join(p.authors))}</dc:creator>"
        + (f"<dc:rights>{escape(p.license)}</dc:rights>" if p.license else "")
        + "</item>"
        for p in papers
    )
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        f'<rss xmlns:arxiv="{ARXIV}" xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0">'
        "<channel><title>fake updates on arXiv.org</title><link>http://rss.arxiv.org/rss/</link>"
        f"<description>fake</description><pubDate>{pub}</pubDate>{items}</channel></rss>"
    ).encode()
