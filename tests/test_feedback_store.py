"""The feedback table: toggles, exclusive 👍/👎, counts per chat, reading list, forgetting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.models import Feedback, Signal
from storage.store import SqliteStore

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _fb(user: str, chat: str, paper: str, signal: Signal, minutes: int = 0) -> Feedback:
    return Feedback(user, chat, paper, 1, signal, T0 + timedelta(minutes=minutes))


def test_a_second_press_clears_and_up_and_down_exclude_each_other() -> None:
    store = SqliteStore.open(":memory:")
    assert store.toggle_feedback(_fb("telegram:7", "telegram:-100", "2501.00001", Signal.UP))
    assert store.feedback_state("telegram:7", "telegram:-100", "2501.00001") == {Signal.UP}
    assert store.toggle_feedback(_fb("telegram:7", "telegram:-100", "2501.00001", Signal.DOWN))
    assert store.feedback_state("telegram:7", "telegram:-100", "2501.00001") == {Signal.DOWN}
    assert store.toggle_feedback(_fb("telegram:7", "telegram:-100", "2501.00001", Signal.SAVE))
    assert not store.toggle_feedback(
        _fb("telegram:7", "telegram:-100", "2501.00001", Signal.DOWN)
    )
    assert store.feedback_state("telegram:7", "telegram:-100", "2501.00001") == {Signal.SAVE}


def test_counts_are_per_chat_and_queries_by_chat_or_user() -> None:
    store = SqliteStore.open(":memory:")
    store.toggle_feedback(_fb("telegram:7", "telegram:-100", "2501.00001", Signal.UP, 1))
    store.toggle_feedback(_fb("telegram:8", "telegram:-100", "2501.00001", Signal.UP, 2))
    store.toggle_feedback(_fb("telegram:8", "telegram:-200", "2501.00001", Signal.DOWN, 3))
    assert store.feedback_counts("telegram:-100", "2501.00001") == {Signal.UP: 2}
    assert store.feedback_counts("telegram:-200", "2501.00001") == {Signal.DOWN: 1}
    in_group = store.feedback_for(chat_key="telegram:-100")
    assert [f.user_key for f in in_group] == ["telegram:7", "telegram:8"]
    by_user = store.feedback_for(user_key="telegram:8")
    assert [(f.chat_key, f.signal) for f in by_user] == [
        ("telegram:-100", Signal.UP), ("telegram:-200", Signal.DOWN)
    ]


def test_the_reading_list_has_each_paper_once_newest_first_and_forget_empties_it() -> None:
    store = SqliteStore.open(":memory:")
    store.toggle_feedback(_fb("discord:5", "discord:9", "2501.00001", Signal.SAVE, 1))
    store.toggle_feedback(_fb("discord:5", "discord:5", "2501.00001", Signal.SAVE, 2))
    store.toggle_feedback(_fb("discord:5", "discord:9", "2501.00002", Signal.SAVE, 3))
    store.toggle_feedback(_fb("discord:6", "discord:9", "2501.00003", Signal.SAVE, 4))
    assert [f.base_id for f in store.saved_papers("discord:5")] == ["2501.00002", "2501.00001"]
    assert store.forget_feedback("discord:5") == 3
    assert store.saved_papers("discord:5") == []
    assert [f.base_id for f in store.saved_papers("discord:6")] == ["2501.00003"]
