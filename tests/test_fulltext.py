"""Issue 15, pure parts: LaTeXML sections, PDF text, the licence rule, the token budget's
plan and holding the model's takeaways to the paper's real sections."""

from __future__ import annotations

import pytest

from bot.fulltext.budget import Plan, estimate_tokens, plan, section_block
from bot.fulltext.html_sections import first_figure, parse_sections, read_html
from bot.fulltext.licence import permits_redistribution
from bot.fulltext.models import Section
from bot.fulltext.pdf_text import read_pdf, split_sections
from bot.llm.deep_parsing import parse_deep, resolve_section
from bot.llm.parsing import BadAnswer
from tests.fakes.fake_fulltext import ERROR_HTML, HTML, PDF, SECTION_LABELS

PAGE = "https://arxiv.org/html/2601.00101v1"


def test_latexml_sections_have_numbers_titles_and_their_own_text() -> None:
    sections = parse_sections(HTML)
    assert tuple(s.label for s in sections) == SECTION_LABELS
    results = next(s for s in sections if s.number == "3.2")
    assert results.title == "Results"
    assert "44.1 ROUGE-L" in results.text and "44.3" in results.text
    method = next(s for s in sections if s.number == "2")
    assert method.text == ""  # its paragraphs are its subsections'
    assert not any("Generated" in s.text for s in sections)  # the page footer is not text


def test_first_figure_is_absolute_with_its_caption() -> None:
    figure = first_figure(HTML, PAGE)
    assert figure is not None
    assert figure.url == f"{PAGE}/routing.png"
    assert figure.caption.startswith("Figure 1: Tokens are routed to two of eight experts")


def test_an_error_page_is_abstract_only_not_a_paper() -> None:
    text = read_html(ERROR_HTML, PAGE)
    assert (text.source, text.reason, text.sections) == ("abstract", "error_page", ())
    assert read_html(b"<html><body><h1>404</h1></body></html>", PAGE).reason == "error_page"


def test_pdf_text_is_cut_at_its_numbered_headings() -> None:
    text = read_pdf(PDF)
    assert text.source == "pdf"
    assert tuple(s.label for s in text.sections) == SECTION_LABELS
    conclusion = text.sections[-1]
    assert conclusion.text.endswith("at a third of the compute.")  # "com-\npute" rejoined


def test_pdf_headings_must_increase_so_numbers_in_text_are_not_headings() -> None:
    text = "1 Introduction\nWe got\n45 Percent\nof it.\n2 Method\nIt works.\n1 Bad Heading\nx"
    assert [s.label for s in split_sections(text)] == ["§1 Introduction", "§2 Method"]


def test_an_unreadable_pdf_is_abstract_only() -> None:
    text = read_pdf(b"%PDF-1.4 not really")
    assert (text.source, text.reason) == ("abstract", "unreadable")


@pytest.mark.parametrize(("licence", "allowed"), [
    ("http://creativecommons.org/licenses/by/4.0/", True),
    ("http://creativecommons.org/licenses/by-sa/4.0/", True),
    ("https://creativecommons.org/licenses/by/3.0", True),
    ("http://creativecommons.org/publicdomain/zero/1.0/", True),
    ("http://creativecommons.org/licenses/by-nc/4.0/", False),
    ("http://creativecommons.org/licenses/by-nc-sa/4.0/", False),
    ("http://creativecommons.org/licenses/by-nd/4.0/", False),
    ("http://creativecommons.org/licenses/by-nc-nd/4.0/", False),
    ("http://arxiv.org/licenses/nonexclusive-distrib/1.0/", False),
    ("http://creativecommons.org/licenses/by/4.0/evil", False),
    ("", False),
    (None, False),
])
def test_only_cc_by_by_sa_and_cc0_let_a_figure_be_sent(licence: str | None,
                                                        allowed: bool) -> None:
    assert permits_redistribution(licence) is allowed


def _sections(count: int, chars: int) -> list[Section]:
    return [Section(str(i), f"Part{i}", "x" * chars) for i in range(1, count + 1)]


def test_a_paper_within_the_budget_is_one_request() -> None:
    work = plan(_sections(5, 400), budget=2_000)
    assert len(work.parts) == 1 and work.calls == 1


def test_a_long_paper_is_mapped_in_parts_within_the_budget_then_reduced() -> None:
    sections = _sections(10, 2_000)  # 500 tokens each
    work = plan(sections, budget=2_200)  # 1000 tokens of text per part
    assert [len(p) for p in work.parts] == [1] * 8  # 2 × 506 > 1000; at most 8 parts
    assert work.dropped == 2
    work = plan(sections, budget=2_300)
    assert [len(p) for p in work.parts] == [2] * 5
    assert work.calls == 6  # five maps and one reduce
    for part in work.parts:
        assert sum(estimate_tokens(section_block(s)) + 1 for s in part) <= 2_300 - 1_200


def test_a_section_longer_than_a_part_is_cut_into_pieces_and_parts_are_capped() -> None:
    huge = Section("3", "Experiments", " ".join(["word"] * 10_000))  # 50,000 chars
    work = plan([huge], budget=3_200, max_parts=4)
    assert len(work.parts) == 4 and work.dropped > 0
    assert work.parts[0][0].title == "Experiments (part 1)"
    assert all(estimate_tokens(section_block(p[0])) <= 2_000 for p in work.parts)
    assert Plan(()).calls == 1


def test_takeaways_must_name_sections_of_the_paper() -> None:
    sections = parse_sections(HTML)
    assert resolve_section("§3.2", sections) == "§3.2 Results"
    assert resolve_section("3.2 Results", sections) == "§3.2 Results"
    assert resolve_section("Limitations", sections) == "§4 Limitations"
    assert resolve_section("§9 Appendix", sections) is None
    answer = ('{"problem": "p", "method": "m", "results": "44.1", "limitations": "",'
              ' "takeaways": [{"text": "a", "section": "§3.2"}, {"text": "b", "section":'
              ' "§7 Made Up"}, {"text": "c", "section": "Method"}, {"text": "d",'
              ' "section": "§1 Introduction"}]}')
    card = parse_deep(answer, sections)
    assert [t.section for t in card.takeaways] == ["§3.2 Results", "§2 Method",
                                                    "§1 Introduction"]
    invented = answer.replace('"§3.2"', '"§8"').replace('"Method"', '"§9"')
    with pytest.raises(BadAnswer):
        parse_deep(invented, sections)
