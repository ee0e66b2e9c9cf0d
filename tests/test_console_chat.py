"""`paperbot chat`: every chat command in a terminal, through the same router, no token."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.commands.specs import COMMANDS
from bot.i18n import tr, trn
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
    "saved": "/saved", "unsave": "/unsave 1706.03762", "export": "/export bibtex",  # issue 11
    "follow": "/follow LeCun, Yann", "following": "/following",  # issue 12
    "unfollow": "/unfollow Y. LeCun", "seed": "/seed 1706.03762",
    "forget": "/forget",
    "usage": "/usage",  # issue 15
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
    # The example config's [bot] language is zh: the terminal's interface speaks Chinese.
    assert "/summarize" in out and tr("zh", "arXiv id or URL, e.g. 1706.03762") in out
    assert "Attention Is All You Need" in out  # the card
    assert "[ja] Attention is all you need." in out  # the LLM stand-in's translation
    assert "已订阅 R1_Reasoning" in out
    assert "每日推送时间已设为 08:30" in out
    assert tr("zh", "Daily digest paused. /resume restarts it; commands still work.") in out
    assert tr("zh", "Daily digest resumed.") in out
    assert trn("zh", "Unsubscribed from {n} topic.", "Unsubscribed from all {n} topics.", 1) in out
    assert "已删除此聊天的设置、0 个订阅" in out
    assert tr("zh", "No longer following {name}.", name="Y. LeCun") in out
    assert len(answers) >= len(SESSION)
    # The terminal is the operator's own: no daily budget applies, so nothing was refused.
    assert "today's" not in out


def test_chat_is_clear_about_bad_input_and_plain_text(tmp_path: Path, fake_arxiv) -> None:
    env = stand_in_env(tmp_path, fake_arxiv)
    result = chat(["hello there", "/sumarize 1706.03762", "/settings timezone Mars/Olympus"], env)
    assert result.returncode == 0, result.stderr
    assert "命令以 / 开头" in result.stdout
    assert "你是不是想用 /summarize?" in result.stdout
    assert "未知的时区“Mars/Olympus”" in result.stdout
    assert "Traceback" not in result.stderr
