"""Hostile and mistaken input: no paid call for a mistake, no invisible characters echoed,
no answers to other bots, and every argument capped with a reply naming it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.telegram.incoming import parse_command
from bot.arxiv.ids import find_arxiv_id, looks_like_arxiv_id, parse_arxiv_id
from bot.commands.kinds import MAX_CHARS, ParseContext, parse_value
from bot.commands.specs import ArgKind
from bot.errors import UserError
from bot.models import ArxivId, IncomingCommand
from tests.test_commands import GROUP, PRIVATE, Harness

INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e" \
    "\u2066\u2067\u2068\u2069"


@pytest.fixture
def bot() -> Iterator[Harness]:
    harness = Harness()
    yield harness
    harness.store.close()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/translate 1706.03762 xx", "lang: 'xx' is not a language I know."),
        ("/translate 1706.03762 please", "lang: 'please' is not a language I know."),
        ("/translate 9999.99999", "'9999.99999' is not an arXiv id: month 99 does not exist"),
        ("/translate arXiv:9999.99999", "is not an arXiv id"),
        ("/translate 2501.99999", "arXiv has no paper 2501.99999"),
        ("/translate 2501.99999 ja", "arXiv has no paper 2501.99999"),
        ("/translate ja", "What should I translate?"),
        ("/translate \u200b", "What should I translate?"),
        ("/translate \u200b ja", "What should I translate?"),
    ],
)
async def test_translate_mistakes_get_the_usage_line_not_an_llm_call(
    bot: Harness, text: str, expected: str
) -> None:
    reply = await bot.send(text)
    assert reply.is_error and expected in reply.text
    assert bot.llm.calls == 0


@pytest.mark.parametrize("options", [{"text": "", "lang": "ja"}, {"text": "\u200b\ufeff",
                                                                   "lang": "ja"}])
async def test_empty_text_by_name_is_refused_before_any_call(
    bot: Harness, options: dict[str, str]
) -> None:
    """What `paperbot translate '' --lang ja` and Discord's options send."""
    reply = await bot.send("/translate", options=options, metered=False)
    assert reply.is_error and "What should I translate?" in reply.text
    assert bot.llm.calls == 0


async def test_real_translations_still_go_through(bot: Harness) -> None:
    assert (await bot.send("/translate 1706.03762 ja")).text.startswith("[ja] Attention")
    assert (await bot.send("/translate Bonjour tout le monde en")).text == (
        "English:\n[en] Bonjour tout le monde"
    )
    assert (await bot.send("/translate ja", replied="Hello there")).text == (
        "Japanese:\n[ja] Hello there"
    )
    assert (await bot.send("/translate arXiv: 1706.03762 ja")).text.startswith("[ja] Attention")
    # three words are text even when the first is an id
    said = await bot.send("/translate 1706.03762 is great en")
    assert said.text == "English:\n[en] 1706.03762 is great"
    assert bot.llm.calls == 4  # one card, three texts


def test_id_shapes_are_told_from_text() -> None:
    for shaped in ("9999.99999", "2501.123456", "foo/9901001", "arXiv:nope",
                   "https://arxiv.org/abs/9999.99999", "\u200b1706.0376"):
        assert looks_like_arxiv_id(shaped), shaped
    for text in ("hello", "3.14159", "2024", "and/or", "ja"):
        assert not looks_like_arxiv_id(text), text


@pytest.mark.parametrize(
    "pasted", ["\u200b1706.03762", "1706.03762\u200e", "\ufeffarXiv:1706.03762",
               "\u20661706.03762v1\u2069", "17\u200d06.03762", "\u202ehttps://arxiv.org/abs/1706.03762"],
)
def test_ids_are_read_through_invisible_characters(pasted: str) -> None:
    assert parse_arxiv_id(pasted).base == "1706.03762"
    assert find_arxiv_id(f"see {pasted} please") is not None


def test_id_errors_never_echo_invisible_characters() -> None:
    for bad in ("\u202eabc\u202c", "99\u200b99.99999", "\u2067hep-xx/9901001\u2069"):
        with pytest.raises(UserError) as caught:
            parse_arxiv_id(bad)
        assert not set(str(caught.value)) & set(INVISIBLE), repr(str(caught.value))


