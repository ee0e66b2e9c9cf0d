"""Markdown and JSON renderings: every real sample renders, literally and completely."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

from adapters.console.render import (
    card_json,
    card_markdown,
    digest_markdown,
    digests_json,
    escape_md,
    unescape_md,
)
from bot.llm.fallback import extractive_card
from bot.models import CardText, Digest, PaperCard
from bot.services.cards import unavailable
from tests.fakes.ports import paper
from tests.samples import all_sample_papers

UNESCAPED = re.compile(r"(?<!\\)[*_`\[\]<>]")


def _llm_text(title: str) -> CardText:
    return CardText(
        "Sum *bold* <b>",
        ("one_", "two", "three", "four"),
        f"译 {title}",
        "摘要 $x_1$ & <y>",
        "llm",
        "zh",
        "m",
    )


def test_every_sample_renders_to_markdown_without_loss() -> None:
    papers = all_sample_papers()
    assert len(papers) > 2400
    for p in papers:
        for text in (extractive_card(p, "zh"), unavailable("en"), _llm_text(p.title)):
            out = card_markdown(PaperCard(p, text))
            title_line = out.splitlines()[0]
            escaped_title = escape_md(p.title)
            assert escaped_title in title_line
            assert unescape_md(escaped_title) == p.title
            assert f"https://arxiv.org/abs/{p.id}" in out
            if text.source != "llm":
                assert escape_md(p.abstract) in out  # the abstract is shown whole
            body = out.replace(escaped_title, "")
            body = re.sub(r"\]\(https?://[^)]+\)", "", body)  # our own link syntax
            assert "<think>" not in body


def test_markdown_escaping_is_reversible_and_complete() -> None:
    nasty = r"$\alpha_1$ *not bold* <script>&amp; [link](x) `code` \emph{y} # h | t"
    escaped = escape_md(nasty)
    assert unescape_md(escaped) == nasty
    assert not UNESCAPED.search(escaped)


def test_digest_markdown_has_header_notice_and_cards() -> None:
    cards = tuple(PaperCard(paper(f"2411.0000{i}"), _llm_text("t")) for i in range(3))
    digest = Digest(
        "R1_Reasoning",
        date(2026, 11, 20),
        "zh",
        cards,
        datetime(2026, 11, 20, tzinfo=UTC),
        omitted=2,
    )
    out = digest_markdown(digest)
    assert out.startswith("## R1\\_Reasoning · 2026-11-20 · 3")
    assert "大语言模型生成" in out
    assert out.count("### [") == 3
    assert "+2" in out


def test_json_shape_matches_contract() -> None:
    p = paper("2502.11190", version=2)
    card = PaperCard(p, _llm_text(p.title))
    obj = card_json(card)
    for key in (
        "id",
        "version",
        "title",
        "authors",
        "categories",
        "primary_category",
        "comment",
        "announce_type",
        "summary",
        "key_takeaways",
        "title_translation",
        "abstract_translation",
        "summary_source",
        "links",
    ):
        assert key in obj
    assert obj["links"] == {
        "abs": "https://arxiv.org/abs/2502.11190",
        "pdf": "https://arxiv.org/pdf/2502.11190",
        "papers_cool": "https://papers.cool/arxiv/2502.11190",
    }
    digest = Digest("T", None, "zh", (card,), datetime(2026, 11, 20, tzinfo=UTC))
    full = json.loads(json.dumps(digests_json([digest], digest.generated_at)))
    assert full["topics"][0]["papers"][0]["version"] == 2
    assert full["topics"][0]["announced"] is None
