"""The Discord renderer against Discord's limits, using every real arXiv sample entry."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from itertools import cycle
from pathlib import Path

import pytest

from adapters.discord.embeds import EMBED_TOTAL_MAX, embed_size
from adapters.discord.render import DiscordRenderer, split_content
from bot.labels import notice
from bot.models import CardText, Digest, Paper, PaperCard, Reply
from tests.chat_checks import assert_no_tex
from tests.fakes.fake_discord import validate_message
from tests.samples import all_sample_papers

NOW = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
NASTY = Paper(
    id="2502.11190", version=2,
    title="**Bold** _claims_ about $\\mathcal{O}(n^*_k)$ ~~strike~~ `code` ||spoiler|| @everyone",
    authors=("Ann <@123456789012345678>", "Bob @here", *[f"Author {i}" for i in range(40)]),
    abstract="We show [a link](https://evil.example) and > quote\n# heading\n- list "
    + "with $x_1 * y_2$ and <@&123456789012345678> " * 80,
    categories=("cs.CL", "cs.AI"), primary_category="cs.CL",
    comment="17 pages, 7 figures, @everyone ping",
)


def text(source: str, language: str, paper: Paper, scale: int = 1) -> CardText:
    return CardText(
        summary=("该论文提出了一种新方法。" if language == "zh" else "A new method. ") * 8 * scale,
        key_takeaways=tuple(f"Takeaway {i}: {paper.title[:80]}" for i in range(1, 4 * scale)),
        title_translation=f"译名:{paper.title}" if source == "llm" else None,
        abstract_translation=("译文:" + paper.abstract) * scale if source == "llm" else None,
        source=source,  # type: ignore[arg-type]
        language=language,
    )


def shown(embed: dict) -> str:
    """An embed's text as Discord shows it (Markdown escapes removed)."""
    parts = [embed["title"], embed.get("description", "")]
    parts += [f"{f['name']}\n{f['value']}" for f in embed["fields"]]
    return re.sub(r"\\([*`_~|>#\-\[])", r"\1", "\n".join(parts))


def assert_valid(payloads: list[dict]) -> None:
    for payload in payloads:
        json.dumps(payload)  # the outbox stores it as JSON
        assert validate_message(payload) == {}, payload
        assert payload["content"] or payload["embeds"]
        assert payload["allowed_mentions"] == {"parse": []}
        assert sum(embed_size(e) for e in payload["embeds"]) <= EMBED_TOTAL_MAX
        urls = [e["url"] for e in payload["embeds"]]
        assert len(urls) == len(set(urls)), "embeds with one URL would collapse"


def test_every_real_sample_renders_within_discord_limits(samples: Path) -> None:
    papers = list({f"{p.id}v{p.version}": p for p in all_sample_papers()}.values())
    assert len(papers) > 2000, "the samples hold thousands of real entries"
    renderer = DiscordRenderer()
    kinds = cycle([("llm", "zh"), ("offline", "en"), ("unavailable", "zh"), ("llm", "ja"),
                   ("llm", "en")])
    for start in range(0, len(papers), 25):  # each entry once, in one kind of card
        source, language = next(kinds)
        batch = papers[start : start + 25]
        cards = tuple(PaperCard(p, text(source, language, p)) for p in batch)
        digest = Digest("cs.CL", date(2026, 11, 20), language, cards, NOW)
        payloads = renderer.digest(digest)
        assert_valid(payloads)
        embeds = [e for p in payloads for e in p["embeds"]]
        assert len(embeds) == len(batch), "no card is ever dropped"
        for card, embed in zip(cards, embeds, strict=True):
            paper = card.paper
            assert embed["url"].startswith(f"https://arxiv.org/abs/{paper.id}")
            assert "footer" not in embed  # the header has the notice
            assert_no_tex(shown(embed), paper.title, paper.abstract, paper.comment or "",
                          *card.text.key_takeaways)
        alone = renderer.reply(Reply(cards=cards))  # /summarize cards carry the notice
        assert_valid(alone)
        for paper, embed in zip(batch, [e for p in alone for e in p["embeds"]], strict=True):
            links = embed["fields"][-1]["value"]
            assert links.startswith(f"[arXiv:{paper.id}v{paper.version}](")
            has_notice = embed.get("footer", {}).get("text") == notice(language)
            assert has_notice == (source != "unavailable")


def test_markdown_is_escaped_and_mentions_neutralised() -> None:
    payloads = DiscordRenderer().reply(
        Reply(text="Hi @everyone <@123456789012345678>",
              cards=(PaperCard(NASTY, text("llm", "en", NASTY)),))
    )
    assert_valid(payloads)
    embed = payloads[0]["embeds"][0]
    assert embed["title"].startswith("\\*\\*Bold\\*\\* \\_claims\\_")
    assert "\\`code\\`" in embed["title"] and "\\|\\|spoiler\\|\\|" in embed["title"]
    blob = json.dumps(payloads, ensure_ascii=False)
    for mention in ("@everyone", "@here", "<@123456789012345678>", "<@&123456789012345678>"):
        assert mention not in blob
    fields = "\n".join(f["value"] for f in embed["fields"])
    assert "\\[a link](https://evil" in fields  # shown as text, not a masked link
    assert re.search(r"(?<!\\)\[a link\]", fields) is None
    assert "𝒪(n\\*ₖ)" in embed["title"]  # TeX as Unicode, then escaped
    assert "Author 7" in embed["description"] and "Author 39" not in embed["description"]
    assert "cs.CL · cs.AI | 17 pages, 7 figures" in shown(embed)
    assert embed["fields"][-1]["value"].startswith("[arXiv:2502.11190v2](")


