"""Version alerts (issue 12 item 6) against an in-memory SqliteStore with a fixed clock: a
saved paper's replacement gives its saver one DM line saying what changed, once; a followed
author's replacement reaches the following chat; unchanged parts are said to be unchanged."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from bot.models import ChatRef, ChatSettings, Feedback, Paper, Signal
from bot.ports import Listing
from bot.ranking.authors import name_key
from bot.services.version_alerts import VersionAlerts
from storage.store import SqliteStore
from tests.fakes.ports import FixedClock, ListingRenderer

AT = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
USER = "telegram:5151"
GROUP = ChatRef("discord", "777", is_private=False)
V1 = Paper(
    id="2501.12948", version=1, title="DeepSeek-R1: Incentivizing Reasoning in LLMs",
    authors=("DeepSeek-AI", "Daya Guo", "Dejian Yang"), abstract="We introduce R1.",
    categories=("cs.CL",), primary_category="cs.CL", comment="22 pages",
)
V2 = replace(V1, version=2, comment="Accepted at ICLR 2026",
             abstract="We introduce R1 and R1-Zero.", announce_type="replace")


def _store(*stored: Paper) -> SqliteStore:
    store = SqliteStore.open(":memory:", now=lambda: AT)
    store.upsert_papers(list(stored))
    return store


def _fetched(store: SqliteStore, *papers: Paper) -> Listing:
    """The listing as the daily fetch stores it before alerts are planned."""
    listing = Listing(("cs.CL",), date(2026, 11, 20), tuple(papers))
    store.save_listing(listing)
    return listing


def _run(store: SqliteStore, listing: Listing, platforms: tuple[str, ...] = ("telegram",),
         **kw: Any) -> list[dict[str, Any]]:
    alerts = VersionAlerts(store, FixedClock(AT), "en")
    found = alerts.find(listing, platforms, **kw)
    renderers = {p: ListingRenderer() for p in platforms}
    alerts.enqueue(found, renderers)
    claimed = store.claim_due(AT, 60, 100)
    for row in claimed:
        store.mark_sent(row.row_id, "1", AT)
    return [{"chat": c.message.chat, **c.message.payload} for c in claimed]


def _save(store: SqliteStore, paper: Paper, user: str = USER, chat: str = "telegram:-100") -> None:
    store.toggle_feedback(Feedback(user, chat, paper.id, paper.version, Signal.SAVE, AT))


def test_a_saved_papers_replacement_gives_the_saver_one_dm_line_once() -> None:
    store = _store(V1)
    _save(store, V1)
    listing = _fetched(store, V2)
    [sent] = _run(store, listing)
    assert sent["chat"] == ChatRef("telegram", "5151", is_private=True)
    assert sent["text"] == (
        "2501.12948 (DeepSeek-R1: Incentivizing Reasoning in LLMs) has a new version (v2):"
        " comment now says: Accepted at ICLR 2026 · title unchanged · abstract changed"
    )
    assert _run(store, listing) == []  # a second fetch of the same listing: nothing
    assert not store.mark_alert("telegram:5151", V1.id, 2)  # marked the first time


def test_unchanged_parts_are_said_unchanged_and_a_dropped_comment_removed() -> None:
    store = _store(V1)
    _save(store, V1)
    same = replace(V1, version=2, announce_type="replace-cross")
    [sent] = _run(store, _fetched(store, same))
    assert sent["text"].endswith(": comment unchanged · title unchanged · abstract unchanged")
    dropped = replace(V1, version=3, comment=None, title="R1", announce_type="replace")
    [sent] = _run(store, _fetched(store, dropped))
    assert sent["text"].endswith("(v3): comment removed · title changed · abstract unchanged")


def test_the_line_is_in_the_savers_language_and_new_papers_alert_nobody() -> None:
    store = _store(V1)
    _save(store, V1)
    store.save_settings(ChatSettings(ChatRef("telegram", "5151"), "zh", "08:00", "UTC"))
    listing = _fetched(store, V2, replace(V1, id="2501.00001", version=1, announce_type="new"))
    [sent] = _run(store, listing)
    assert sent["text"] == (
        "2501.12948(DeepSeek-R1: Incentivizing Reasoning in LLMs)有新版本(v2):"
        "备注更新为「Accepted at ICLR 2026」 · 标题未变 · 摘要有改动"
    )


def test_a_followed_authors_replacement_reaches_the_following_chat() -> None:
    store = _store(V1)
    store.follow_author(GROUP.key, "D. Guo", name_key("D. Guo"))
    store.follow_author("telegram:42", "Someone Else", name_key("Someone Else"))
    listing = _fetched(store, V2)
    [sent] = _run(store, listing, ("telegram", "discord"), chats={GROUP.key: GROUP},
                  languages={GROUP.key: "en"})
    assert sent["chat"] == GROUP
    assert sent["text"].endswith("abstract changed · by an author you follow (D. Guo)")
    assert _run(store, listing, ("telegram", "discord"), chats={GROUP.key: GROUP}) == []


def test_an_older_or_same_saved_version_and_other_platforms_get_nothing() -> None:
    store = _store(V1, V2)
    _save(store, V2)  # saved the new version already
    _save(store, V1, user="discord:9", chat="discord:9")  # discord is not running
    assert _run(store, _fetched(store, V2)) == []


def test_without_a_stored_earlier_version_the_line_says_so() -> None:
    store = _store()
    store.follow_author("telegram:-100", "Daya Guo", name_key("Daya Guo"))
    [sent] = _run(store, _fetched(store, V2))
    assert sent["chat"] == ChatRef("telegram", "-100", is_private=False)
    assert "(v2): comment now says: Accepted at ICLR 2026 · no earlier version stored" in (
        sent["text"])


def test_a_saver_who_blocked_the_bot_gets_nothing_queued() -> None:
    store = _store(V1)
    _save(store, V1)
    store.mark_chat_gone(ChatRef("telegram", "5151"), "blocked", AT)  # the RecipientGone path
    assert _run(store, _fetched(store, V2)) == []
