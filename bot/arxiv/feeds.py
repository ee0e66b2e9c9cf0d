"""Turn arXiv's API and listing feeds into Papers. Pure: bytes in, values out, no I/O.

API feeds go through the `arxiv` package's own entry parser, and every `arxiv.Result` becomes a
Paper in `paper_from_result`, so the live client and these fixtures share one parsing path.
The envelope (totals, error entries, malformed bodies) is read here because the package drops
error entries silently and turns a malformed page into an empty one.
Listings (RSS 2.0, the Atom listing, the old RSS 1.0/RDF) go through feedparser.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any, get_args

import arxiv
import feedparser
from arxiv import _feed as arxiv_feed  # the package's parser; it has no public name
from lxml import etree

from bot.arxiv.ids import base_id_from_url, find_arxiv_id
from bot.models import AnnounceType, Paper

log = logging.getLogger(__name__)
_ATOM = "{http://www.w3.org/2005/Atom}"
_OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
_ANNOUNCE_TYPES: tuple[str, ...] = get_args(AnnounceType)
_DESCRIPTION_PREFIX = re.compile(r"^\s*arXiv:\S+\s+Announce Type:\s*\S+\s*(?:Abstract:\s*)?")
_RDF_TITLE = re.compile(
    r"^(?P<title>.*?)\s*\(arXiv:(?P<id>\S+?)\s*\[(?P<cat>[^\]]+)\]\s*(?P<flag>[A-Z ]*)\)\s*$",
    re.DOTALL,
)
_RDF_FLAGS = {"": "new", "CROSS LISTED": "cross", "UPDATED": "replace"}
_TAG = re.compile(r"<[^>]+>")
# API entries also list ACM and MSC classes as <category> ("E.1; E.4", "68P05"): not arXiv's.
_CATEGORY = re.compile(r"^[a-z][a-z-]*(?:\.[A-Za-z-]+)?$")


@dataclass(frozen=True)
class ApiEnvelope:
    """What an API page says about itself; `error` is set for error feeds and broken bodies."""

    total_results: int
    start_index: int
    items_per_page: int
    entries: int
    error: str | None = None
    malformed: bool = False


@dataclass(frozen=True)
class ApiFeed:
    papers: tuple[Paper, ...]
    total_results: int
    start_index: int
    items_per_page: int
    error: str | None = None


@dataclass(frozen=True)
class ListingFeed:
    papers: tuple[Paper, ...]
    announced: date | None
    error: str | None = None
    malformed: bool = False  # not a feed at all (a proxy's HTML page, a cut-off body)


def clean_text(text: str | None) -> str:
    """One line, single spaces: titles wrap with two-space continuations, abstracts hard-wrap."""
    return " ".join((text or "").split())


def _xml(raw: bytes) -> Any:
    """The document root, or None when it is not XML; no network, no entity expansion."""
    try:
        return etree.fromstring(raw, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None


def _atomise(root: Any) -> bytes:
    """Put a collection's namespace-less <entry> elements into Atom, where the parser looks."""
    for element in root.iter():
        if isinstance(element.tag, str) and not element.tag.startswith("{"):
            element.tag = f"{_ATOM}{element.tag}"
    return bytes(etree.tostring(root))


def api_envelope(data: bytes | str) -> ApiEnvelope:
    """Read totals and error entries without building Papers (cheap enough for every page)."""
    raw = data.encode() if isinstance(data, str) else data
    root = _xml(raw)
    if root is None or root.tag not in (f"{_ATOM}feed", "articles"):
        return ApiEnvelope(0, 0, 0, 0, error="malformed response from arXiv (not an Atom feed)",
                           malformed=True)
    if root.tag == "articles":
        root = _xml(_atomise(root))

    def number(name: str) -> int:
        found = root.find(f"{_OPENSEARCH}{name}")
        try:
            return int((found.text or "").strip()) if found is not None else 0
        except ValueError:
            return 0

    entries = root.findall(f"{_ATOM}entry")
    errors = [
        clean_text(e.findtext(f"{_ATOM}summary")) or "unknown error"
        for e in entries
        if "/api/errors" in (e.findtext(f"{_ATOM}id") or "")
    ]
    return ApiEnvelope(
        total_results=number("totalResults"),
        start_index=number("startIndex"),
        items_per_page=number("itemsPerPage"),
        entries=len(entries),
        error="; ".join(errors) or None,
    )


