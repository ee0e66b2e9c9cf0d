"""The archive rendered to files in memory: every page, feed and the stylesheet, by path.

Jinja2 autoescapes everything: titles, abstracts and LLM output are text, never markup.
Day pages are split so that no page passes PAGE_BUDGET bytes of cards.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from itertools import groupby
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from adapters.web import paths
from adapters.web.archive import Archive, Day, Entry, TopicArchive
from adapters.web.feeds import FeedInfo, FeedItem, atom, json_feed
from adapters.web.words import words
from bot.card_view import MAX_AUTHORS, authors_line
from bot.labels import label, notice

PAGE_BUDGET = 150_000  # cards per day page, in bytes: pages stay well under 200 KB
MONTH_TITLES_BUDGET = 150_000
DESCRIPTION_CHARS = 200

ENV = Environment(
    loader=PackageLoader("adapters.web", "templates"),
    autoescape=True,
    keep_trailing_newline=True,
)


class Labels:
    """`L.summary` in a template: bot.labels in the page's language."""

    def __init__(self, language: str) -> None:
        self._language = language

    def __getattr__(self, key: str) -> str:
        return label(self._language, key)


@dataclass(frozen=True)
class SiteOptions:
    """How the site is addressed and named."""

    title: str
    base_url: str  # "" when the public address is unknown: links stay relative
    feed_entries: int


