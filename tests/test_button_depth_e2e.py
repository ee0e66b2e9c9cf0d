"""End to end on Telegram (issue 11 polish): the real `paperbot run` against the Bot API,
arXiv (with the full-text fixtures) and LLM stand-ins. In a private chat the *Deep summary*
button is answered at once and the deep card replaces the pressed card in place, "back"
restores it, an unchanged or vanished message is handled; in a group a depth reply posted
in the chat (the presser cannot be written to privately) is deleted after the ttl."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.cli_helpers import stand_in_env, wait_for
from tests.conftest import ROOT
from tests.e2e_setup import fulltext_env, platform_env, running
from tests.fakes.fake_arxiv import FakeArxiv
from tests.fakes.fake_fulltext import HTML_ARXIV, fixture_papers
from tests.fakes.fake_llm import FakeLLM
from tests.fakes.fake_telegram import FakeTelegram

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals"),
]

USER = 6161
GROUP = -1001000000088


@pytest.fixture(scope="module")
def telegram(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeTelegram]:
    tmp = tmp_path_factory.mktemp("button-depth-e2e")
    with FakeArxiv() as arxiv, FakeLLM() as llm, FakeTelegram() as fake:
        arxiv.set_listing(fixture_papers())
        arxiv.add_papers(fixture_papers())
        env = fulltext_env(platform_env(stand_in_env(tmp, arxiv, llm, key=True), fake), arxiv)
        env["PAPERBOT_TELEGRAM_DEPTH_REPLY_TTL_MINUTES"] = "0.05"  # 3 s
        with running(ROOT / "config.example.toml", env):
            fake.user_sends(USER, "/subscribe cs.CL", user_id=USER)
            fake.user_sends(USER, "/digest", user_id=USER)
            wait_for(lambda: any("[5/5]" in m["text"] for m in fake.sent_messages(USER)), 60,
                     "the whole digest")
            yield fake


def _buttons(message: dict[str, Any]) -> dict[str, str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b.get("callback_data", "") for row in rows for b in row}


def _card(telegram: FakeTelegram, paper_id: str) -> dict[str, Any]:
    return next(m for m in telegram.sent_messages(USER)
                if f"/abs/{paper_id}" in m["text"] and "[" in m["text"][:6])


def _press(telegram: FakeTelegram, message: dict[str, Any], data: str,
           **kwargs: Any) -> dict[str, Any]:
    query = telegram.user_presses(message, data, user_id=kwargs.pop("user_id", USER), **kwargs)
    wait_for(lambda: telegram.query_answers(query), 10, f"an answer to the press {data}")
    [answer] = telegram.query_answers(query)
    return answer


def test_deep_summary_button_edits_the_card_in_place_and_back(telegram: FakeTelegram) -> None:
    card = _card(telegram, HTML_ARXIV)
    original = card["text"]
    labels = _buttons(card)
    assert {"Summary", "Deep summary", "Abstract", "PDF"} <= set(labels)
    messages = len(telegram.sent_messages(USER))

    answer = _press(telegram, card, labels["Deep summary"])
    assert answer["after"] < 1.0, "a slow press must be answered at once"
    wait_for(lambda: "Source: from the full text (HTML)" in card["text"], 30,
             "the deep card in place of the pressed card")
    assert "Figures:" in card["text"] and card.get("parse_mode") == "HTML"
    deep = _buttons(card)
    assert "↩ Back to the card" in deep and "Deep summary" in deep
    assert len(telegram.sent_messages(USER)) == messages, "a new message instead of an edit"

    _press(telegram, card, deep["↩ Back to the card"])
    wait_for(lambda: "Source:" not in card["text"], 15, "the card restored")
    assert original.split("\n")[-1] in card["text"]  # the links line is back
    assert "↩ Back to the card" not in _buttons(card)

    _press(telegram, card, labels["Summary"])
    wait_for(lambda: "Key Takeaways" in card["text"] and "↩ Back to the card" in _buttons(card),
             15, "the summary in place")
    edits = len(telegram.edits())
    _press(telegram, card, labels["Summary"])  # already shown: Telegram says "not modified"
    time.sleep(1.0)
    assert len(telegram.edits()) == edits and len(telegram.sent_messages(USER)) == messages

    gone = {"chat_id": str(USER), "message_id": 987654, "text": "deleted"}
    _press(telegram, gone, labels["Abstract"])  # "message to edit not found": sent anew
    wait_for(lambda: len(telegram.sent_messages(USER)) == messages + 1, 15,
             "the abstract as a new message")
    assert "Abstract" in telegram.sent_messages(USER)[-1]["text"]


def test_a_depth_reply_in_a_group_is_deleted_after_the_ttl(telegram: FakeTelegram) -> None:
    summary = f"s:{HTML_ARXIV}v1:en"  # its card is cached since the digest
    pressed = {"chat_id": str(GROUP), "message_id": 4242, "text": "a compact digest"}
    telegram.fail_next("403")  # the presser never started the bot
    _press(telegram, pressed, summary, user_id=USER + 1)
    [reply] = wait_for(lambda: [m for m in telegram.sent_messages(GROUP)
                                if "Key Takeaways" in m["text"]], 15, "the reply in the group")
    assert reply["reply_parameters"]["message_id"] == 4242
    posted = time.monotonic()
    wait_for(lambda: telegram.deleted(GROUP), 20, "the group reply deleted")
    assert time.monotonic() - posted > 1.5, "deleted before its ttl"
    assert [d["message_id"] for d in telegram.deleted(GROUP)] == [reply["message_id"]]
    assert not [m for m in telegram.sent_messages(GROUP) if "Key Takeaways" in m["text"]]
