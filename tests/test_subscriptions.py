"""Parsing what users type into /subscribe and /settings: specs, times and time zones."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.arxiv.categories import CATEGORIES
from bot.errors import UserError
from bot.local_time import parse_time, parse_timezone
from bot.models import Paper, Topic
from bot.services.subscriptions import MAX_KEYWORD_LEN, parse_topic_spec, topic_name

CONFIGURED = (
    Topic("R1_Reasoning", ("cs.CL", "cs.AI"), ("reasoning", "chain of thought")),
    Topic("Vision", ("cs.CV",)),
)
DEFAULTS = ("cs.CL", "cs.AI", "cs.LG")


def parse(text: str) -> Topic:
    return parse_topic_spec(text, CONFIGURED, DEFAULTS)


def test_configured_topic_by_name_in_any_case() -> None:
    assert parse("r1_reasoning") is CONFIGURED[0]
    assert parse("  VISION ") is CONFIGURED[1]


def test_bare_category_is_canonicalised() -> None:
    topic = parse("cs.cv")
    assert topic == Topic("cs.CV", ("cs.CV",))
    assert parse("hep-th").categories == ("hep-th",)


def test_category_with_keywords_and_phrases() -> None:
    topic = parse('cs.CL reasoning "chain of thought"')
    assert topic.name == "cs.CL: chain of thought, reasoning"
    assert topic.categories == ("cs.CL",)
    assert topic.keywords == ("chain of thought", "reasoning")


def test_several_categories_curly_quotes_commas_and_exclusions() -> None:
    topic = parse('cs.CL cs.AI “multi agent”, LLM,RAG -survey -"position paper"')
    assert topic.categories == ("cs.AI", "cs.CL")
    assert topic.keywords == ("LLM", "multi agent", "RAG")
    assert topic.exclude_keywords == ("position paper", "survey")
    assert topic.name == "cs.AI cs.CL: LLM, multi agent, RAG, -position paper, -survey"


def test_keywords_without_category_use_the_defaults() -> None:
    topic = parse("diffusion")
    assert topic.categories == ("cs.AI", "cs.CL", "cs.LG")
    assert topic.keywords == ("diffusion",)


def test_name_is_order_independent_and_parses_back_to_the_same_topic() -> None:
    a = parse('cs.AI cs.CL reasoning "chain of thought" -survey')
    b = parse('-survey "Chain of Thought" cs.CL REASONING cs.ai')
    assert a.name.casefold() == b.name.casefold()
    for topic in (a, parse("cs.CV"), parse('cs.CL "GPT-4: evaluation"')):
        assert parse(topic.name) == topic


def test_quoted_category_is_a_keyword_not_a_category() -> None:
    topic = parse('cs.CL "cs.AI"')
    assert topic.categories == ("cs.CL",)
    assert topic.keywords == ("cs.AI",)


def test_parsed_topic_matches_papers_as_typed() -> None:
    topic = parse('cs.CL "chain of thought" -survey')
    paper = Paper(
        id="2501.00001", version=1, title="Chain-of-Thought prompting, revisited",
        authors=("A",), abstract="We study it.", categories=("cs.CL",),
        primary_category="cs.CL", announce_type="new",
    )
    assert topic.matches(paper)
    survey = Paper(**{**paper.__dict__, "title": "A survey of chain of thought"})
    assert not topic.matches(survey)


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ("", "Which topic?", "/topics"),
        ("cs.CVV", "Unknown arXiv category 'cs.CVV'", "cs.CV"),
        ("cs.XX: agents", "Unknown arXiv category 'cs.XX'", None),
        ('cs.CL "chain of', "not closed", '"chain of thought"'),
        ('cs.CL ""', "keyword is empty", None),
        ("cs.CL: a,,b", "keyword is empty", None),
        ("cs.CL " + "x" * (MAX_KEYWORD_LEN + 1), "101 characters", "100 characters"),
        ("cs.CL " + " ".join(f"k{i}" for i in range(11)), "too many", "at most 10"),
        ("R1_Reasonin", "Did you mean R1_Reasoning?", "name a category first"),
    ],
)
def test_errors_say_what_is_wrong_and_what_would_be_right(
    text: str, message: str, hint: str | None
) -> None:
    with pytest.raises(UserError) as caught:
        parse(text)
    assert message in caught.value.message
    if hint:
        assert caught.value.hint and hint in caught.value.hint


def test_keyword_of_exactly_the_limit_is_accepted() -> None:
    assert parse("cs.CL " + "x" * MAX_KEYWORD_LEN).keywords == ("x" * MAX_KEYWORD_LEN,)


def test_no_category_anywhere_is_an_error() -> None:
    with pytest.raises(UserError, match="category"):
        parse_topic_spec("agents", (), ())


def test_topic_name_helper() -> None:
    assert topic_name(["cs.CL"]) == "cs.CL"
    assert topic_name(["cs.LG", "cs.AI"], ["b", "A"], ["z"]) == "cs.AI cs.LG: A, b, -z"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("8:30", "08:30"), ("08:30", "08:30"), ("23:59", "23:59"), ("0:00", "00:00"),
     ("7：05", "07:05"), (" 21.15 ", "21:15")],
)
def test_parse_time_accepts(text: str, expected: str) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "24:00", "12:60", "9am", "0830", "", "8:3"])
def test_parse_time_rejects_with_a_24_hour_hint(text: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_time(text)
    assert caught.value.hint and "08:30" in caught.value.hint


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Asia/Shanghai", "Asia/Shanghai"),
        ("asia/shanghai", "Asia/Shanghai"),
        ("Shanghai", "Asia/Shanghai"),
        ("Beijing", "Asia/Shanghai"),
        ("Asia/Beijing", "Asia/Shanghai"),
        ("new york", "America/New_York"),
        ("UTC", "UTC"),
        ("gmt", "UTC"),
        ("EST", "America/New_York"),
        ("UTC+8", "Etc/GMT-8"),
        ("GMT-5", "Etc/GMT+5"),
        ("utc+0", "UTC"),
    ],
)
def test_parse_timezone_accepts(text: str, expected: str) -> None:
    zone = parse_timezone(text)
    assert zone == expected
    ZoneInfo(zone)  # and it is a real zone


def test_utc_offset_zone_has_the_right_offset() -> None:
    moment = datetime(2026, 1, 1, tzinfo=ZoneInfo(parse_timezone("UTC+8")))
    assert moment.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ("Shangai", "Unknown time zone 'Shangai'", "Asia/Shanghai"),
        ("Europe/Berln", "Unknown time zone", "Europe/Berlin"),
        ("Mars/Olympus", "Unknown time zone", "Europe/Berlin"),
        ("CST", "ambiguous", None),
        ("UTC+5:30", "no fixed-offset", "Asia/Kolkata"),
        ("UTC+15", "not a real UTC offset", None),
        ("", "Which time zone?", None),
    ],
)
def test_parse_timezone_rejects_with_suggestions(
    text: str, message: str, hint: str | None
) -> None:
    with pytest.raises(UserError) as caught:
        parse_timezone(text)
    assert message in caught.value.message
    if hint:
        assert caught.value.hint and hint in caught.value.hint


@pytest.mark.parametrize("archive", ["astro-ph", "math", "physics", "cs", "Q-BIO"])
def test_a_bare_archive_is_all_its_categories_not_a_keyword(archive: str) -> None:
    topic = parse(archive)
    prefix = f"{archive.lower()}."
    assert topic.keywords == () and topic.categories
    assert all(c.startswith(prefix) for c in topic.categories)
    assert set(topic.categories) == {c for c in CATEGORIES if c.startswith(prefix)}
    assert topic.name == archive.lower()
    assert parse(topic.name) == topic  # the name is a spec that parses back to the topic


def test_an_archive_takes_keywords_and_mixes_with_categories() -> None:
    topic = parse('astro-ph "dark matter" -survey cs.LG')
    assert topic.name == "astro-ph cs.LG: dark matter, -survey"
    assert len(topic.categories) == 7 and "cs.LG" in topic.categories
    assert parse(topic.name) == topic
    assert parse("hep-th").categories == ("hep-th",)  # an archive that is itself a category