def _short(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class SiteRenderer:
    """Renders one Archive; `files()` yields (path, bytes) for the whole site."""

    def __init__(self, archive: Archive, options: SiteOptions) -> None:
        self.archive = archive
        self.options = options
        self.lang = archive.language
        self.W = words(self.lang)
        self.L = Labels(self.lang)
        self._card = ENV.get_template("card.html").module.card  # type: ignore[attr-defined]
        self._entry = ENV.get_template("entry.html")

    # --- helpers ----------------------------------------------------------------------

    def _page(self, template: str, path: str, **context: Any) -> tuple[str, bytes]:
        base = self.options.base_url
        context.setdefault("description", self.W["description"])
        context.setdefault("root", paths.root_of(path))
        html = ENV.get_template(template).render(
            lang=self.lang, W=self.W, L=self.L, notice=notice(self.lang),
            site_title=self.options.title, canonical=base + path if base else "", **context,
        )
        return path, html.encode()

    def _shown(self, entry: Entry) -> dict[str, Any]:
        return {
            "view": entry.view,
            "reason": entry.reason,
            "authors": authors_line(entry.view, MAX_AUTHORS),
            "permalink": paths.paper_page(entry.paper_id),
        }

    def _feeds(self, topic: TopicArchive | None) -> list[dict[str, str]]:
        name = topic.name if topic else None
        title = f"{self.options.title} · {name}" if name else self.options.title
        return [
            {"type": "application/atom+xml", "title": f"{title} ({self.W['atom']})",
             "href": paths.feed(name, "atom")},
            {"type": "application/feed+json", "title": f"{title} ({self.W['json']})",
             "href": paths.feed(name, "json")},
        ]

    # --- pages ------------------------------------------------------------------------

    def files(self) -> Iterator[tuple[str, bytes]]:
        yield "style.css", files("adapters.web").joinpath("templates/style.css").read_bytes()
        yield self._index()
        # Served at any missing address, so its links start from the site's root path.
        root = urlsplit(self.options.base_url).path or "/"
        yield self._page("404.html", "404.html", title=self.W["not_found"], root=root)
        for topic in self.archive.topics:
            yield from self._topic(topic)
        yield from self._papers()
        yield from self._feed_files(None, [(t, d) for t in self.archive.topics for d in t.days])

    def _index(self) -> tuple[str, bytes]:
        topics = []
        for t in self.archive.topics:
            latest = t.days[0] if t.days else None
            topics.append({
                "name": t.name, "href": paths.topic_index(t.name),
                "categories": t.topic.categories, "keywords": t.topic.keywords,
                "latest": latest.day.isoformat() if latest else "",
                "latest_href": paths.day_page(t.name, latest.day) if latest else "",
                "latest_count": len(latest.entries) if latest else 0,
                "atom": paths.feed(t.name, "atom"), "json": paths.feed(t.name, "json"),
            })
        return self._page("index.html", "index.html", title=self.options.title, topics=topics,
                          feeds=self._feeds(None))

    def _topic(self, topic: TopicArchive) -> Iterator[tuple[str, bytes]]:
        name, feeds = topic.name, self._feeds(topic)
        crumbs = [(name, paths.topic_index(name))]
        months = [(m, list(days)) for m, days in
                  groupby(topic.days, key=lambda d: d.day.isoformat()[:7])]
        index = paths.topic_index(name)
        days = [{"day": d.day.isoformat(), "count": len(d.entries),
                 "href": paths.day_page(name, d.day).rsplit("/", 1)[1]} for d in topic.days]
        yield self._page(
            "topic.html", index, title=f"{name} · {self.options.title}", name=name,
            categories=topic.topic.categories, keywords=topic.topic.keywords, days=days,
            months=[(m, paths.month_page(name, m).rsplit("/", 1)[1]) for m, _ in months],
            crumbs=crumbs, feeds=feeds,
            description=f"{name}: {self.W['description']}",
        )
        for month, month_days in months:
            yield self._month(topic, month, month_days, crumbs, feeds)
        for i, day in enumerate(topic.days):
            newer = topic.days[i - 1] if i > 0 else None
            older = topic.days[i + 1] if i + 1 < len(topic.days) else None
            yield from self._day(topic, day, newer, older, crumbs, feeds)
        yield from self._feed_files(topic, [(topic, d) for d in topic.days])

    def _month(self, topic: TopicArchive, month: str, days: list[Day],
               crumbs: list[tuple[str, str]], feeds: list[dict[str, str]]) -> tuple[str, bytes]:
        name = topic.name
        total = sum(len(d.entries) for d in days)
        with_titles = total * 200 < MONTH_TITLES_BUDGET  # a long month lists days only
        listed = [{
            "day": d.day.isoformat(), "count": len(d.entries),
            "href": paths.day_page(name, d.day).rsplit("/", 1)[1],
            "titles": [(e.view.title, paths.paper_page(e.paper_id)) for e in d.entries]
            if with_titles else [],
        } for d in days]
        return self._page(
            "month.html", paths.month_page(name, month), title=f"{name} · {month}", name=name,
            month=month, days=listed, crumbs=crumbs, feeds=feeds,
            description=f"{name} · {month}: {total} {self.W['papers']}",
        )

    def _day(self, topic: TopicArchive, day: Day, newer: Day | None, older: Day | None,
             crumbs: list[tuple[str, str]], feeds: list[dict[str, str]]
             ) -> Iterator[tuple[str, bytes]]:
        name = topic.name
        pages: list[list[Markup]] = [[]]
        size = 0
        for entry in day.entries:
            fragment = self._card(self._shown(entry), "../../", self.L, self.W, self.lang)
            if pages[-1] and size + len(fragment.encode()) > PAGE_BUDGET:
                pages.append([])
                size = 0
            pages[-1].append(fragment)
            size += len(fragment.encode())
        first = day.entries[0].view.title if day.entries else ""
        for number, fragments in enumerate(pages, 1):
            path = paths.day_page(name, day.day, number)
            newer_href = (paths.day_page(name, day.day, number - 1) if number > 1
                          else paths.day_page(name, newer.day, 1) if newer else "")
            older_href = (paths.day_page(name, day.day, number + 1) if number < len(pages)
                          else paths.day_page(name, older.day, 1) if older else "")
            yield self._page(
                "day.html", path, title=f"{day.day} {name} · {self.options.title}", name=name,
                day=day.day.isoformat(), count=len(day.entries), entries=fragments,
                page=number, pages=len(pages), crumbs=crumbs, feeds=feeds,
                newer=newer_href.rsplit("/", 1)[-1], older=older_href.rsplit("/", 1)[-1],
                description=_short(f"{name} · {day.day}: {len(day.entries)} "
                                   f"{self.W['papers']}. {first}"),
            )

    def _papers(self) -> Iterator[tuple[str, bytes]]:
        for base_id, seen in self.archive.papers().items():
            _, _, entry = seen[0]
            view = entry.view
            yield self._page(
                "paper.html", paths.paper_page(base_id), title=view.title, og_type="article",
                entry=self._shown(entry),
                seen=[(t.name, d.day.isoformat(), paths.day_page(t.name, d.day))
                      for t, d, _ in seen],
                description=_short(view.summary or view.abstract),
                crumbs=[(seen[0][0].name, paths.topic_index(seen[0][0].name))],
            )

    # --- feeds ------------------------------------------------------------------------

    def _feed_files(self, topic: TopicArchive | None, days: list[tuple[TopicArchive, Day]]
                    ) -> Iterator[tuple[str, bytes]]:
        ordered = sorted(days, key=lambda td: td[1].day, reverse=True)
        items: list[FeedItem] = []
        seen: set[str] = set()
        for t, day in ordered:
            for entry in day.entries:
                if entry.paper_id in seen or len(items) >= self.options.feed_entries:
                    continue
                seen.add(entry.paper_id)
                items.append(FeedItem(t, day, entry, self._content(entry)))
        name = topic.name if topic else None
        info = FeedInfo(
            title=f"{self.options.title} · {name}" if name else self.options.title,
            subtitle=self.W["description"], language=self.lang, base_url=self.options.base_url,
            atom_path=paths.feed(name, "atom"), json_path=paths.feed(name, "json"),
            home_path=paths.topic_index(name) if name else "index.html", key=name or "all",
        )
        yield info.atom_path, atom(info, items)
        yield info.json_path, json_feed(info, items)

    def _content(self, entry: Entry) -> str:
        return self._entry.render(
            v=entry.view, L=self.L, authors=authors_line(entry.view, MAX_AUTHORS),
            notice=notice(self.lang),
        )
