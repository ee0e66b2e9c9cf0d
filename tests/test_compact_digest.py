"""Compact digests (issue 11): every sample paper renders through both styles within
Telegram's and Discord's limits, a 40-paper compact digest is at most 4 messages, and its
buttons are valid inline keyboards or components whose payloads decode back to their papers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from adapters.discord.render import DiscordRenderer
from adapters.telegram.markup import MAX_UNITS, utf16_len
from adapters.telegram.render import TelegramRenderer
from bot.buttons.payload import Action, decode
from bot.models import CardText, Digest, Paper, PaperCard
from bot.ports import Renderer
from tests.fakes.discord_components import validate_components
from tests.fakes.fake_discord import validate_message
from tests.fakes.telegram_buttons import check_markup
from tests.fakes.telegram_html import check_message
from tests.samples import all_sample_papers


def _card(paper: Paper, language: str = "zh") -> PaperCard:
    long = "很长的总结。" * 60
    text = CardText(long, ("要点一" * 30,) * 5, "标题" * 40, "摘要" * 600, "llm", language,
                    tldr="一句话总结:" + "很长" * 200)
    return PaperCard(paper, text)


def _digest(papers: list[Paper], style: str, omitted: int = 0) -> Digest:
    return Digest("R1_Reasoning", date(2026, 11, 20), "zh", tuple(_card(p) for p in papers),
                  datetime(2026, 11, 20, tzinfo=UTC), omitted=omitted, style=style)  # type: ignore[arg-type]


def _check(payloads: list[dict]) -> None:
    for p in payloads:
        assert utf16_len(p["plain"]) <= MAX_UNITS
        assert check_message(p["text"], "HTML") is None, p["text"][:200]
        assert check_markup(p.get("reply_markup")) is None


def _render_both_styles(renderer: Renderer, check: Callable[[list[dict]], None]
                        ) -> list[list[dict]]:
    """Every sample paper, 40 a digest, in both styles: each message passes `check`, a
    compact digest takes at most 4 messages, a full one a header and a card per paper.
    Returns the full digests."""
    papers = list(all_sample_papers())
    assert len(papers) > 100
    fulls = []
    for start in range(0, len(papers), 40):
        chunk = papers[start : start + 40]
        compact = renderer.digest(_digest(chunk, "compact"))
        check(compact)
        assert len(compact) <= 4
        full = renderer.digest(_digest(chunk, "full"))
        check(full)
        assert len(full) == len(chunk) + 1
        fulls.append(full)
    return fulls


def test_every_sample_paper_renders_in_both_styles_within_telegram_limits() -> None:
    _render_both_styles(TelegramRenderer(), _check)


def test_compact_numbers_open_their_papers_and_the_header_counts() -> None:
    papers = list(all_sample_papers())[:40]
    messages = TelegramRenderer().digest(_digest(papers, "compact", omitted=7))
    assert "展示 40 篇" in messages[0]["plain"] and "47" in messages[0]["plain"]
    assert "2026-11-20" in messages[0]["plain"]
    numbered = [b for m in messages for row in m["reply_markup"]["inline_keyboard"]
                for b in row]
    assert [b["text"] for b in numbered] == [str(n) for n in range(1, 41)]
    for button, paper in zip(numbered, papers, strict=True):
        decoded = decode(button["callback_data"])
        assert decoded is not None and decoded.action is Action.PICK
        assert (decoded.base_id, decoded.version, decoded.language) == (
            paper.id, paper.version, "zh")


# Discord (issue 11): the same samples through both styles, within Discord's limits.
def _check_discord(payloads: list[dict]) -> None:
    for p in payloads:
        assert validate_message(p) == {}, p["content"][:200]
        assert validate_components(p.get("components")) == {}
        assert len(p.get("components") or []) <= 5


def test_every_sample_paper_renders_in_both_styles_within_discord_limits() -> None:
    for full in _render_both_styles(DiscordRenderer(), _check_discord):
        assert all(p["components"] for p in full[1:])  # every card has its buttons


def test_discord_compact_numbers_open_their_papers() -> None:
    papers = list(all_sample_papers())[:40]
    messages = DiscordRenderer().digest(_digest(papers, "compact", omitted=7))
    assert "展示 40 篇" in messages[0]["content"] and "47" in messages[0]["content"]
    numbered = [b for m in messages for row in m["components"] for b in row["components"]]
    assert [b["label"] for b in numbered] == [str(n) for n in range(1, 41)]
    for button, paper in zip(numbered, papers, strict=True):
        decoded = decode(button["custom_id"])
        assert decoded is not None and decoded.action is Action.PICK
        assert (decoded.base_id, decoded.version) == (paper.id, paper.version)
        assert f"]({paper.links.abs})" in "".join(m["embeds"][0]["description"]
                                                 for m in messages)
