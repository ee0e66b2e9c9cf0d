"""Storage contract for privacy: stored translations expire and are found by who asked;
/forget's deletions take a chat's and a user's rows and nobody else's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.models import ChatRef, ChatSettings, OutgoingMessage, Subscription, Topic
from bot.ports import ForgottenChat
from storage.store import SqliteStore

START = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
ME = ChatRef("telegram", "42", is_private=True)
OTHER = ChatRef("telegram", "43", is_private=True)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(params=["memory", "file"])
def clocked(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[SqliteStore, Clock]]:
    clock = Clock()
    path = ":memory:" if request.param == "memory" else str(tmp_path / "paperbot.db")
    store = SqliteStore.open(path, now=clock)
    yield store, clock
    store.close()


def test_translations_expire_after_the_retention(clocked: tuple[SqliteStore, Clock]) -> None:
    store, clock = clocked
    store.put_translation("old", "旧", "telegram:7")
    clock.now = START + timedelta(days=20)
    store.put_translation("new", "新")
    assert store.purge_translations(START + timedelta(days=10)) == 1
    assert store.get_translation("old") is None and store.get_translation("new") == "新"
    assert store.forget_translations("telegram:7") == 0  # its user row went with it


def test_forget_translations_deletes_the_users_and_only_theirs(
    clocked: tuple[SqliteStore, Clock],
) -> None:
    store, _ = clocked
    store.put_translation("mine", "a", "telegram:7")
    store.put_translation("shared", "b", "telegram:8")
    store.add_translation_user("shared", "telegram:7")  # asked again: a cache hit
    store.put_translation("theirs", "c", "telegram:8")
    store.put_translation("anon", "d")
    store.add_translation_user("missing", "telegram:7")  # no such row: nothing to note
    assert store.forget_translations("telegram:7") == 2
    assert [store.get_translation(k) for k in ("mine", "shared", "theirs", "anon")] == [
        None, None, "c", "d"
    ]
    store.put_translation("theirs", "c2", "telegram:8")  # re-put keeps its users
    assert store.forget_translations("telegram:8") == 1


def test_forget_usage(clocked: tuple[SqliteStore, Clock]) -> None:
    store, _ = clocked
    for day in (date(2026, 11, 19), date(2026, 11, 20)):
        store.add_llm_usage("telegram:7", day)
    store.add_llm_usage("telegram:8", date(2026, 11, 20))
    store.add_llm_usage("arxiv:telegram:7", date(2026, 11, 20), 3)  # the user's lookups
    assert store.forget_usage("telegram:7") == 3
    assert store.llm_usage("telegram:7", date(2026, 11, 20)) == 0
    assert store.llm_usage("arxiv:telegram:7", date(2026, 11, 20)) == 0
    assert store.llm_usage("telegram:8", date(2026, 11, 20)) == 1


def test_forget_chat_takes_everything_of_that_chat_but_messages_in_flight(
    clocked: tuple[SqliteStore, Clock],
) -> None:
    store, _ = clocked
    for chat in (ME, OTHER):
        store.save_settings(ChatSettings(chat, "ja", "08:00", "Asia/Tokyo"))
        store.add_subscription(Subscription(chat, Topic("cs.CL", ("cs.CL",))))
        store.enqueue(
            [OutgoingMessage(f"{chat.key}|d|{i}", chat, {"text": str(i)}, "d", i, (f"p{i}",))
             for i in range(3)],
            START,
        )
        store.record_digest(chat, "d", date(2026, 11, 19), START)
    sent = store.claim_due(START, 60, 10)
    for claimed in sent:
        store.mark_sent(claimed.row_id, "m1", START)  # p0 delivered to both
    in_flight = store.claim_due(START, 60, 10)  # p1 of both is being sent now

    assert store.forget_chat(ME) == ForgottenChat(settings=True, subscriptions=1, queued=1)
    assert store.get_settings(ME) is None and store.subscriptions(ME) == []
    assert store.delivered_ids(ME, ["p0"]) == set() and store.last_digest_date(ME) is None
    assert store.digest_counts(ME, "d") == {"claimed": 1}  # finished by its dispatcher
    assert store.get_settings(OTHER) is not None and len(store.subscriptions(OTHER)) == 1
    assert store.delivered_ids(OTHER, ["p0"]) == {"p0"}
    assert store.digest_counts(OTHER, "d") == {"sent": 1, "claimed": 1, "pending": 1}
    assert len(in_flight) == 2
    assert store.forget_chat(ME) == ForgottenChat(settings=False, subscriptions=0, queued=0)
