"""README, /help and the command table must agree (one table feeds them all)."""

from __future__ import annotations

import re

from bot.commands.specs import COMMANDS
from bot.i18n import INTERFACE_LANGUAGES, tr
from tests.conftest import ROOT
from tests.test_commands import Harness


def _readme_commands() -> list[tuple[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- commands:start -->")[1].split("<!-- commands:end -->")[0]
    return re.findall(r"^\| `(/[^`]+)` \| (.+?) \|$", block, re.MULTILINE)


def test_readme_lists_every_visible_command_with_its_usage() -> None:
    expected = [(c.usage, c.summary) for c in COMMANDS if not c.hidden]
    assert _readme_commands() == expected


async def test_help_lists_every_visible_command() -> None:
    for locale in ("en", "zh-hans", "ja"):
        reply = await Harness().send("/help", locale=locale)
        for spec in COMMANDS:
            assert (spec.usage in reply.text) is (not spec.hidden)


def test_summaries_fit_platform_limits() -> None:
    for spec in COMMANDS:
        for language in INTERFACE_LANGUAGES:  # Discord and Telegram: ≤ 100, in every language
            assert 1 <= len(tr(language, spec.summary)) <= 100, (spec.name, language)
            assert all(len(tr(language, a.description)) <= 100 for a in spec.args), language
        assert re.fullmatch(r"[a-z_]{1,32}", spec.name)
        for arg in spec.args:
            assert len(arg.description) <= 100
