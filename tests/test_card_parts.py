"""Every renderer shows a card's parts in bot.card_view.PARTS order, in the reader's language.

A reader of the paper's language (English) gets no translation, only the original.
"""

from __future__ import annotations

import re

import pytest

from adapters.console.render import card_markdown
from adapters.discord.render import DiscordRenderer
from adapters.telegram.render import TelegramRenderer
from bot.card_view import PARTS
from bot.labels import label, notice
from bot.models import CardText, Paper, PaperCard, Reply
from tests.fakes.telegram_html import check_message, parse_html

PAPER = Paper(
    id="2502.11190", version=2, title="Charmed $\\Omega_c^0$ baryons",
    authors=("Ann Author", "Bo Writer"), abstract="ORIGINAL-ABSTRACT for Schr\\\"odinger.",
    categories=("cs.CL", "cs.AI"), primary_category="cs.CL", comment="COMMENT 15 pages",
)
LANGUAGES = ["zh", "en", "ja"]


def card(language: str) -> PaperCard:
    return PaperCard(PAPER, CardText(
        summary="SUMMARY-TEXT in $O(n \\log n)$", key_takeaways=("TAKE-ONE", "TAKE-TWO"),
        title_translation="TITLE-TR", abstract_translation="ABSTRACT-TR \\emph{x}",
        source="llm", language=language, model="m",
    ))


def expected(language: str) -> dict[str, list[str]]:
    """What each part shows, in PARTS order; translations only for a non-English reader."""
    translated = language != "en"
    return {
        "title": ["Charmed Ω_c⁰ baryons"],
        "title_translation": ["TITLE-TR"] if translated else [],
        "authors": ["Ann Author, Bo Writer"],
        "meta": ["cs.CL", "cs.AI", "COMMENT 15 pages"],
        "summary": [label(language, "summary"), "SUMMARY-TEXT in O(n log n)"],
        "takeaways": [label(language, "takeaways"), "1. TAKE-ONE", "2. TAKE-TWO"],
        "abstract_translation":
            [label(language, "abstract_translation"), "ABSTRACT-TR x"] if translated else [],
        "abstract": [label(language, "abstract"), "ORIGINAL-ABSTRACT for Schrödinger."],
        "links": ["arXiv:2502.11190v2", "PDF", "HTML", "papers.cool"],
        "notice": [notice(language)],
    }


def assert_in_order(shown: str, language: str) -> None:
    parts = expected(language)
    assert list(parts) == list(PARTS)
    at = 0
    for part, fragments in parts.items():
        for fragment in fragments:
            found = shown.find(fragment, at)
            assert found >= 0, f"{part}: {fragment!r} missing after {shown[:at][-60:]!r}"
            at = found + len(fragment)
    if language == "en":
        for absent in ("TITLE-TR", "ABSTRACT-TR", label("en", "abstract_translation")):
            assert absent not in shown


@pytest.mark.parametrize("language", LANGUAGES)
def test_telegram_card_parts_in_order(language: str) -> None:
    [payload] = TelegramRenderer().reply(Reply(cards=(card(language),)))
    assert check_message(payload["text"], "HTML") is None
    assert_in_order(parse_html(payload["text"]), language)
    assert 'href="https://arxiv.org/html/2502.11190"' in payload["text"]
    assert payload["text"].count("<blockquote expandable>") == (2 if language != "en" else 1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_discord_card_parts_in_order(language: str) -> None:
    [message] = DiscordRenderer().reply(Reply(cards=(card(language),)))
    [embed] = message["embeds"]
    texts = [embed["title"], embed["description"]]
    texts += [f"{f['name']}\n{f['value']}" for f in embed["fields"]]
    texts.append(embed["footer"]["text"])
    shown = re.sub(r"\\([*_~|`])", r"\1", "\n".join(texts))
    assert_in_order(shown, language)
    assert "(https://arxiv.org/html/2502.11190)" in embed["fields"][-1]["value"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_console_card_parts_in_order(language: str) -> None:
    shown = card_markdown(card(language))
    assert_in_order(shown, language)
    assert "[HTML](https://arxiv.org/html/2502.11190)" in shown


WEB = "https://papers.example.org/papers/2502.11190.html"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_card_with_a_web_page_links_it_last_in_every_renderer(language: str) -> None:
    from dataclasses import replace

    linked = replace(card(language), web=WEB)
    name = label(language, "web")
    [tg] = TelegramRenderer().reply(Reply(cards=(linked,)))
    assert check_message(tg["text"], "HTML") is None
    assert f'<a href="{WEB}">{name}</a>' in tg["text"]
    [dc] = DiscordRenderer().reply(Reply(cards=(linked,)))
    assert f"[{name}]({WEB})" in dc["embeds"][0]["fields"][-1]["value"]
    assert f"[{name}]({WEB})" in card_markdown(linked)
    for plain in (TelegramRenderer().reply(Reply(cards=(card(language),)))[0]["text"],
                  card_markdown(card(language))):
        assert "papers.example.org" not in plain and name not in plain.split("papers.cool")[-1]
