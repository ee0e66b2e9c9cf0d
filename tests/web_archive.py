"""A store holding a small archive, filled the way the bot fills it: a stored listing per
announcement day, cached cards, and outbox rows of the digests it planned."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.models import CardText, ChatRef, OutgoingMessage, Paper, Topic
from bot.ports import Listing
from storage.store import SqliteStore

TOPIC = Topic("R1_Reasoning", ("cs.CL", "cs.AI"), keywords=("reasoning",))
HOSTILE_TITLE = "<script>alert(1)</script></title>{{ 7*7 }} Reasoning & <b>bold</b>"
LLM_MARKUP = "<i>不是标签</i>"  # a model's stray tag: shown as the text it is
NOW = datetime(2026, 3, 30, 12, tzinfo=UTC)


def paper(day: date, i: int, title: str | None = None) -> Paper:
    return Paper(
        id=f"{day:%y%m}.{day.day:02d}{i:03d}",
        version=1,
        title=title or f"Scaling reasoning with $O(n \\log n)$ search, part {i}",
        authors=("Ada Lovelace", "Alan Turing", "Grace Hopper"),
        abstract=f"We study reasoning in $\\mathcal{{O}}(n^2)$ time on day {day}.\n\n"
        "Schr\\\"odinger equations are not involved.",
        categories=("cs.CL", "cs.AI"),
        primary_category="cs.CL",
        comment="12 pages, 3 figures",
        announce_type="new",
        announced=day,
    )


def card(p: Paper, language: str = "zh") -> CardText:
    return CardText(
        summary=f"本文研究 $\\alpha$ 推理:{p.title}",
        key_takeaways=(f"第一点 {LLM_MARKUP}", "第二点 $x^2$", "第三点"),
        title_translation=f"推理的扩展 {p.id}",
        abstract_translation="我们研究推理。",
        source="llm",
        language=language,
        model="m",
    )


def add_day(
    store: SqliteStore,
    day: date,
    count: int,
    topic: Topic = TOPIC,
    hostile: bool = False,
    delivered: bool = True,
    first: int = 0,
) -> list[Paper]:
    """One announcement day: its listing, a card per paper, and (delivered) the digest's
    outbox row for one channel; `hostile` makes the first title an attack; ids are numbered
    from `first`."""
    papers = [paper(day, i, HOSTILE_TITLE if hostile and i == first else None)
              for i in range(first, first + count)]
    store.save_listing(Listing(topic.categories, day, tuple(papers)))
    for p in papers:
        store.put_card(p.id, p.version, card(p), "v1")
    if delivered:
        chat = ChatRef("telegram", "@channel", False)
        key = f"{day.isoformat()}|{topic.name}"
        store.enqueue([OutgoingMessage(f"{chat.key}|{key}|0", chat, {"text": "…"}, key, 0,
                                       tuple(p.id for p in papers))], NOW)
    return papers


def filled_store(days: int = 3, per_day: int = 4, start: date = date(2026, 3, 23)) -> SqliteStore:
    store = SqliteStore.open(":memory:")
    for n in range(days):
        add_day(store, start + timedelta(days=n), per_day, hostile=n == days - 1)
    return store
