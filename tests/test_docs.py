"""README, /help and the command table must agree (one table feeds them all)."""

from __future__ import annotations

import re

from bot.commands.arguments import Args
from bot.commands.handlers import help_
from bot.commands.specs import COMMANDS
from bot.models import ChatRef, IncomingCommand
from tests.conftest import ROOT


def _readme_commands() -> list[tuple[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- commands:start -->")[1].split("<!-- commands:end -->")[0]
    return re.findall(r"^\| `(/[^`]+)` \| (.+?) \|$", block, re.MULTILINE)


def test_readme_lists_every_visible_command_with_its_usage() -> None:
    expected = [(c.usage, c.summary) for c in COMMANDS if not c.hidden]
    assert _readme_commands() == expected


async def test_help_lists_every_visible_command() -> None:
    cmd = IncomingCommand("help", "", ChatRef("console", "t"), "u")
    reply = await help_(None, cmd, Args())  # type: ignore[arg-type]  # /help needs no services
    for spec in COMMANDS:
        assert (spec.usage in reply.text) is (not spec.hidden)


def test_summaries_fit_platform_limits() -> None:
    for spec in COMMANDS:
        assert 1 <= len(spec.summary) <= 100, spec.name  # Discord and Telegram: ≤ 100
        assert re.fullmatch(r"[a-z_]{1,32}", spec.name)
        for arg in spec.args:
            assert len(arg.description) <= 100
