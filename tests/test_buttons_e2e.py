"""End to end on Telegram (issue 11): the real `paperbot run` posts a compact channel digest
with number buttons; presses answer through callback queries against the Bot API stand-in,
from the card cache (no LLM call), with 👍/Save stored, /saved and /export bibtex reading
them; a forged payload changes nothing; a restart between the digest and a press still
answers."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import bibtexparser
import pytest

from tests.cli_helpers import Process, listing_papers, stand_in_env, wait_for
from tests.e2e_setup import channel_config, platform_env, start_run
from tests.fakes.fake_telegram import FakeTelegram

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals"),
]

CHANNEL = -1001000000077
USER = 5151


def _buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    markup = message.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def _press(telegram: FakeTelegram, message: dict[str, Any], data: str) -> str:
    query = telegram.user_presses(message, data, user_id=USER)
    wait_for(lambda: telegram.query_answers(query), 10, f"an answer to the press {data}")
    [answer] = telegram.query_answers(query)
    assert answer["after"] < 3, "the press was answered too late"
    return query


def _start(tmp_path: Path, env: dict[str, str]) -> Process:
    return start_run(channel_config(tmp_path, "telegram", str(CHANNEL), 8), env)


def test_compact_digest_buttons_feedback_and_restart(tmp_path: Path, fake_arxiv,
                                                     fake_llm) -> None:
    fake_arxiv.set_listing(listing_papers())
    with FakeTelegram() as telegram:
        env = platform_env(stand_in_env(tmp_path, fake_arxiv, fake_llm, key=True), telegram)
        bot = _start(tmp_path, env)
        try:
            telegram.user_sends(USER, "/start", user_id=USER)  # the user has started the bot
            wait_for(lambda: telegram.sent_messages(USER), 20, "a reply to /start")
            digest = wait_for(lambda: [m for m in telegram.sent_messages(CHANNEL)
                                       if _buttons(m)], 60, "the compact channel digest")
            first = digest[0]
            assert "R1_Reasoning" in first["text"] and "matching papers" in first["text"]
            assert "TL;DR [en]" in first["text"]  # the card answer's one line
            numbers = _buttons(first)
            assert [b["text"] for b in numbers][:3] == ["1", "2", "3"]
            assert len(telegram.sent_messages(CHANNEL)) <= 5  # ≤ 50 papers, 10 a message
            made = fake_llm.count

            _press(telegram, first, numbers[2]["callback_data"])  # paper 3
            depth = wait_for(lambda: [m for m in telegram.sent_messages(USER)
                                      if "Key Takeaways" in m["text"]], 15,
                             "paper 3's summary in the private chat")[-1]
            assert "1. " in depth["text"]
            assert fake_llm.count == made, "a cached card cost an LLM call"
            labels = {b["text"]: b for b in _buttons(depth)}
            assert {"Summary", "Abstract", "PDF", "👍", "👎"} <= set(labels)

            _press(telegram, depth, labels["👍"]["callback_data"])
            wait_for(lambda: "👍 ✓" in [b["text"] for b in _buttons(depth)], 10,
                     "the 👍 shown as set on the pressed message")
            save = next(b for b in _buttons(depth) if "Save" in b["text"])
            _press(telegram, depth, save["callback_data"])
            before = len(telegram.sent_messages(USER))
            telegram.user_sends(USER, "/saved", user_id=USER)
            saved = wait_for(lambda: telegram.sent_messages(USER)[before:], 15, "/saved")
            paper_id = numbers[2]["callback_data"].split(":")[1].rsplit("v", 1)[0]
            assert paper_id in saved[0]["text"]

            telegram.user_sends(USER, "/export bibtex", user_id=USER)
            [doc] = wait_for(lambda: telegram.documents(USER), 15, "the .bib file")
            library = bibtexparser.parse_string(doc["content"].decode())
            assert [e.fields_dict["eprint"].value for e in library.entries] == [paper_id]
            assert library.entries[0].fields_dict["archivePrefix"].value == "arXiv"

            forged = _press(telegram, first, "v:2601.99999v1:en")
            [answer] = telegram.query_answers(forged)
            assert "expired" in answer.get("text", "") and answer.get("show_alert")
            _press(telegram, first, "v:" + paper_id + "v1:en;x")
            before = len(telegram.sent_messages(USER))
            telegram.user_sends(USER, "/saved", user_id=USER)
            again = wait_for(lambda: telegram.sent_messages(USER)[before:], 15, "/saved")
            assert again[0]["text"].count("arxiv.org/abs/") == 1  # nothing was added

            assert bot.stop() == 0
            bot = _start(tmp_path, env)  # a restart between the digest and the press
            made = fake_llm.count
            before = len(telegram.sent_messages(USER))
            _press(telegram, first, numbers[0]["callback_data"])
            wait_for(lambda: [m for m in telegram.sent_messages(USER)[before:]
                              if "Key Takeaways" in m["text"]], 15, "an answer after restart")
            assert fake_llm.count == made

            telegram.fail_next("403")  # the presser blocked the bot: answered in the chat
            _press(telegram, first, numbers[1]["callback_data"])
            wait_for(lambda: [m for m in telegram.sent_messages(CHANNEL)
                              if "Key Takeaways" in m["text"]], 15, "the answer in the chat")
            old = telegram.user_presses(first, numbers[1]["callback_data"], user_id=USER,
                                        inaccessible=True)  # a message from last month
            wait_for(lambda: telegram.query_answers(old), 10, "an answer to an old message")
            assert bot.stop() == 0
        finally:
            bot.stop(signal.SIGKILL)
