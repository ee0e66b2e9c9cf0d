"""End to end on Discord (issue 11): the real `paperbot run` posts a compact channel digest
with number buttons; presses come as component interactions from the Discord stand-in and
are answered within 3 s, ephemeral, from the card cache (no LLM call); 👍 and Save redraw
the pressed message's buttons and are stored, /saved and /export bibtex read them; a forged
custom_id changes nothing; a restart between the digest and a press still answers; an
interaction Discord forgot or a deleted message crashes nothing."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import bibtexparser
import pytest

from tests.cli_helpers import Process, listing_papers, stand_in_env, wait_for
from tests.e2e_setup import channel_config, platform_env, start_run
from tests.fakes.discord_components import Posted
from tests.fakes.fake_discord import CHANNEL_ID, EPHEMERAL, FakeDiscord, Invocation

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals"),
]

USER = "900000000000000555"


def _buttons(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for row in body.get("components") or [] for b in row["components"]]


def _answered(discord: FakeDiscord, inv: Invocation) -> list[Posted]:
    """What the presser saw, after checking the press was acknowledged within 3 s."""
    wait_for(lambda: inv.callbacks, 10, "an acknowledgement of the press")
    assert inv.acked_after is not None and inv.acked_after < 3, "acknowledged too late"
    time.sleep(0.3)  # a long answer comes as several follow-ups
    return discord.responses(inv)


def _depth(discord: FakeDiscord, message: Posted, custom_id: str) -> Posted:
    inv = discord.press(message, custom_id, user_id=USER)
    wait_for(lambda: [p for p in discord.responses(inv) if _buttons(p.body)], 15,
             "a summary with its buttons")
    shown = _answered(discord, inv)
    assert inv.callbacks[0]["type"] == 4, "a cached summary needs no deferral"
    assert all(p.body.get("flags", 0) & EPHEMERAL for p in shown), "depth must be ephemeral"
    text = "\n".join(p.body.get("content") or "" for p in shown)
    assert "Key Takeaways" in text and "1. " in text
    return shown[-1]


def _toggle(discord: FakeDiscord, message: Posted, label: str) -> str:
    button = next(b for b in _buttons(message.body) if label in b["label"])
    inv = discord.press(message, button["custom_id"], user_id=USER)
    _answered(discord, inv)
    assert inv.callbacks[0]["type"] == 7, "a toggle redraws the pressed message"
    wait_for(lambda: inv.followups, 5, "the toggle's toast")
    assert inv.followups[0]["flags"] & EPHEMERAL
    return str(inv.followups[0]["content"])


def _command(discord: FakeDiscord, name: str, options: dict[str, str] | None = None
             ) -> dict[str, Any]:
    inv = discord.invoke(name, options, user_id=USER)
    wait_for(lambda: inv.callbacks and (inv.callbacks[0]["type"] == 4 or [
        f for f in inv.followups if f["method"] == "POST"]), 20, f"/{name}")
    first = inv.callbacks[0]
    return first["data"] if first["type"] == 4 else next(
        f for f in inv.followups if f["method"] == "POST")


def _start(tmp_path: Path, env: dict[str, str]) -> Process:
    return start_run(channel_config(tmp_path, "discord", CHANNEL_ID, 15), env)


def test_compact_digest_components_feedback_export_and_restart(tmp_path: Path, fake_arxiv,
                                                               fake_llm) -> None:
    fake_arxiv.set_listing(listing_papers())
    discord = FakeDiscord().start()
    env = platform_env(stand_in_env(tmp_path, fake_arxiv, fake_llm, key=True), discord=discord)
    bot = _start(tmp_path, env)
    try:
        digest = wait_for(lambda: [p for p in discord.posted(CHANNEL_ID)
                                   if _buttons(p.body)], 60, "the compact channel digest")
        first = digest[0]
        assert "R1\\_Reasoning" in first.body["content"]
        assert "matching papers" in first.body["content"]
        assert "TL;DR" in first.body["embeds"][0]["description"]  # the card answer's line
        numbers = _buttons(first.body)
        assert [b["label"] for b in numbers][:3] == ["1", "2", "3"]
        assert len(discord.posted(CHANNEL_ID)) <= 5  # ≤ 50 papers, 10 a message
        made = fake_llm.count

        depth = _depth(discord, first, numbers[2]["custom_id"])  # paper 3
        assert fake_llm.count == made, "a cached card cost an LLM call"
        labels = {b["label"] for b in _buttons(depth.body)}
        assert {"Summary", "Abstract", "PDF", "👍", "👎"} <= labels

        assert "Noted" in _toggle(discord, depth, "👍")
        assert "👍 1" in [b["label"] for b in _buttons(depth.body)]  # a count in a guild
        assert "reading list" in _toggle(discord, depth, "Save")
        paper_id = numbers[2]["custom_id"].split(":")[1].rsplit("v", 1)[0]
        saved = _command(discord, "saved")
        assert paper_id in saved["content"]

        exported = _command(discord, "export", {"format": "bibtex"})
        [upload] = exported["files"]
        assert upload["filename"].endswith(".bib")
        library = bibtexparser.parse_string(upload["content"].decode())
        assert [e.fields_dict["eprint"].value for e in library.entries] == [paper_id]
        assert library.entries[0].fields_dict["archivePrefix"].value == "arXiv"

        before = [dict(p.body) for p in discord.posted(CHANNEL_ID)]
        for forged in ("v:2601.99999v1:en", f"v:{paper_id}v1:en;x", "x" * 100):
            inv = discord.press(first, forged, user_id=USER)
            [said] = _answered(discord, inv)
            assert inv.callbacks[0]["type"] == 4 and said.body["flags"] & EPHEMERAL
            assert "expired" in said.body["content"]
        assert [p.body for p in discord.posted(CHANNEL_ID)] == before
        assert _command(discord, "saved")["content"].count("arxiv.org/abs/") == 1

        assert bot.stop() == 0
        bot = _start(tmp_path, env)  # a restart between the digest and the press
        made = fake_llm.count
        _depth(discord, first, numbers[0]["custom_id"])
        assert fake_llm.count == made

        forgotten = discord.press(first, numbers[1]["custom_id"], user_id=USER, known=False)
        discord.delete_message(depth.id)
        gone = discord.press(depth, next(b["custom_id"] for b in _buttons(depth.body)
                                         if "👎" in b["label"]), user_id=USER)
        wait_for(lambda: gone.callbacks, 10, "a toast for a press on a deleted message")
        assert gone.callbacks[0]["data"]["flags"] & EPHEMERAL
        _depth(discord, first, numbers[1]["custom_id"])  # still answering
        assert not forgotten.callbacks
        assert bot.stop() == 0
        log = "\n".join(bot.stderr)
        assert "Traceback" not in log and " ERROR " not in log
    finally:
        bot.stop(signal.SIGKILL)
        discord.stop()