@pytest.mark.parametrize(
    "text",
    [
        "/summarize \u202e1706.0376\u202c",
        "/summarize 1706.03762 \u2067xx\u2069",
        "/settings timezone \u202eMars/Olympus",
        "/settings time \u200b25:00",
        "/settings \u202elangg ja",
        "/subscribe \u202ecs.XYZ",
        "/unsubscribe \u202enothing",
        "/help \u202enope",
        "/bogus\u202e",
        "/pause \u202eextra words",
    ],
)
async def test_replies_never_echo_invisible_characters(bot: Harness, text: str) -> None:
    reply = await bot.send(text)
    assert reply.text and not set(reply.text) & set(INVISIBLE), repr(reply.text)


async def test_invisible_characters_do_not_spoil_valid_arguments(bot: Harness) -> None:
    assert not (await bot.send("/settings timezone \u2066Asia/Tokyo\u2069")).is_error
    assert not (await bot.send("/settings lang \u200bja")).is_error
    assert not (await bot.send("/subscribe \ufeffcs.CV")).is_error
    assert (await bot.send("/summarize\u200b 1706.03762\u200e en")).cards
    assert (await bot.send("/summ\u202earize 1706.03762 en")).cards
    settings = bot.store.get_settings(PRIVATE)
    assert settings is not None and (settings.timezone, settings.language) == ("Asia/Tokyo", "ja")
    assert [s.topic.name for s in bot.store.subscriptions(PRIVATE)] == ["cs.CV"]


def test_telegram_ignores_other_bots_commands_and_notes_its_own_name() -> None:
    assert parse_command("/start@other_bot", "paperbot") is None
    assert parse_command("/help@other_bot\u200b x", "paperbot") is None
    own = parse_command("/foo@PaperBot\u200b x", "paperbot")
    assert own is not None and own.name == "foo" and own.addressed
    bare = parse_command("/foo x", "paperbot")
    assert bare is not None and not bare.addressed


async def test_in_groups_unknown_commands_are_answered_only_when_meant_for_us(
    bot: Harness,
) -> None:
    assert (await bot.send("/ban", chat=GROUP)).text == ""  # another bot's, likely
    assert "Did you mean /summarize?" in (await bot.send("/summarise", chat=GROUP)).text
    addressed = IncomingCommand("ban", "", GROUP, "7", addressed=True, locale="en")
    assert "Unknown command /ban." in (await bot.router.handle(addressed)).text
    assert "Unknown command /ban." in (await bot.send("/ban", chat=PRIVATE)).text


def test_every_kind_has_a_cap() -> None:
    parsed = {k for k in ArgKind if k is not ArgKind.SETTING_VALUE}
    assert set(MAX_CHARS) == parsed


@pytest.mark.parametrize("kind", [k for k in ArgKind if k is not ArgKind.SETTING_VALUE])
def test_each_kind_refuses_text_over_its_cap_naming_the_limit(kind: ArgKind) -> None:
    limit = MAX_CHARS[kind]
    with pytest.raises(UserError) as caught:
        parse_value(kind, "a" * (limit + 1), ParseContext())
    assert f"{limit + 1:,} characters is too long; the most is {limit:,}." in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/subscribe cs.CL " + "kw " * 3_000,
         "topic: 9,005 characters is too long; the most is 300."),
        ("/unsubscribe " + "y" * 301, "topic: 301 characters is too long; the most is 300."),
        ("/summarize " + "1" * 201, "id: 201 characters is too long; the most is 200."),
        ("/settings timezone " + "z" * 65, "timezone: 65 characters is too long; the most is 64."),
        ("/settings time " + "1" * 17, "time: 17 characters is too long; the most is 16."),
        ("/settings lang " + "q" * 21, "lang: 21 characters is too long; the most is 20."),
        ("/help " + "h" * 41, "command: 41 characters is too long; the most is 40."),
    ],
)
async def test_over_long_arguments_get_a_reply_naming_them(
    bot: Harness, text: str, expected: str
) -> None:
    reply = await bot.send(text)
    assert reply.is_error and reply.text.startswith(expected), reply.text
    assert bot.store.subscriptions(PRIVATE) == []


def test_topic_spec_at_the_cap_still_parses() -> None:
    spec = "cs.CL " + " ".join(["reasoning"] * 29)  # under 300
    assert len(spec) <= MAX_CHARS[ArgKind.TOPIC_SPEC]
    assert parse_value(ArgKind.TOPIC_SPEC, spec, ParseContext()) is not None
    assert parse_value(ArgKind.ARXIV_ID, "\u200b1706.03762", ParseContext()) == ArxivId(
        "1706.03762"
    )
