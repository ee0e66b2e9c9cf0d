"""Markdown and JSON renderings: every real sample renders, literally and completely."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

from markdown_it import MarkdownIt

from adapters.console.render import (
    card_json,
    card_markdown,
    digest_markdown,
    digests_json,
    escape_md,
    unescape_md,
)
from bot.card_view import one_line, paragraphs
from bot.labels import notice
from bot.llm.fallback import extractive_card
from bot.models import CardText, Digest, Paper, PaperCard
from bot.services.cards import unavailable
from bot.tex import tex_to_text
from tests.chat_checks import assert_no_tex
from tests.fakes.ports import paper
from tests.samples import all_sample_papers

MD = MarkdownIt("gfm-like")


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
            title = one_line(tex_to_text(p.title))
            escaped_title = escape_md(title)
            assert escaped_title in title_line
            assert unescape_md(escaped_title) == title
            assert f"https://arxiv.org/abs/{p.id}" in out
            plain = unescape_md(out)
            assert paragraphs(tex_to_text(p.abstract)) in plain  # the original, whole
            assert_no_tex(plain, p.title, p.abstract, p.comment or "")
            body = out.replace(escaped_title, "")
            body = re.sub(r"\]\(https?://[^)]+\)", "", body)  # our own link syntax
            assert "<think>" not in body


NASTY = [
    r"$\alpha_1$ *not bold* <script>&amp; [link](x) `code` \emph{y} # h | t",
    "a_b_ _c_ __init__ *x* **y** ~~z~~ ~w~ x * y",
    "[a] [b](c) [d][e] [f]: g ]h [i",
    "# heading",
    "- item",
    "+ item",
    "* item",
    "2023. A year",
    "1) one",
    "> quote",
    "===",
    "---",
    "a\n--",
    "a\n=",
    "***",
    "_ _ _",
    "* * *",
    "```py",
    "~~~",
    "trailing \\",
    "line one\n- two\n| a | b |\n|---|---|\n===",
    "<https://x.org> <a@b.org> <!-- c --> <?php ?>",
    "see https://github.com/x/agent_prm/_private_ and www.example.com/a_b_",
    "&copy; &#169; &#xA9; & AT&T",
    "\\[ \\] \\* \\_ \\\\",
]


def _literal(markdown: str) -> str:
    """What a Markdown reader shows for `markdown`, or AssertionError if it sees markup."""
    shown: list[str] = []
    for block in MD.parse(markdown):
        if block.type == "inline":
            for token in block.children or []:
                if token.type in ("text", "text_special"):
                    shown.append(token.content)
                elif token.type == "softbreak":
                    shown.append("\n")
                else:
                    assert token.markup == "linkify", f"{token.type} in {markdown!r}"
        else:
            assert block.type in ("paragraph_open", "paragraph_close"), (block.type, markdown)
    return "".join(shown)


def test_markdown_escaping_renders_literally_and_is_reversible() -> None:
    texts = list(NASTY)
    for p in all_sample_papers():
        texts += [p.title, p.abstract, p.comment or "", ", ".join(p.authors)]
    for text in texts:
        escaped = escape_md(text)
        assert unescape_md(escaped) == text
        assert _literal(escaped) == text.strip(), (text, escaped)


def test_wrapped_text_stays_inside_its_emphasis() -> None:
    for text in NASTY[:3]:
        tokens = MD.parseInline(f"*{escape_md(text, wrapped=True)}*")[0].children or []
        assert [t.type for t in tokens if t.type.startswith("em_")] == ["em_open", "em_close"]
        assert tokens[0].type == "em_open" and tokens[-1].type == "em_close"


def test_a_terminal_reader_sees_clean_text() -> None:
    for text in ("R1_Reasoning", "[…]", "see https://github.com/x/agent_prm", "$x_{i}$, $y_{j}$",
                 "~10% and ~20%", "a * b", "-based", "x < 0.5 & y > 2"):
        assert escape_md(text) == text


def test_titles_are_exactly_the_link_text_of_the_heading() -> None:
    for p in all_sample_papers():
        out = card_markdown(PaperCard(p, unavailable("en")))
        heading = MD.parse(out.splitlines()[0])[1].children or []
        assert heading[0].type == "link_open" and heading[-1].type == "link_close", p.title
        assert heading[0].attrs["href"] == f"https://arxiv.org/abs/{p.id}"
        inner = "".join(t.content for t in heading[1:-1])
        title = one_line(tex_to_text(p.title))
        assert inner == title and unescape_md(escape_md(title)) == title


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
    assert out.startswith("## R1_Reasoning · 2026-11-20 · 3")  # no "R1\\_Reasoning"
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
        "html": "https://arxiv.org/html/2502.11190",
        "papers_cool": "https://papers.cool/arxiv/2502.11190",
    }
    digest = Digest("T", None, "zh", (card,), datetime(2026, 11, 20, tzinfo=UTC))
    full = json.loads(json.dumps(digests_json([digest], digest.generated_at)))
    assert full["topics"][0]["papers"][0]["version"] == 2
    assert full["topics"][0]["announced"] is None


def test_a_single_card_carries_the_notice_and_its_version_a_digest_card_does_not() -> None:
    p = paper("1706.03762", version=1)
    for lang in ("zh", "en"):
        card = PaperCard(p, _llm_text(p.title) if lang == "zh" else extractive_card(p, "en"))
        out = card_markdown(card)
        assert escape_md(notice(lang)) in out
        assert "[arXiv:1706.03762v1](https://arxiv.org/abs/1706.03762)" in out
        assert card_json(card)["notice"] == notice(lang)
        digest = Digest("T", date(2026, 11, 20), lang, (card, card),
                        datetime(2026, 11, 20, tzinfo=UTC))
        assert digest_markdown(digest).count(escape_md(notice(lang))) == 1
        papers = digests_json([digest], digest.generated_at)["topics"][0]["papers"]
        assert all("notice" not in c for c in papers)


def test_json_keeps_the_raw_tex_that_markdown_shows_as_unicode() -> None:
    p = paper("2502.11190", version=2)
    p = Paper(**{**p.__dict__, "title": "Charmed $\\Omega_c^0$ for Schr\\\"odinger"})
    card = PaperCard(p, _llm_text(p.title))
    assert card_json(card)["title"] == "Charmed $\\Omega_c^0$ for Schr\\\"odinger"
    assert card_markdown(card).startswith("### [Charmed Ω_c⁰ for Schrödinger](")
