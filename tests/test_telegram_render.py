"""The Telegram renderer against Telegram's HTML rules, on every real arXiv entry we have."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import cycle
from pathlib import Path

import pytest

from adapters.telegram.render import TelegramRenderer, split_plain
from bot.card_view import one_line
from bot.labels import notice
from bot.models import CardText, Digest, Paper, PaperCard, Reply
from bot.tex import tex_to_text
from tests.chat_checks import assert_no_tex
from tests.fakes.telegram_html import EntityError, check_message, parse_html, utf16_len
from tests.samples import all_sample_papers

R = TelegramRenderer()
NASTY_TITLE = (
    "$X_1+X_2+\\cdots + X_m$ < \\emph{Schr\\\"odinger} & <b>co_*op*</b> &amp; 🚀 שלום עולם"
)
NASTY_ABSTRACT = (
    "We prove $a<b$ & $c>d$ for \\textbf{all} x_1, *emph* and __dunder__ <script>alert(1)"
    "</script> &lt;already&gt; مرحبا بالعالم 👩‍🔬🧪 \u200f end."
)


def paper(**overrides: object) -> Paper:
    values: dict[str, object] = dict(
        id="2502.11190", version=2, title=NASTY_TITLE, authors=("Zoë Ramírez", "Jörg Weißl"),
        abstract=NASTY_ABSTRACT, categories=("cs.CL", "cs.AI"), primary_category="cs.CL",
        comment="17 pages, 7 figures; <code> & data at https://x.org/?a=1&b=2",
    )
    values.update(overrides)
    return Paper(**values)  # type: ignore[arg-type]


def text_for(p: Paper, source: str = "llm", language: str = "zh", **kw: object) -> CardText:
    values: dict[str, object] = dict(
        summary=f"总结：{p.title} <i>not markup</i> & 更多",
        key_takeaways=("first <takeaway> & $x_1$", "second *point* 🧪"),
        title_translation=f"译：{p.title}",
        abstract_translation=f"摘要翻译：{p.abstract}",
        source=source, language=language,
    )
    values.update(kw)
    return CardText(**values)  # type: ignore[arg-type]


def visible(payload: dict[str, object]) -> str:
    problem = check_message(str(payload["text"]), str(payload["parse_mode"]))
    assert problem is None, (problem, payload["text"])
    return parse_html(str(payload["text"]))


def test_every_real_entry_renders_to_a_valid_message_in_every_card_kind(samples: Path) -> None:
    papers = all_sample_papers()
    assert len(papers) > 2400
    kinds = cycle([("llm", "zh"), ("offline", "en"), ("unavailable", "zh"), ("llm", "fr")])
    for p in papers:
        source, lang = next(kinds)
        payload = R.card(PaperCard(p, text_for(p, source, lang)))
        shown = visible(payload)
        assert utf16_len(shown) <= 4096
        assert_no_tex(shown, p.title, p.abstract, p.comment or "")
        assert payload["plain"].startswith(shown)
        assert one_line(tex_to_text(p.title)) in shown, p.id
        assert f'href="https://arxiv.org/abs/{p.id}"' in payload["text"]
        if utf16_len(p.abstract) < 1500:  # the original abstract is on every card
            assert one_line(tex_to_text(p.abstract))[:200] in shown.replace("\n", " ")
        assert (notice(lang) in shown) == (source != "unavailable"), p.id
        assert f"arXiv:{p.id}v{p.version}" in shown


def test_nasty_markup_rtl_and_emoji_come_out_verbatim_and_tex_as_unicode() -> None:
    card = PaperCard(paper(), text_for(paper()))
    shown = visible(R.card(card))
    title = "X₁+X₂+⋯ + Xₘ < Schrödinger & <b>co_*op*</b> &amp; 🚀 שלום עולם"
    for fragment in (title, "17 pages, 7 figures; <code> & data at https://x.org/?a=1&b=2",
                     "first <takeaway> & x₁", "second *point* 🧪", f"译：{title}",
                     "<i>not markup</i>", "Zoë Ramírez, Jörg Weißl"):
        assert fragment in shown
    assert "<blockquote expandable>摘要翻译：We prove a&lt;b &amp; c&gt;d for all" in R.card(
        card)["text"]
    assert "<blockquote expandable>We prove a&lt;b &amp;" in R.card(card)["text"]


def test_labels_follow_the_card_language_and_fall_back_to_english() -> None:
    p = paper()
    zh = visible(R.card(PaperCard(p, text_for(p, "llm", "zh"))))
    en = visible(R.card(PaperCard(p, text_for(p, "llm", "en"))))
    ja = visible(R.card(PaperCard(p, text_for(p, "llm", "ja"))))
    assert "摘要总结" in zh and "要点" in zh and "Key Takeaways" not in zh
    assert "Summary" in en and "Key Takeaways" in en
    assert "要約" in ja and "要点" in ja
    fr = visible(R.card(PaperCard(p, text_for(p, "llm", "fr"))))
    assert "Key Takeaways" in fr


def test_offline_and_unavailable_cards_say_so() -> None:
    p = paper()
    offline = visible(R.card(PaperCard(p, text_for(p, "offline", "en"))))
    assert "offline summary (no LLM configured)" in offline
    gone = visible(R.card(PaperCard(p, text_for(p, "unavailable", "en", summary="",
                                                 key_takeaways=()))))
    assert "summary unavailable" in gone
    assert tex_to_text(NASTY_ABSTRACT).strip() in gone
    assert "Summary\n" not in gone


def test_long_author_lists_are_shortened() -> None:
    p = paper(authors=tuple(f"Author {i}" for i in range(40)))
    shown = visible(R.card(PaperCard(p, text_for(p, "llm", "en"))))
    assert "Author 7 … +32 more" in shown and "Author 8" not in shown


def test_an_oversized_card_cuts_the_original_abstract_first_and_says_so() -> None:
    p = paper(abstract="Original 🧪 abstract. " * 400)
    card = PaperCard(p, text_for(p, "llm", "zh", abstract_translation="翻译 🚀 " * 300,
                                 summary="Short summary stays whole."))
    shown = visible(R.card(card))
    assert utf16_len(shown) <= 4096
    assert "Short summary stays whole." in shown and ("翻译 🚀 " * 300).strip() in shown
    assert "原文摘要\nOriginal 🧪 abstract." in shown and "…" in shown
    assert "原文摘要过长已截断,全文见: https://arxiv.org/abs/2502.11190" in shown
    long_translation = "很长的翻译 🚀 " * 2000
    card = PaperCard(p, text_for(p, "llm", "en", abstract_translation=long_translation,
                                 summary="Short summary stays whole."))
    shown = visible(R.card(card))
    assert "Short summary stays whole." in shown and "很长的翻译" not in shown  # en reader
    assert "original abstract shortened to fit; full text: https://arxiv.org/abs/2502" in shown
    card = PaperCard(p, text_for(p, "llm", "zh", abstract_translation=long_translation))
    shown = visible(R.card(card))
    assert "摘要翻译\n很长的翻译" in shown and "内容过长已截断,全文见: https://arxiv" in shown


def test_everything_oversized_still_fits_in_one_message() -> None:
    p = paper(title="T" * 600, authors=tuple(f"A{i}" for i in range(3000)),
              abstract="a & b " * 3000, comment="c<" * 900)
    t = text_for(p, "unavailable", "zh", summary="s " * 5000,
                 key_takeaways=tuple("k&" * 400 for _ in range(20)),
                 title_translation="t" * 2000, abstract_translation="x<" * 6000)
    for source in ("llm", "unavailable", "offline"):
        card = PaperCard(p, CardText(**{**t.__dict__, "source": source}))
        shown = visible(R.card(card))
        assert utf16_len(shown) <= 4096
        assert "arxiv.org/abs/2502.11190" in R.card(card)["text"]
        assert (notice("zh") in shown) == (source != "unavailable")


def test_long_text_replies_split_below_the_limit_and_keep_every_character() -> None:
    body = "\n\n".join(f"Paragraph {i}: a<b & c>d 🚀 " + "word " * 150 for i in range(30))
    payloads = R.reply(Reply(text=body))
    assert len(payloads) > 1
    shown = [visible(p) for p in payloads]
    assert all(utf16_len(s) <= 4096 for s in shown)
    assert "".join(s.replace(" ", "").replace("\n", "") for s in shown) == body.replace(
        " ", "").replace("\n", "")


def test_a_text_without_spaces_splits_between_emoji_not_inside() -> None:
    body = "🚀" * 5000  # 10,000 UTF-16 units
    chunks = split_plain(body, 4000)
    assert [utf16_len(c) for c in chunks] == [4000, 4000, 2000]
    assert "".join(chunks) == body


def test_error_replies_are_marked_and_escaped() -> None:
    [payload] = R.reply(Reply(text="Unknown id <x> & co", is_error=True))
    assert visible(payload) == "⚠️ Unknown id <x> & co"
    assert payload["plain"] == "⚠️ Unknown id <x> & co" and payload["disable_preview"] is True


def test_digest_has_a_header_then_one_numbered_message_per_paper() -> None:
    cards = tuple(PaperCard(paper(id=f"2502.1119{i}"), text_for(paper())) for i in range(3))
    digest = Digest(topic="NLP <&>", announced=date(2025, 2, 17), language="en", cards=cards,
                    generated_at=datetime(2025, 2, 18, tzinfo=UTC), omitted=4)
    payloads = R.digest(digest)
    assert len(payloads) == 4
    header = visible(payloads[0])
    assert "NLP <&>" in header and "2025-02-17" in header and "3 papers" in header
    assert "+4 more matching papers not shown" in header and "machine-generated" in header
    assert visible(payloads[2]).startswith("[2/3] ")
    both = R.reply(Reply(text="Here you go", digests=(digest,)))
    assert len(both) == 5 and visible(both[0]) == "Here you go"


def test_a_quiet_digest_is_one_message_with_its_reason_in_the_readers_language() -> None:
    digest = Digest(topic="NLP", announced=None, language="zh", cards=(),
                    generated_at=datetime(2025, 2, 15, tzinfo=UTC), quiet="quiet_day")
    [payload] = R.digest(digest)
    assert "arXiv 今天没有发布新论文" in visible(payload)
    english = Digest(topic="NLP", announced=None, language="en", cards=(),
                     generated_at=datetime(2025, 2, 15, tzinfo=UTC), quiet="no_match")
    [payload] = R.digest(english)
    assert "No new papers matched NLP" in visible(payload)


def test_a_chinese_digest_carries_the_chinese_notice() -> None:
    """It used to carry the English notice, while Discord and the terminal showed Chinese."""
    card = PaperCard(paper(), CardText("总结", ("要点",), "标题", "摘要", "llm", "zh", "m"))
    digest = Digest(topic="NLP", announced=date(2025, 2, 14), language="zh", cards=(card,),
                    generated_at=datetime(2025, 2, 15, tzinfo=UTC))
    header = visible(R.digest(digest)[0])
    assert notice("zh") in header and notice("en") not in header


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ("a < b", "can't parse entities"),
        ("a & b", "can't parse entities"),
        ("a > b", "can't parse entities"),
        ("<b>bold", "can't parse entities"),
        ("<b><i>x</b></i>", "can't parse entities"),
        ("<script>x</script>", "can't parse entities"),
        ("<a>no href</a>", "can't parse entities"),
        ("<blockquote><blockquote>x</blockquote></blockquote>", "can't parse entities"),
        ("&nbsp;", "can't parse entities"),
        ("<b></b>", "message text is empty"),
        ("🚀" * 2049, "message is too long"),
        ("&amp;" * 4097, "message is too long"),
    ],
)
def test_the_validator_refuses_what_telegram_refuses(bad: str, why: str) -> None:
    problem = check_message(bad, "HTML")
    assert problem is not None and why in problem


def test_the_validator_accepts_telegram_html() -> None:
    good = ('<b>b</b><strong>s</strong><i>i</i><u>u</u><s>s</s><tg-spoiler>x</tg-spoiler>'
            '<span class="tg-spoiler">y</span><a href="https://e.x/?a=1&amp;b=2">l</a>'
            '<pre><code class="language-python">x &lt; 1</code></pre><blockquote expandable>'
            'q</blockquote>&lt;&gt;&amp;&quot;&#128640;&#x1F680;' + "🚀" * 2000)
    assert check_message(good, "HTML") is None
    with pytest.raises(EntityError):
        parse_html("<code><b>x</b></code>")


def test_a_summarize_card_carries_the_notice_and_its_version_digest_cards_leave_it_to_the_header(
) -> None:
    p = paper(id="1706.03762", version=1)
    for lang in ("zh", "en"):
        card = PaperCard(p, text_for(p, "llm", lang))
        [payload] = R.reply(Reply(cards=(card,)))
        shown = visible(payload)
        assert shown.endswith(notice(lang)) and "arXiv:1706.03762v1 · PDF" in shown
        assert f"<i>{notice(lang)}</i>" in payload["text"]
        digest = Digest(topic="NLP", announced=date(2025, 2, 14), language=lang,
                        cards=(card, card), generated_at=datetime(2025, 2, 15, tzinfo=UTC))
        messages = [visible(m) for m in R.digest(digest)]
        assert [notice(lang) in m for m in messages] == [True, False, False]
