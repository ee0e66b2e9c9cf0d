"""The router and handlers with the real SQLite store and in-memory arXiv/LLM ports."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

import pytest

from bot.arxiv.categories import CATEGORIES
from bot.commands.arguments import parse_args
from bot.commands.context import Core
from bot.commands.kinds import PARSERS, ParseContext, Setting, TopicChoice
from bot.commands.parsing import split_words
from bot.commands.router import Router, crash_reply
from bot.commands.specs import BY_NAME, COMMANDS, ArgKind
from bot.commands.wiring import make_completer, make_router
from bot.config import Config
from bot.errors import UserError
from bot.i18n import interface_language, language_display
from bot.models import ArxivId, ChatRef, IncomingCommand, Paper, Reply, Topic
from bot.services.cards import CardService
from bot.services.digests import DigestService
from bot.services.papers import PaperService
from bot.services.translations import MAX_TRANSLATE_CHARS, TranslationService
from storage.store import SqliteStore
from tests.fakes.ports import FixedClock, ScriptedLLM, StaticSource, paper

PRIVATE = ChatRef("telegram", "42", is_private=True)
GROUP = ChatRef("telegram", "-100", is_private=False)


class Harness:
    def __init__(self, limit: int = 30, **budgets: int) -> None:
        config = Config()  # equal to config.example.toml (tests/test_config.py)
        bot = config.bot.model_copy(update={"daily_llm_requests_per_user": limit, **budgets})
        config = config.model_copy(update={"bot": bot})
        self.store = SqliteStore.open(":memory:")
        self.source = StaticSource(
            known={
                "1706.03762": paper("1706.03762", title="Attention Is All You Need"),
                "2108.04458": paper(
                    "2108.04458", version=2, comment="This paper has been withdrawn by the author"
                ),
            },
            listed=[
                paper("2411.00001"),
                paper("2411.00002", title="Chain of thought reasoning"),
                paper("2411.00003", categories=("math.CO",), primary_category="math.CO"),
            ],
        )
        self.llm = ScriptedLLM()
        cards = CardService(self.store, self.llm)
        clock = FixedClock()
        self.core = Core(
            config=config,
            store=self.store,
            clock=clock,
            papers=PaperService(self.store, self.source),
            cards=cards,
            translations=TranslationService(self.store, self.llm),
            digests=DigestService(self.store, self.source, cards, clock),
            ranking=self.store,
        )
        self.router: Router = make_router(self.core)

    async def send(
        self,
        text: str,
        chat: ChatRef = PRIVATE,
        user: str = "7",
        admin: bool = True,
        replied: str | None = None,
        locale: str | None = "en",  # an English client: replies in English unless set
        options: dict[str, str] | None = None,
        metered: bool = True,
    ) -> Reply:
        """Telegram-style text, or Discord-style named options when `options` is given."""
        name, _, args = text.lstrip("/").partition(" ")
        return await self.router.handle(
            IncomingCommand(
                name, args, chat, user, user_is_admin=admin, replied_text=replied,
                locale=locale, metered=metered,
                options=tuple(options.items()) if options is not None else None,
            )
        )


@pytest.fixture
def bot() -> Iterator[Harness]:
    harness = Harness()
    yield harness
    harness.store.close()


async def test_summarize_returns_full_card_and_caches(bot: Harness) -> None:
    reply = await bot.send("/summarize https://arxiv.org/abs/1706.03762v1 en")
    assert not reply.is_error and len(reply.cards) == 1
    card = reply.cards[0]
    assert card.paper.title == "Attention Is All You Need"
    assert card.text.source == "llm" and card.text.language == "en"
    assert card.links.papers_cool == "https://papers.cool/arxiv/1706.03762"
    again = await bot.send("/summarize arXiv:1706.03762 en")
    assert again.cards[0].text == card.text
    assert bot.llm.calls == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/summarize abc", "is not an arXiv id"),
        ("/summarize", "Usage: /summarize <id> [full] [lang]"),
        ("/summarize 1706.03762 xx-yy", "lang: 'xx-yy' is not a language I know."),
        ("/summarize 2501.99999", "arXiv has no paper 2501.99999"),
        ("/summarize 2108.04458", "withdrawn"),
        ("/summarise 1706.03762", "Did you mean /summarize?"),
        ("/translate " + "x" * 5000, "text: 5,000 characters is too long; the most is 4,000."),
        ("/translate", "What should I translate?"),
        ("/settings time 25:00", "HH:MM"),
        ("/settings timezone Asia/Shangai", "Asia/Shanghai"),
        ("/subscribe cs.XYZ", "Unknown arXiv category"),
        ("/unsubscribe nothing", "Not subscribed to nothing"),
    ],
)
async def test_bad_input_gets_one_clear_line(bot: Harness, text: str, expected: str) -> None:
    reply = await bot.send(text)
    assert reply.is_error
    assert expected in reply.text
    assert "Traceback" not in reply.text
    assert bot.store.subscriptions(PRIVATE) == []


async def test_translate_reply_and_paper(bot: Harness) -> None:
    reply = await bot.send("/translate ja", replied="Hello there")
    assert reply.text.endswith("[ja] Hello there")
    paper_reply = await bot.send("/translate 1706.03762 zh")
    assert "[zh] Attention Is All You Need" in paper_reply.text


async def test_subscriptions_need_admin_in_groups(bot: Harness) -> None:
    refused = await bot.send("/subscribe R1_Reasoning", chat=GROUP, admin=False)
    assert refused.is_error and "admins" in refused.text
    assert bot.store.subscriptions(GROUP) == []
    accepted = await bot.send("/subscribe R1_Reasoning", chat=GROUP, admin=True)
    assert not accepted.is_error
    assert [s.topic.name for s in bot.store.subscriptions(GROUP)] == ["R1_Reasoning"]
    listed = await bot.send("/subscriptions", chat=GROUP, admin=False)
    assert "R1_Reasoning" in listed.text


async def test_subscription_limit(bot: Harness) -> None:
    for cat in [
        "cs.CL",
        "cs.AI",
        "cs.LG",
        "cs.CV",
        "cs.RO",
        "cs.IR",
        "cs.NE",
        "cs.SE",
        "cs.DS",
        "cs.DB",
        "cs.CR",
        "cs.HC",
        "cs.MA",
        "cs.SD",
        "cs.CY",
        "cs.GT",
        "cs.IT",
        "cs.LO",
        "cs.PL",
        "cs.SY",
    ]:
        assert not (await bot.send(f"/subscribe {cat}")).is_error
    reply = await bot.send("/subscribe math.CO")
    assert reply.is_error and "20 subscriptions" in reply.text
    assert len(bot.store.subscriptions(PRIVATE)) == 20


async def test_digest_shows_each_matching_paper_once(bot: Harness) -> None:
    await bot.send("/subscribe cs.CL reasoning")
    await bot.send("/subscribe cs.AI")
    reply = await bot.send("/digest")
    ids = [c.paper.id for d in reply.digests for c in d.cards]
    assert sorted(ids) == ["2411.00001", "2411.00002"]
    assert len(ids) == len(set(ids))


async def test_failed_card_keeps_the_paper(bot: Harness) -> None:
    bot.llm.fail_ids.add("2411.00001")
    await bot.send("/subscribe cs.AI")
    reply = await bot.send("/digest")
    sources = {c.paper.id: c.text.source for c in reply.digests[0].cards}
    assert sources == {"2411.00001": "unavailable", "2411.00002": "llm"}


async def test_cost_guard_counts_only_new_llm_work() -> None:
    bot = Harness(limit=1)
    assert not (await bot.send("/summarize 1706.03762")).is_error
    assert not (await bot.send("/summarize 1706.03762")).is_error  # cached: free
    refused = await bot.send("/translate some new text")
    assert refused.is_error and "resets at 00:00 UTC" in refused.text
    other_user = await bot.send("/translate some new text", user="8")
    assert not other_user.is_error
    bot.store.close()


# --- budgets: per user and per chat, /digest included, checked before arXiv or the LLM ----


async def test_digest_is_charged_for_the_cards_it_generates() -> None:
    bot = Harness(limit=1)
    await bot.send("/subscribe cs.AI")  # two papers match: two new cards
    refused = await bot.send("/digest")
    assert refused.is_error
    assert refused.text.startswith(
        "This needs 2 new summaries and translations, and you have 1 of today's 1 left."
    )
    assert "resets at 00:00 UTC" in refused.text
    assert bot.llm.calls == 0
    bot.store.close()


async def test_a_chat_budget_holds_whoever_asks() -> None:
    bot = Harness(limit=30, daily_llm_requests_per_chat=2)
    assert not (await bot.send("/translate one", chat=GROUP, user="1")).is_error
    assert not (await bot.send("/translate two", chat=GROUP, user="2")).is_error
    refused = await bot.send("/translate three", chat=GROUP, user="3")
    assert refused.is_error
    assert refused.text.startswith("This chat has used today's 2 new summaries and translations.")
    assert not (await bot.send("/translate three", user="3")).is_error  # their own chat
    assert not (await bot.send("/translate one", chat=GROUP, user="3")).is_error  # cached
    assert bot.llm.calls == 3
    bot.store.close()


async def test_a_channel_digest_is_charged_to_the_channel() -> None:
    bot = Harness(limit=30, daily_llm_requests_per_chat=1)
    await bot.send("/subscribe cs.AI", chat=GROUP)
    refused = await bot.send("/digest", chat=GROUP, user="5")
    assert refused.is_error and "this chat has 1 of today's 1 left" in refused.text
    assert bot.llm.calls == 0
    bot.store.close()


async def test_nothing_is_fetched_when_the_budget_is_spent() -> None:
    bot = Harness(limit=0)
    refused = await bot.send("/summarize 1706.03762")
    assert refused.is_error and "You have used today's 0 new summaries" in refused.text
    await bot.send("/subscribe cs.AI")
    assert (await bot.send("/digest")).is_error
    assert bot.source.calls == [] and bot.llm.calls == 0
    bot.store.close()


async def test_arxiv_lookups_are_charged_before_they_are_made() -> None:
    bot = Harness(daily_arxiv_lookups_per_user=1)
    assert not (await bot.send("/summarize 1706.03762")).is_error
    assert bot.source.calls == ["lookup"]
    refused = await bot.send("/summarize 2501.99999")
    assert refused.is_error
    assert refused.text.startswith("You have used today's 1 arXiv lookups.")
    assert bot.source.calls == ["lookup"]  # refused before asking arXiv
    assert not (await bot.send("/summarize 1706.03762")).is_error  # stored and cached: free
    other = await bot.send("/summarize 2501.99999", user="8")  # their own budget
    assert other.is_error and other.text.startswith("arXiv has no paper 2501.99999")
    assert bot.source.calls == ["lookup", "lookup"]
    bot.store.close()


async def test_a_listing_only_paper_is_asked_for_again_before_its_summary(bot: Harness) -> None:
    bot.store.upsert_papers([paper("2411.00009", comment=None)])  # as RSS gives it: no dates
    bot.source.known["2411.00009"] = paper(
        "2411.00009", comment="9 pages", published=datetime(2026, 11, 19, tzinfo=UTC)
    )
    card = (await bot.send("/summarize 2411.00009")).cards[0]
    assert card.paper.comment == "9 pages" and bot.source.calls == ["lookup"]
    assert not (await bot.send("/summarize 2411.00009")).is_error  # complete and cached now
    assert bot.source.calls == ["lookup"]


class _SlowSource(StaticSource):
    """arXiv taking its time, so concurrent commands interleave while they wait."""

    async def lookup(self, requester: str, ids: Sequence[ArxivId]) -> dict[str, Paper]:
        await asyncio.sleep(0.01)
        return await super().lookup(requester, ids)


async def test_a_concurrent_flood_cannot_overspend() -> None:
    bot = Harness(limit=3)
    flood = [paper(f"2501.{n:05d}") for n in range(1, 21)]
    slow = _SlowSource(known={p.id: p for p in flood})
    bot.core.papers = PaperService(bot.store, slow)
    replies = await asyncio.gather(*(bot.send(f"/summarize {p.id}") for p in flood))
    assert sum(not r.is_error for r in replies) == 3
    assert slow.calls.count("lookup") == 3  # the other 17 never reached arXiv
    assert bot.llm.calls == 3
    bot.store.close()


async def test_digest_reads_the_stored_announcement() -> None:
    bot = Harness()
    await bot.send("/subscribe cs.AI")
    first = await bot.send("/digest")  # nothing stored yet: one fetch
    again = await bot.send("/digest")
    assert not first.is_error and not again.is_error
    assert [c.paper.id for c in again.digests[0].cards] == ["2411.00001", "2411.00002"]
    assert bot.source.calls.count("listing") == 1
    assert bot.llm.calls == 2  # the second digest was all cached, and free
    bot.store.close()


async def test_unexpected_errors_get_a_reference(bot: Harness, caplog) -> None:
    async def boom(*_args: object) -> object:
        raise RuntimeError("secret internals")

    bot.core.papers.get = boom  # type: ignore[method-assign]
    reply = await bot.send("/summarize 1706.03762")
    assert reply.is_error and reply.text.startswith("Something went wrong (ref ")
    assert "secret internals" not in reply.text
    ref = reply.text.split("ref ")[1].split(")")[0]
    assert any(ref in r.getMessage() for r in caplog.records)


def test_completer_offers_topics_and_languages(bot: Harness) -> None:
    complete = make_completer(bot.core)
    assert complete("language", "z", PRIVATE)[:2] == ["zh", "zh-tw"]
    assert "R1_Reasoning" in complete("topic", "r1", PRIVATE)
    assert complete("topic", "cs.c", PRIVATE)[:2] == ["cs.CC", "cs.CE"]


async def test_named_options_are_not_reparsed(bot: Harness) -> None:
    """Discord gives text and lang separately: text ending in a language code stays text."""
    cmd = IncomingCommand(
        "translate", "Bonjour de", PRIVATE, "7", options=(("text", "Bonjour de"),)
    )
    reply = await bot.router.handle(cmd)
    assert reply.text.endswith("[zh] Bonjour de")
    both = IncomingCommand(
        "translate", "Bonjour de en", PRIVATE, "7", options=(("text", "Bonjour de"), ("lang", "en"))
    )
    assert (await bot.router.handle(both)).text.endswith("[en] Bonjour de")


async def test_a_chat_that_writes_again_is_no_longer_gone(bot: Harness) -> None:
    now = bot.core.clock.now()
    assert bot.store.mark_chat_gone(PRIVATE, "bot was blocked by the user", now)
    assert bot.store.chat_gone(PRIVATE)
    await bot.send("/help")
    assert bot.store.chat_gone(PRIVATE) is None


# --- argument kinds: one parser each -------------------------------------------------------

CTX = ParseContext(
    topics=(Topic("R1_Reasoning", ("cs.CL", "cs.AI"), ("reasoning",)),),
    default_categories=("cs.CL",),
)


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        (ArgKind.ARXIV_ID, "https://arxiv.org/abs/1706.03762v5", ArxivId("1706.03762", 5)),
        (ArgKind.PAPER_OR_TEXT, "arXiv:1706.03762", ArxivId("1706.03762")),
        (ArgKind.PAPER_OR_TEXT, "1706.03762 is a paper", "1706.03762 is a paper"),
        (ArgKind.LANGUAGE, "zh_CN", "zh"),
        (ArgKind.TIME, "8:30", "08:30"),
        (ArgKind.TIMEZONE, '"New York"', "America/New_York"),
        (ArgKind.SETTING, "tz", Setting.TIMEZONE),
        (ArgKind.SETTING, "Language", Setting.LANGUAGE),
        (ArgKind.COMMAND, "/Summarize", BY_NAME["summarize"]),
    ],
)
def test_each_kind_parses_to_a_typed_value(kind: ArgKind, text: str, value: object) -> None:
    assert PARSERS[kind](text, CTX) == value


def test_topic_kinds_use_the_configured_topics() -> None:
    assert PARSERS[ArgKind.TOPIC_SPEC]("r1_reasoning", CTX) is CTX.topics[0]
    spec = PARSERS[ArgKind.TOPIC_SPEC]('cs.AI “chain of thought”', CTX)
    assert spec == Topic("cs.AI: chain of thought", ("cs.AI",), ("chain of thought",))
    choice = PARSERS[ArgKind.SUBSCRIBED_TOPIC]("reasoning cs.AI", CTX)
    assert isinstance(choice, TopicChoice) and choice.parsed is not None
    assert choice.parsed.name == "cs.AI: reasoning" and not choice.everything
    everything = PARSERS[ArgKind.SUBSCRIBED_TOPIC]('"All"', CTX)
    assert isinstance(everything, TopicChoice) and everything.everything


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        (ArgKind.ARXIV_ID, "abc", "'abc' is not an arXiv id."),
        (ArgKind.LANGUAGE, "xx", "'xx' is not a language I know."),
        (ArgKind.TIME, "9am", "'9am' is not a time."),
        (ArgKind.TIMEZONE, "Mars/Olympus", "Unknown time zone 'Mars/Olympus'."),
        (ArgKind.TOPIC_SPEC, "cs.XYZ", "Unknown arXiv category 'cs.XYZ'."),
        (ArgKind.SETTING, "colour", "Unknown setting 'colour'."),
        (ArgKind.COMMAND, "nope", "There is no command /nope."),
    ],
)
def test_each_kind_says_what_is_wrong(kind: ArgKind, text: str, message: str) -> None:
    with pytest.raises(UserError) as caught:
        PARSERS[kind](text, CTX)
    assert caught.value.message == message


def test_every_kind_but_the_dependent_one_has_a_parser() -> None:
    assert set(ArgKind) - set(PARSERS) == {ArgKind.SETTING_VALUE}
    assert all(a.kind in ArgKind for c in COMMANDS for a in c.args)


def test_words_split_like_a_shell_with_curly_quotes() -> None:
    words = split_words('cs.CL “chain of thought” don\'t -"a b"')
    assert [w.value for w in words] == ["cs.CL", "chain of thought", "don't", "-a b"]


# --- errors name the argument and show the usage -------------------------------------------

@pytest.mark.parametrize(
    ("text", "starts", "usage"),
    [
        ("/summarize 1706.03762 xx", "lang: 'xx' is not a language I know.", "/summarize"),
        ("/summarize abc", "id: 'abc' is not an arXiv id.", "/summarize"),
        ("/summarize", "id: Which paper?", "/summarize"),
        ("/summarize 1706.03762 en more", "Too many arguments: 'more'.", "/summarize"),
        ("/translate", "text: What should I translate?", "/translate"),
        ("/settings time 25:00", "time: '25:00' is not a time of day.", "/settings"),
        ("/settings timezone Asia/Shangai", "timezone: Unknown time zone", "/settings"),
        ("/settings lang xx", "lang: 'xx' is not a language I know.", "/settings"),
        ("/settings colour red", "setting: Unknown setting 'colour'.", "/settings"),
        ("/settings time", "time: Give a value, e.g. /settings time 08:30.", "/settings"),
        ("/subscribe", "topic: Which topic?", "/subscribe"),
        ("/subscribe cs.XYZ", "topic: Unknown arXiv category 'cs.XYZ'.", "/subscribe"),
        ('/subscribe cs.CL "chain of', "topic: A quote is not closed.", "/subscribe"),
        ("/unsubscribe", "topic: Which topic?", "/unsubscribe"),
        ("/help nope", "command: There is no command /nope.", "/help"),
    ],
)
async def test_errors_name_the_argument_and_show_the_usage(
    bot: Harness, text: str, starts: str, usage: str
) -> None:
    reply = await bot.send(text)
    assert reply.is_error and reply.text.startswith(starts), reply.text
    assert reply.text.endswith(f"Usage: {BY_NAME[usage.lstrip('/')].usage}")


# --- one set of typed values from either platform ------------------------------------------

@pytest.mark.parametrize(
    ("name", "text", "options"),
    [
        ("summarize", "arXiv:1706.03762 ja", {"id": "1706.03762", "lang": "ja"}),
        ("translate", "Hello, world! de", {"text": "Hello, world!", "lang": "de"}),
        ("translate", "don't stop", {"text": "don't stop"}),
        ("subscribe", 'cs.CL reasoning “chain of thought”',
         {"topic": 'cs.CL reasoning "chain of thought"'}),
        ("subscribe", "R1_Reasoning", {"topic": "R1_Reasoning"}),
        ("unsubscribe", '"cs.CL: reasoning"', {"topic": "cs.CL: reasoning"}),
        ("settings", "timezone New York", {"setting": "timezone", "value": "New York"}),
        ("settings", "time 8:30", {"setting": "time", "value": "08:30"}),
        ("settings", "language EN", {"setting": "lang", "value": "en"}),
        ("settings", "", {}),
        ("help", "/summarize", {"command": "summarize"}),
    ],
)
def test_telegram_text_and_discord_options_give_the_same_values(
    name: str, text: str, options: dict[str, str]
) -> None:
    typed = IncomingCommand(name, text, PRIVATE, "7")
    named = IncomingCommand(name, "", PRIVATE, "7", options=tuple(options.items()))
    from_text = parse_args(BY_NAME[name], typed, CTX)
    assert from_text == parse_args(BY_NAME[name], named, CTX)
    assert len(from_text) == len(options)


def test_discord_options_are_never_guessed_from_text() -> None:
    """Text ending in a language code stays text when it came as a named option."""
    named = IncomingCommand("translate", "", PRIVATE, "7", options=(("text", "Bonjour de"),))
    assert dict(parse_args(BY_NAME["translate"], named, CTX)) == {"text": "Bonjour de"}
    typed = IncomingCommand("translate", "Bonjour de", PRIVATE, "7")
    assert dict(parse_args(BY_NAME["translate"], typed, CTX)) == {"text": "Bonjour", "lang": "de"}
    unknown = IncomingCommand("summarize", "", PRIVATE, "7", options=(("paper", "1706.03762"),))
    with pytest.raises(UserError, match="Unknown option paper"):
        parse_args(BY_NAME["summarize"], unknown, CTX)


def test_a_reply_stands_in_for_the_id_or_the_text() -> None:
    cmd = IncomingCommand("summarize", "zh", PRIVATE, "7", replied_text="in arXiv:1706.03762")
    assert dict(parse_args(BY_NAME["summarize"], cmd, CTX)) == {
        "id": ArxivId("1706.03762"), "lang": "zh"
    }
    reply_lang = IncomingCommand("translate", "ja", PRIVATE, "7", replied_text="Hello there")
    assert dict(parse_args(BY_NAME["translate"], reply_lang, CTX)) == {
        "text": "Hello there", "lang": "ja"
    }
    no_reply = IncomingCommand("translate", "ja", PRIVATE, "7")
    with pytest.raises(UserError, match="What should I translate"):
        parse_args(BY_NAME["translate"], no_reply, CTX)  # not the word "ja" translated


async def test_settings_two_argument_forms(bot: Harness) -> None:
    said = await bot.send("/settings time 08:30")
    assert said.text.startswith("Daily digest time set to 08:30")
    assert (await bot.send("/settings lang en")).text == "Language set to English."
    said = await bot.send("/settings", options={"setting": "timezone", "value": "Asia/Shanghai"})
    assert said.text.startswith("Time zone set to Asia/Shanghai; digest at 08:30.")
    stored = bot.store.get_settings(PRIVATE)
    assert stored is not None
    assert (stored.language, stored.delivery_time, stored.timezone) == (
        "en", "08:30", "Asia/Shanghai"
    )


async def test_unsubscribe_by_the_spec_typed_again(bot: Harness) -> None:
    await bot.send('/subscribe cs.CL reasoning "chain of thought"')
    reply = await bot.send('/unsubscribe "chain of thought" reasoning cs.cl')
    assert reply.text == "Unsubscribed from cs.CL: chain of thought, reasoning."
    assert bot.store.subscriptions(PRIVATE) == []


# --- bugs ----------------------------------------------------------------------------------

@pytest.mark.parametrize("archive", ["astro-ph", "math", "physics", "cs"])
async def test_a_bare_archive_subscribes_to_all_its_categories(
    bot: Harness, archive: str
) -> None:
    reply = await bot.send(f"/subscribe {archive}")
    assert not reply.is_error, reply.text
    [sub] = bot.store.subscriptions(PRIVATE)
    assert sub.topic.name == archive and sub.topic.keywords == ()
    assert set(sub.topic.categories) == {c for c in CATEGORIES if c.startswith(f"{archive}.")}


@pytest.mark.parametrize(
    ("locale", "language"),
    [("zh-hans", "zh"), ("pt-BR", "pt"), ("zh-TW", "zh-tw"), ("sv-SE", None), (None, None)],
)
async def test_a_new_chat_starts_in_the_users_language(
    bot: Harness, locale: str | None, language: str | None
) -> None:
    expected = language or bot.core.config.bot.language
    reply = await bot.send("/subscribe cs.CL", locale=locale)
    # Said in the chat's new language, naming it in that language (CLDR: 中文 (简体)).
    assert language_display(expected, expected) in reply.text
    assert ("Subscribed to" in reply.text) == (interface_language(expected) == "en")
    stored = bot.store.get_settings(PRIVATE)
    assert stored is not None and stored.language == expected


async def test_a_stored_language_wins_over_the_locale(bot: Harness) -> None:
    await bot.send("/settings lang de", locale="ja")
    await bot.send("/summarize 1706.03762", locale="ja")
    card = (await bot.send("/summarize 1706.03762", locale="fr")).cards[0]
    assert card.text.language == "de"


async def test_summarize_in_a_new_chat_uses_the_locale(bot: Harness) -> None:
    reply = await bot.send("/summarize 1706.03762", locale="ja-JP")
    assert reply.cards[0].text.language == "ja"


async def test_translate_limit_is_one_value_with_a_clear_reply(bot: Harness) -> None:
    assert MAX_TRANSLATE_CHARS == 4000
    fits = await bot.send("/translate " + "y" * 4000 + " en")
    assert not fits.is_error and fits.text.endswith("y" * 4000)
    for too_long in (
        await bot.send("/translate " + "x" * 4001),
        await bot.send("/translate en", replied="z" * 4001),
    ):
        assert too_long.is_error
        assert too_long.text.startswith("text: 4,001 characters is too long; the most is 4,000.")
    assert bot.llm.calls == 1


async def test_only_unmetered_commands_skip_the_daily_limit() -> None:
    bot = Harness(limit=1)
    console = ChatRef("console", "cli")
    assert not (await bot.send("/translate one", chat=console)).is_error
    refused = await bot.send("/translate two", chat=console)
    assert refused.is_error and "resets at 00:00 UTC" in refused.text
    for text in ("/translate three", "/translate four"):
        assert not (await bot.send(text, chat=console, user="op", metered=False)).is_error
    bot.store.close()


def test_crash_reply_gives_a_fresh_ref_in_its_text() -> None:
    refs = {crash_reply()[0] for _ in range(20)}
    assert len(refs) > 1 and all(re.fullmatch(r"[0-9a-f]{4}", r) for r in refs)
    ref, reply = crash_reply()
    assert reply.text == f"Something went wrong (ref {ref}). Please try again later."
    assert reply.is_error and reply.ephemeral
