"""Deep summary button and depth reply expiry (issue 11 polish): the press through the real
composition against the arXiv and LLM stand-ins, charged to the presser and free from the
cache; the scheduling of group depth replies' deletion with a fixed clock and a store."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from telegram.error import BadRequest, NetworkError

from adapters.telegram.expiry import ExpiringReplies
from bot.buttons.actions import ButtonHandler
from bot.buttons.payload import Action, Payload, decode, encode, is_slow
from bot.main.app import Parts
from bot.models import ButtonPress, ChatRef
from storage.store import SqliteStore
from tests.e2e_setup import fulltext_parts
from tests.fakes.fake_arxiv import FakeArxiv
from tests.fakes.fake_fulltext import HTML_CC_BY, fixture_papers
from tests.fakes.fake_llm import FakeLLM

PRIVATE = ChatRef("telegram", "42", is_private=True)
GROUP = ChatRef("telegram", "-100777", is_private=False)


@pytest.fixture(scope="module")
def stand_ins() -> Iterator[tuple[FakeArxiv, FakeLLM]]:
    with FakeArxiv() as arxiv, FakeLLM() as llm:
        arxiv.add_papers(fixture_papers())
        yield arxiv, llm


@pytest.fixture
async def parts(stand_ins: tuple[FakeArxiv, FakeLLM],
                monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Parts]:
    arxiv, llm = stand_ins
    arxiv.requests.clear()
    llm.reset()
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    async with fulltext_parts(arxiv, llm) as built:
        yield built


def test_deep_payload_is_slow_and_fits() -> None:
    data = encode(Payload(Action.DEEP, "hep-th/9901001", 999, "zh-tw"))
    assert is_slow(data) and len(data.encode()) <= 64
    assert not is_slow(encode(Payload(Action.SUMMARY, "2501.00001", 1))) and not is_slow("x")


async def test_deep_press_charges_the_presser_then_answers_from_the_cache(
        parts: Parts, stand_ins: tuple[FakeArxiv, FakeLLM]) -> None:
    arxiv, llm = stand_ins
    handler = ButtonHandler(parts.core, parts.store)
    data = encode(Payload(Action.DEEP, HTML_CC_BY, 1, "en"))
    today = parts.core.clock.now().date()

    first = await handler.handle(ButtonPress(data, PRIVATE, "42", locale="en"))
    assert first.reply is not None and not first.alert, first.toast
    assert "Source: from the full text (HTML)" in first.reply.text
    assert first.reply.image is not None  # CC BY: the figure comes along
    assert first.show == "edit"
    back = first.reply.buttons[-1][0]
    assert decode(back.data) == Payload(Action.CARD, HTML_CC_BY, 1, "en")
    assert llm.count == 1 and parts.store.llm_usage("telegram:42", today) == 1
    assert parts.store.token_usage("telegram:42", today) > 0

    requests = len(arxiv.requests)
    again = await handler.handle(ButtonPress(data, GROUP, "43", locale="en"))
    assert again.show == "private" and again.reply is not None
    assert again.reply.text == first.reply.text
    assert (llm.count, len(arxiv.requests)) == (1, requests)
    assert parts.store.llm_usage("telegram:43", today) == 0


async def test_deep_press_over_budget_is_refused_politely(parts: Parts) -> None:
    handler = ButtonHandler(parts.core, parts.store)
    limit = parts.core.config.bot.daily_llm_requests_per_user
    today = parts.core.clock.now().date()
    parts.store.add_llm_usage("telegram:9", today, limit)
    answer = await handler.handle(ButtonPress(encode(Payload(Action.DEEP, HTML_CC_BY, 1, "en")),
                                              PRIVATE, "9", locale="en"))
    assert answer.alert and answer.reply is None and answer.toast


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at


class Deleter:
    """PTB's Bot as the sweep uses it: deleteMessage answers from a script."""

    def __init__(self, answers: dict[int, Exception | None]) -> None:
        self.answers = answers
        self.calls: list[tuple[int, int]] = []

    async def delete_message(self, chat_id: int, message_id: int) -> bool:
        self.calls.append((chat_id, message_id))
        answer = self.answers.get(message_id)
        if answer is not None:
            raise answer
        return True


def test_depth_replies_are_deleted_after_the_ttl_and_survive_a_restart() -> None:
    store = SqliteStore.open(":memory:")
    clock = Clock()
    replies = ExpiringReplies(timedelta(minutes=30), store, clock)
    replies.add(-100777, [11, 12])
    clock.at += timedelta(minutes=10)
    replies.add(-100777, [13])
    clock.at += timedelta(minutes=19, seconds=59)
    assert replies.due() == []
    clock.at += timedelta(seconds=1)
    restarted = ExpiringReplies(timedelta(minutes=30), store, clock)  # read from the store
    assert [(c, m) for c, m, _ in restarted.due()] == [(-100777, 11), (-100777, 12)]

    bot: Any = Deleter({12: BadRequest("Message to delete not found")})
    assert asyncio.run(restarted.sweep(bot)) == 2  # a message already gone is forgotten
    assert asyncio.run(restarted.sweep(bot)) == 0 and len(bot.calls) == 2
    clock.at += timedelta(minutes=10)
    bot.answers[13] = NetworkError("down")
    assert asyncio.run(restarted.sweep(bot)) == 0  # kept: tried again next sweep
    del bot.answers[13]
    assert asyncio.run(restarted.sweep(bot)) == 1 and replies.due() == []
    assert bot.calls[-2:] == [(-100777, 13), (-100777, 13)]


def test_a_zero_ttl_keeps_depth_replies() -> None:
    replies = ExpiringReplies(timedelta(0), None, Clock())
    replies.add(-1, [1])
    assert not replies.enabled and replies.due() == []
    assert ExpiringReplies(timedelta(seconds=6)).interval() == 1.5
    assert ExpiringReplies(timedelta(hours=1)).interval() == 60


def test_feedback_on_a_depth_view_keeps_its_way_back_to_the_card() -> None:
    from types import SimpleNamespace

    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    from adapters.telegram.buttons import keep_back
    from bot.buttons.keyboards import paper_buttons
    from tests.fakes.ports import paper

    p = paper()
    rows = paper_buttons(p, "en")
    view = paper_buttons(p, "en", back=True)
    shown = SimpleNamespace(reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data or None, url=b.url or None)
          for b in row] for row in view]))
    assert keep_back(shown, rows) == view
    assert keep_back(SimpleNamespace(reply_markup=None), rows) == rows
