"""Atom (RFC 4287, written by feedgen) and JSON Feed 1.1 for one topic or for everything.

Entries are papers, newest announcement first, each with its summary and takeaways as HTML.
Every date comes from the data (the announcement day), never from the clock, so a rebuild
with nothing new writes identical bytes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from adapters.web import paths
from adapters.web.archive import Day, Entry, TopicArchive

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


@dataclass(frozen=True)
class FeedItem:
    """One paper in a feed: where it appeared and its rendered HTML content."""

    topic: TopicArchive
    day: Day
    entry: Entry
    content_html: str

    @property
    def id(self) -> str:
        return f"urn:arxiv:{self.entry.view.version_id}"

    @property
    def when(self) -> datetime:
        return datetime(self.day.day.year, self.day.day.month, self.day.day.day, tzinfo=UTC)

    def url(self, base_url: str) -> str:
        """The paper's page on this site when its address is known, else arXiv's."""
        if base_url:
            return base_url + paths.paper_page(self.entry.paper_id)
        return self.entry.view.links.abs


@dataclass(frozen=True)
class FeedInfo:
    """A feed's own fields."""

    title: str
    subtitle: str
    language: str
    base_url: str
    atom_path: str
    json_path: str
    home_path: str
    key: str  # "all" or the topic name: part of the feed's permanent id


def atom(info: FeedInfo, items: Sequence[FeedItem]) -> bytes:
    gen = FeedGenerator()
    gen.id(f"urn:paperbot:feed:{info.key}" if not info.base_url else info.base_url + info.atom_path)
    gen.title(info.title)
    gen.subtitle(info.subtitle)
    gen.language(info.language)
    gen.author({"name": info.title})
    gen.generator("paperbot")
    if info.base_url:
        gen.link(href=info.base_url + info.home_path, rel="alternate", type="text/html")
        gen.link(href=info.base_url + info.atom_path, rel="self", type="application/atom+xml")
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    gen.updated(max((i.when for i in items), default=epoch))
    for item in reversed(items):  # feedgen prepends: add oldest first to keep newest first
        view = item.entry.view
        entry = gen.add_entry()
        entry.id(item.id)
        entry.title(view.title)
        # One link only: feedgen 1.0 writes an entry link's href but drops its rel and type,
        # so a second one would be a second "alternate" (RFC 4287 forbids that). The
        # content links arXiv.
        entry.link(href=item.url(info.base_url))
        for name in view.authors:
            entry.author({"name": name})
        entry.published(item.when)
        entry.updated(item.when)
        for category in view.categories:
            entry.category(term=category)
        entry.content(item.content_html, type="html")
    return bytes(gen.atom_str(pretty=True))


def json_feed(info: FeedInfo, items: Sequence[FeedItem]) -> bytes:
    feed: dict[str, object] = {
        "version": JSON_FEED_VERSION,
        "title": info.title,
        "description": info.subtitle,
        "language": info.language,
        "authors": [{"name": info.title}],
    }
    if info.base_url:
        feed["home_page_url"] = info.base_url + info.home_path
        feed["feed_url"] = info.base_url + info.json_path
    feed["items"] = [
        {
            "id": item.id,
            "url": item.url(info.base_url),
            "external_url": item.entry.view.links.abs,
            "title": item.entry.view.title,
            "content_html": item.content_html,
            "summary": item.entry.view.summary or item.entry.view.abstract[:300],
            "date_published": item.when.isoformat(),
            "authors": [{"name": name} for name in item.entry.view.authors],
            "tags": list(item.entry.view.categories),
        }
        for item in items
    ]
    return (json.dumps(feed, ensure_ascii=False, indent=1) + "\n").encode()
