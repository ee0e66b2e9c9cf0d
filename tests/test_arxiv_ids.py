from __future__ import annotations

import pytest

from bot.arxiv.ids import base_id_from_url, find_arxiv_id, parse_arxiv_id
from bot.errors import UserError
from bot.models import ArxivId


@pytest.mark.parametrize(
    ("text", "base", "version"),
    [
        ("2502.11190", "2502.11190", None),
        ("2502.11190v2", "2502.11190", 2),
        ("  arXiv:2502.11190v12 ", "2502.11190", 12),
        ("ARXIV: 1706.03762v7", "1706.03762", 7),
        ("0704.0001", "0704.0001", None),
        ("1412.9999", "1412.9999", None),
        ("1501.00001", "1501.00001", None),
        ("hep-th/9901001", "hep-th/9901001", None),
        ("math.GT/0309136v2", "math/0309136", 2),
        ("cs/9608105", "cs/9608105", None),
        ("HEP-TH/9901001", "hep-th/9901001", None),
        ("solv-int/9901001", "solv-int/9901001", None),
        ("https://arxiv.org/abs/2502.11190", "2502.11190", None),
        ("http://arxiv.org/abs/2502.11190v3", "2502.11190", 3),
        ("https://www.arxiv.org/pdf/2502.11190v3.pdf", "2502.11190", 3),
        ("https://arxiv.org/pdf/2502.11190", "2502.11190", None),
        ("https://export.arxiv.org/abs/hep-th/9901001v1", "hep-th/9901001", 1),
        ("https://arxiv.org/html/2502.11190v1", "2502.11190", 1),
        ("https://arxiv.org/abs/2502.11190?context=cs", "2502.11190", None),
        ("arxiv.org/abs/math.GT/0309136", "math/0309136", None),
        ("https://papers.cool/arxiv/2502.11190", "2502.11190", None),
        ("https://huggingface.co/papers/2502.11190", "2502.11190", None),
    ],
)
def test_accepts_ids_prefixes_and_links(text: str, base: str, version: int | None) -> None:
    assert parse_arxiv_id(text) == ArxivId(base, version)


def test_str_round_trips_and_unversioned_drops_the_version() -> None:
    parsed = parse_arxiv_id("arXiv:hep-th/9901001v3")
    assert str(parsed) == "hep-th/9901001v3"
    assert parse_arxiv_id(str(parsed)) == parsed
    assert parsed.unversioned == ArxivId("hep-th/9901001")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("abc", "'abc' is not an arXiv id."),
        ("2413.00001", "month 13 does not exist"),
        ("2400.00001", "month 00 does not exist"),
        ("0000.0000", "month 00 does not exist"),
        ("2502.1119", "since 2015 have 5 digits"),
        ("1412.12345", "before 2015 have 4 digits"),
        ("0612.0001", "predates new-style ids"),
        ("abc/9901001", "no archive 'abc'"),
        ("hep-th/0801001", "from 1991 to 2007"),
        ("2502.11190v0", "versions start at v1"),
        ("https://example.com/abs/2502.11190", "is not an arXiv id"),
        ("2502.11190 2502.11191", "is not an arXiv id"),
    ],
)
def test_rejects_garbage_with_a_message_and_hint(text: str, says: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_arxiv_id(text)
    assert says in caught.value.message
    assert caught.value.hint


def test_empty_input_says_nothing_was_given() -> None:
    for text in ("", "   "):
        with pytest.raises(UserError, match="No arXiv id given") as caught:
            parse_arxiv_id(text)
        assert "2502.11190" in (caught.value.hint or "")


def test_long_garbage_is_truncated_in_the_message() -> None:
    with pytest.raises(UserError) as caught:
        parse_arxiv_id("x" * 500)
    assert len(caught.value.message) < 80
    assert "…" in caught.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("please summarise 2502.11190 for me", "2502.11190"),
        ("link: https://arxiv.org/abs/2401.00001v2, nice", "2401.00001v2"),
        ("(arXiv:2107.03419v1 [hep-ex])", "2107.03419v1"),
        ("hep-th/9901001v3 is a classic", "hep-th/9901001v3"),
        ("first 2413.00001 then 2502.11190", "2502.11190"),
        ("https://papers.cool/arxiv/2502.11190", "2502.11190"),
    ],
)
def test_find_arxiv_id_in_free_text(text: str, expected: str) -> None:
    found = find_arxiv_id(text)
    assert found is not None and str(found) == expected


@pytest.mark.parametrize(
    "text", ["", "hello world", "pi is 3.1415", "version 12.0.1", "see foo/2502.11190", "1.2345"]
)
def test_find_arxiv_id_ignores_text_without_one(text: str) -> None:
    assert find_arxiv_id(text) is None


def test_base_id_from_entry_urls() -> None:
    assert base_id_from_url("http://arxiv.org/abs/2501.00001v2") == "2501.00001"
    assert base_id_from_url("oai:arXiv.org:2609.26811v1") == "2609.26811"
    assert base_id_from_url("http://arxiv.org/abs/cond-mat/0603029v1") == "cond-mat/0603029"
    assert base_id_from_url("https://arxiv.org/api/errors#x") is None
