"""The router and handlers with the real SQLite store and in-memory arXiv/LLM ports."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.commands.context import Core
from bot.commands.router import Router
from bot.commands.wiring import make_completer, make_router
from bot.config import Config
from bot.models import ChatRef, IncomingCommand, Reply
from bot.services.cards import CardService
from bot.services.digests import DigestService
from bot.services.papers import PaperService
from bot.services.translations import TranslationService
from storage.store import SqliteStore
from tests.fakes.ports import FixedClock, ScriptedLLM, StaticSource, paper

PRIVATE = ChatRef("telegram", "42", is_private=True)
GROUP = ChatRef("telegram", "-100", is_private=False)


class Harness:
    def __init__(self, limit: int = 30) -> None:
        config = Config()  # equal to config.example.toml (tests/test_config.py)
        bot = config.bot.model_copy(update={"daily_llm_requests_per_user": limit})
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
        )
        self.router: Router = make_router(self.core)

    async def send(
        self,
        text: str,
        chat: ChatRef = PRIVATE,
        user: str = "7",
        admin: bool = True,
        replied: str | None = None,
    ) -> Reply:
        name, _, args = text.lstrip("/").partition(" ")
        return await self.router.handle(
            IncomingCommand(name, args, chat, user, user_is_admin=admin, replied_text=replied)
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
        ("/summarize", "Usage: /summarize <id> [lang]"),
        ("/summarize 1706.03762 xx-yy", "Unknown language code"),
        ("/summarize 2501.99999", "arXiv has no paper 2501.99999"),
        ("/summarize 2108.04458", "withdrawn"),
        ("/summarise 1706.03762", "Did you mean /summarize?"),
        ("/translate " + "x" * 5000, "/translate takes up to 4,000"),
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


async def test_unexpected_errors_get_a_reference(bot: Harness, caplog) -> None:
    async def boom(*_args: object) -> object:
        raise RuntimeError("secret internals")

    bot.core.papers.get = boom  # type: ignore[method-assign]
    reply = await bot.send("/summarize 1706.03762")
    assert reply.is_error and reply.text.startswith("Something went wrong (ref ")
    assert "secret internals" not in reply.text
    ref = reply.text.split("ref ")[1].rstrip(").")
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
