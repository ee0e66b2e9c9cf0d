"""`paperbot chat`: every chat command in a terminal, through the same router, no token."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.commands.specs import COMMANDS
from tests.cli_helpers import listing_papers, stand_in_env
from tests.conftest import ROOT

EXAMPLE = "config.example.toml"

# One line per command in the table, each as a user would type it.
SESSION = {
    "start": "/start",
    "help": "/help summarize",
    "summarize": "/summarize 1706.03762 en",
    "translate": "/translate Attention is all you need. ja",
    "topics": "/topics",
    "subscribe": "/subscribe R1_Reasoning",
    "subscriptions": "/subscriptions",
    "settings": "/settings time 08:30",
    "digest": "/digest",
    "pause": "/pause",
    "resume": "/resume",
    "unsubscribe": "/unsubscribe all",
    "forget": "/forget",
}


def chat(lines: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--config", EXAMPLE],
        input="\n".join(lines) + "\n",
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_session_covers_the_whole_command_table() -> None:
    assert set(SESSION) == {c.name for c in COMMANDS}


def test_chat_answers_every_command(tmp_path: Path, fake_arxiv, fake_llm) -> None:
    fake_arxiv.set_listing(listing_papers())
    env = stand_in_env(tmp_path, fake_arxiv, fake_llm, key=True)
    result = chat(list(SESSION.values()), env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    answers = [a for a in result.stdout.split("\n\n") if a.strip()]
    out = result.stdout
    assert "/summarize" in out and "arXiv id or URL" in out  # /help summarize
    assert "Attention Is All You Need" in out  # the card
    assert "[ja] Attention is all you need." in out  # the LLM stand-in's translation
    assert "Subscribed to R1_Reasoning" in out
    assert "Daily digest time set to 08:30" in out
    assert "paused" in out.casefold() and "resumed" in out.casefold()
    assert "Unsubscribed from all 1 topics." in out
    assert "Deleted this chat's settings, 0 subscriptions" in out
    assert len(answers) >= len(SESSION)
    # The terminal is the operator's own: no daily budget applies, so nothing was refused.
    assert "today's" not in out


def test_chat_is_clear_about_bad_input_and_plain_text(tmp_path: Path, fake_arxiv) -> None:
    env = stand_in_env(tmp_path, fake_arxiv)
    result = chat(["hello there", "/sumarize 1706.03762", "/settings timezone Mars/Olympus"], env)
    assert result.returncode == 0, result.stderr
    assert "Commands start with /" in result.stdout
    assert "Did you mean /summarize?" in result.stdout
    assert "Unknown time zone 'Mars/Olympus'" in result.stdout
    assert "Traceback" not in result.stderr
