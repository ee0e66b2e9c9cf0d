"""The card prompt asks for the reader's language and keeps terms; a topic's glossary goes
into the prompt and into the card's cache key, so changing it re-makes only its cards."""

from __future__ import annotations

from bot.llm import prompts
from bot.models import Topic
from bot.services.cards import CardService
from storage.store import SqliteStore
from tests.fakes.ports import ScriptedLLM, paper

GLOSSARY = (("test-time scaling", "测试时扩展"), ("GRPO", "GRPO"))


def test_the_prompt_asks_for_the_readers_language_and_keeps_terms() -> None:
    system = prompts.card_messages(paper(), "zh")[0]["content"]
    assert "summary, key_takeaways and translations in Simplified Chinese" in system
    for kept in ("model names", "dataset", "metric abbreviations", "code identifiers"):
        assert kept in system
    assert "Glossary" not in system
    assert prompts.PROMPT_VERSION == "card-v3"


def test_the_glossary_goes_into_the_prompt() -> None:
    system = prompts.card_messages(paper(), "zh", GLOSSARY)[0]["content"]
    assert "- test-time scaling → 测试时扩展" in system and "- GRPO → GRPO" in system


def test_the_glossary_is_part_of_the_cache_version() -> None:
    assert prompts.card_version() == prompts.PROMPT_VERSION
    assert prompts.card_version(GLOSSARY) != prompts.PROMPT_VERSION
    assert prompts.card_version(GLOSSARY) == prompts.card_version(tuple(reversed(GLOSSARY)))
    assert prompts.card_version(GLOSSARY[:1]) != prompts.card_version(GLOSSARY)


async def test_changing_a_glossary_remakes_only_that_topics_cards() -> None:
    store = SqliteStore.open(":memory:")
    llm = ScriptedLLM()
    cards = CardService(store, llm)
    plain, glossed = Topic("plain", ("cs.CL",)), Topic("glossed", ("cs.CL",), glossary=GLOSSARY)
    papers = [paper("2411.00001")]
    await cards.cards(papers, "zh", glossary=plain.glossary)
    await cards.cards(papers, "zh", glossary=glossed.glossary)
    assert llm.calls == 2 and llm.glossaries == [(), GLOSSARY]
    changed = (("test-time scaling", "测试时缩放"),)
    await cards.cards(papers, "zh", glossary=plain.glossary)  # cached: no call
    await cards.cards(papers, "zh", glossary=changed)  # the changed topic only
    assert llm.calls == 3 and llm.glossaries[-1] == changed