def test_oversized_card_is_shortened_with_a_link_not_dropped() -> None:
    card = PaperCard(NASTY, text("llm", "zh", NASTY, scale=12))
    payloads = DiscordRenderer().reply(Reply(cards=(card,)))
    assert_valid(payloads)
    assert len(payloads) == 1
    embed = payloads[0]["embeds"][0]
    values = [f["value"] for f in embed["fields"]]
    assert any("全文见" in v and "https://arxiv.org/abs/2502.11190" in v for v in values)
    links = embed["fields"][-1]["value"]
    assert "https://arxiv.org/pdf/2502.11190" in links and "papers.cool" in links


def test_llm_card_shows_summary_takeaways_and_translated_abstract_in_zh() -> None:
    embed = DiscordRenderer().reply(Reply(cards=(PaperCard(NASTY, text("llm", "zh", NASTY)),)))[0][
        "embeds"][0]
    names = [f["name"] for f in embed["fields"]]
    assert names[0] == "要点" and embed["fields"][0]["value"].startswith("1. Takeaway 1")
    assert "摘要翻译" in names and "摘要翻译 (续)" in names  # long abstract over several fields
    assert names[-1] == "链接" and names.index("摘要翻译") < names.index("原文摘要")
    assert "该论文提出了一种新方法" in embed["description"]
    assert "原文摘要过长已截断" in embed["fields"][-1]["value"]  # the original is cut first


@pytest.mark.parametrize(("source", "language", "status"), [
    ("offline", "en", "offline summary (no LLM configured)"),
    ("unavailable", "en", "summary unavailable"),
    ("offline", "zh", "离线摘要"),
])
def test_non_llm_cards_say_so_and_carry_the_original_abstract(
    source: str, language: str, status: str
) -> None:
    card = PaperCard(NASTY, text(source, language, NASTY))
    embed = DiscordRenderer().reply(Reply(cards=(card,)))[0]["embeds"][0]
    assert status in embed["description"]
    assert any(f["name"] == ("Abstract" if language == "en" else "原文摘要")
               for f in embed["fields"])


def test_digest_packs_cards_on_boundaries_with_header_first() -> None:
    papers = [Paper(f"2511.{i:05d}", 1, f"Paper {i}", ("A",), "Short abstract.", ("cs.CL",),
                    "cs.CL") for i in range(25)]
    cards = tuple(PaperCard(p, text("llm", "en", p)) for p in papers)
    digest = Digest("nlp", date(2026, 11, 20), "en", cards, NOW, omitted=3)
    payloads = DiscordRenderer().digest(digest)
    assert_valid(payloads)
    header = payloads[0]["content"]
    assert "**nlp**" in header and "2026-11-20" in header and "25 papers" in header
    assert "machine-generated" in header and "+3" in header
    assert all(not p["content"] for p in payloads[1:])
    assert [e["title"] for p in payloads for e in p["embeds"]] == [f"Paper {i}" for i in range(25)]
    assert len(payloads) >= 3 and all(len(p["embeds"]) <= 10 for p in payloads)


def test_quiet_digest_is_one_message() -> None:
    digest = Digest("nlp", None, "zh", (), NOW, quiet="quiet_day")
    payloads = DiscordRenderer().digest(digest)
    assert_valid(payloads)
    assert len(payloads) == 1 and "arXiv 今天没有发布新论文" in payloads[0]["content"]


def test_same_paper_twice_gets_distinct_urls_and_errors_are_plain_text() -> None:
    card = PaperCard(NASTY, text("offline", "en", NASTY))
    payloads = DiscordRenderer().reply(Reply(cards=(card, card)))
    assert_valid(payloads)
    error = DiscordRenderer().reply(Reply(text="Unknown command /foo_bar", is_error=True))
    assert error == [{"content": "Unknown command /foo\\_bar", "embeds": [],
                      "allowed_mentions": {"parse": []}}]


def test_long_text_is_split_under_2000_on_line_boundaries() -> None:
    lines = [f"line {i} " + "x" * 90 for i in range(60)] + ["y" * 4500]
    pieces = split_content("\n".join(lines))
    assert all(0 < len(p) <= 2000 for p in pieces)
    assert "".join(pieces).replace("\n", "") == "".join(lines)
    assert_valid(DiscordRenderer().reply(Reply(text="\n".join(lines))))


def test_validator_rejects_what_discord_rejects() -> None:
    big = {"title": "t" * 257, "description": "d" * 4097, "footer": {"text": "f" * 2049},
           "fields": [{"name": "n", "value": "v" * 1025}, {"name": "n", "value": ""}]}
    errors = validate_message({"content": "c" * 2001, "embeds": [big] * 11})
    assert set(errors) == {"content", "embeds"}
    first = errors["embeds"]["0"]
    assert {"title", "description", "footer", "fields"} <= set(first)
    assert errors["embeds"]["_errors"]
    assert validate_message({"content": "ok"}) == {}


def test_a_summarize_card_names_its_version_and_carries_the_notice_in_its_language() -> None:
    paper = Paper(id="1706.03762", version=1, title="Attention Is All You Need",
                  authors=("A. Vaswani",), abstract="The dominant models.",
                  categories=("cs.CL",), primary_category="cs.CL",
                  comment="x" * 3000)  # a long comment is cut, never the notice
    for language in ("zh", "en"):
        card = PaperCard(paper, text("llm", language, paper))
        [message] = DiscordRenderer().reply(Reply(cards=(card,)))
        assert_valid([message])
        embed = message["embeds"][0]
        assert embed["footer"]["text"] == notice(language)
        assert embed["fields"][-1]["value"].startswith("[arXiv:1706.03762v1](")
        assert "x" * 3000 in embed["description"]