def parse_api_feed(data: bytes | str) -> ApiFeed:
    """An API response (or a collection of API entries) as Papers plus its paging header."""
    raw = data.encode() if isinstance(data, str) else data
    envelope = api_envelope(raw)
    papers: tuple[Paper, ...] = ()
    if not envelope.malformed:
        root = _xml(raw)
        if root is not None and root.tag == "articles":
            raw = _atomise(root)
        papers = papers_from_results(arxiv_feed.parse(raw).results)
    return ApiFeed(
        papers=papers,
        total_results=envelope.total_results,
        start_index=envelope.start_index,
        items_per_page=envelope.items_per_page,
        error=envelope.error,
    )


def papers_from_results(results: Iterable[arxiv.Result]) -> tuple[Paper, ...]:
    """Convert a page; an entry without a usable id is logged and skipped, not fatal."""
    papers = []
    for result in results:
        try:
            papers.append(paper_from_result(result))
        except ValueError as exc:
            log.warning("skipping arXiv entry: %s", exc)
    return tuple(papers)


def paper_from_result(result: arxiv.Result) -> Paper:
    """The one conversion from the `arxiv` package's Result to our Paper."""
    found = find_arxiv_id(result.entry_id)
    if found is None:
        raise ValueError(f"arXiv entry without a recognisable id: {result.entry_id!r}")
    categories = tuple(
        dict.fromkeys(c for c in result.categories if _CATEGORY.match(c) and c != "null")
    )
    return Paper(
        id=found.base,
        version=found.version or 1,
        title=clean_text(result.title),
        authors=tuple(clean_text(a.name) for a in result.authors),
        abstract=clean_text(result.summary),
        categories=categories,
        primary_category=result.primary_category or (categories[0] if categories else ""),
        comment=clean_text(result.comment) or None,
        journal_ref=clean_text(result.journal_ref) or None,
        doi=clean_text(result.doi) or None,
        published=result.published,
        updated=result.updated,
    )


def parse_listing(data: bytes | str) -> ListingFeed:
    """A listing feed (RSS 2.0, Atom or RSS 1.0/RDF) as Papers with their announce type."""
    feed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    title = feed.feed.get("title", "")
    if title.startswith("Feed error"):
        return ListingFeed((), None, error=clean_text(feed.feed.get("description")) or title)
    if feed.bozo and not feed.entries:
        return ListingFeed(
            (), None, error=f"malformed listing from arXiv ({feed.bozo_exception})", malformed=True
        )
    papers = tuple(p for p in (_listing_paper(e) for e in feed.entries) if p is not None)
    announced = next((p.announced for p in papers if p.announced), None)
    if announced is None and papers:
        announced = _date(feed.feed.get("published") or feed.feed.get("updated"))
        papers = tuple(replace(p, announced=announced) for p in papers)
    return ListingFeed(papers, announced if papers else None)


def _listing_paper(entry: Any) -> Paper | None:
    title = clean_text(entry.get("title"))
    found = find_arxiv_id(str(entry.get("id", "")).replace("oai:arXiv.org:", ""))
    categories = tuple(t["term"] for t in entry.get("tags", []) if t.get("term"))
    announce_type = entry.get("arxiv_announce_type")
    rdf = _RDF_TITLE.match(title)
    if rdf:  # pre-2024: "Title. (arXiv:2107.03419v1 [hep-ex] CROSS LISTED)"
        title = rdf["title"].removesuffix(".")
        found = find_arxiv_id(rdf["id"])
        categories = (rdf["cat"],)
        announce_type = _RDF_FLAGS.get(rdf["flag"].strip())
    if found is None:
        base = base_id_from_url(str(entry.get("link", "")))
        found = find_arxiv_id(base) if base else None
    if found is None:
        return None
    if announce_type not in _ANNOUNCE_TYPES:
        announce_type = None
    abstract = _DESCRIPTION_PREFIX.sub("", entry.get("summary", ""))
    return Paper(
        id=found.base,
        version=found.version or 1,
        title=title,
        authors=_authors(entry.get("author", "")),
        abstract=clean_text(abstract),
        categories=categories,
        primary_category=categories[0] if categories else "",
        journal_ref=clean_text(entry.get("arxiv_journal_reference")) or None,
        doi=clean_text(entry.get("arxiv_doi")) or None,
        announce_type=announce_type,
        announced=_date(entry.get("published")),
        license=clean_text(entry.get("rights")) or None,
    )


def _authors(creator: str) -> tuple[str, ...]:
    """Listings put every author in one comma-separated dc:creator (old ones as HTML links)."""
    text = clean_text(html.unescape(_TAG.sub("", creator)))
    return tuple(name.strip() for name in text.split(",") if name.strip())


def _date(value: str | None) -> date | None:
    """The calendar date as arXiv wrote it (in its own offset), not shifted to UTC."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError):
        pass
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        return None
