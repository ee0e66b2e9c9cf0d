"""What the archive publishes, read from the store: per configured topic, the announcement
days it had a digest for, and each day's papers with their cached cards.

A day's papers are those the outbox planned for `<day>|<topic>` (any chat) followed by the
papers of that day's stored listing that match the topic and have a cached card (a digest
built by `paperbot digest` leaves cards, not outbox rows). Nothing is fetched or generated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.card_view import CardView, card_view
from bot.models import CardText, Paper, PaperCard, Topic
from bot.ports import ArchiveStore, PaperStore


@dataclass(frozen=True)
class Entry:
    """One paper on a day page: its card, the card's parts, and why it was picked (if the
    card says)."""

    card: PaperCard
    view: CardView
    reason: str = ""

    @property
    def paper_id(self) -> str:
        return self.card.paper.id


@dataclass(frozen=True)
class Day:
    """One topic's digest of one announcement."""

    day: date
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class TopicArchive:
    """A configured topic and its published days, newest first."""

    topic: Topic
    days: tuple[Day, ...]

    @property
    def name(self) -> str:
        return self.topic.name


@dataclass(frozen=True)
class Archive:
    """Everything the site shows, in the page language."""

    language: str
    topics: tuple[TopicArchive, ...]

    def papers(self) -> dict[str, list[tuple[TopicArchive, Day, Entry]]]:
        """Each paper's appearances (topic, day), newest first, keyed by base id."""
        found: dict[str, list[tuple[TopicArchive, Day, Entry]]] = {}
        for topic in self.topics:
            for day in topic.days:
                for entry in day.entries:
                    found.setdefault(entry.paper_id, []).append((topic, day, entry))
        for seen in found.values():
            seen.sort(key=lambda t: t[1].day, reverse=True)
        return found


def _placeholder(language: str) -> CardText:
    """A delivered paper whose card was never cached (the LLM failed): the page says so."""
    return CardText("", (), None, None, "unavailable", language)


class _Listings:
    """Each day's stored papers read once for all topics (every topic's categories), not
    once per topic: `Topic.matches` picks each topic's own."""

    def __init__(self, papers: PaperStore, topics: Sequence[Topic]) -> None:
        self._papers = papers
        self._categories = list(dict.fromkeys(c for t in topics for c in t.categories))
        self._days: dict[date, dict[str, Paper]] = {}

    def on(self, day: date) -> dict[str, Paper]:
        if day not in self._days:
            listing = self._papers.get_listing(self._categories, day)
            self._days[day] = {p.id: p for p in listing.papers} if listing else {}
        return self._days[day]


def _topic_days(
    topic: Topic,
    planned: dict[tuple[date, str], list[str]],
    days: Sequence[date],
    listings: _Listings,
    papers: PaperStore,
    archive: ArchiveStore,
    language: str,
) -> list[Day]:
    folded = topic.name.casefold()
    wanted: dict[date, dict[str, None]] = {}
    for (day, name), ids in planned.items():
        if name.casefold() == folded:
            wanted.setdefault(day, {}).update(dict.fromkeys(ids))
    out: list[Day] = []
    for day in sorted(set(days) | set(wanted), reverse=True):
        listed = listings.on(day)
        matching = [pid for pid, p in listed.items() if topic.matches(p)]
        ids = list(wanted.get(day, {}))
        cards = archive.best_cards([*ids, *matching], language)
        ids += [pid for pid in matching if pid in cards and pid not in wanted.get(day, {})]
        entries = []
        for pid in ids:
            paper = listed.get(pid) or papers.get_paper(pid)
            if paper is None:
                continue
            text = cards.get(pid) or _placeholder(language)
            card = PaperCard(paper, text)
            reason = getattr(text, "reason", "") or ""
            entries.append(Entry(card, card_view(card, False), str(reason)))
        if entries:
            out.append(Day(day, tuple(entries)))
    return out


def collect(
    topics: Sequence[Topic], papers: PaperStore, archive: ArchiveStore, language: str
) -> Archive:
    """Read the archive for `topics` (the configured ones; users' own subscriptions stay
    private) with cards preferably in `language`."""
    planned = archive.planned_digests()
    days = archive.announcement_days()
    listings = _Listings(papers, topics)
    return Archive(
        language,
        tuple(
            TopicArchive(
                t, tuple(_topic_days(t, planned, days, listings, papers, archive, language))
            )
            for t in topics
        ),
    )
