"""The offline fallback: extractive cards from real arXiv abstracts, and a polite refusal."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest

from bot.config import LLMConfig
from bot.errors import UserError
from bot.llm.fallback import OfflineLLM, shorten, split_sentences
from bot.llm.prompts import MAX_TAKEAWAYS, MIN_TAKEAWAYS
from bot.models import Paper


def paper(abstract: str, title: str = "T") -> Paper:
    return Paper(id="2502.11190", version=1, title=title, authors=("A",), abstract=abstract,
                 categories=("cs.CL",), primary_category="cs.CL")


def real_abstracts(samples: Path) -> list[str]:
    out = []
    for path in sorted((samples / "api").glob("*.xml")):
        out += [e.summary for e in feedparser.parse(path).entries if e.get("summary")]
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We use LLMs, e.g. GPT-4. It works.", ["We use LLMs, e.g. GPT-4.", "It works."]),
        ("Following Vaswani et al. We extend it. Done.",
         ["Following Vaswani et al. We extend it.", "Done."]),
        ("Accuracy rises by 3.5 points. See Fig. 2 and Eq. 3 for details.",
         ["Accuracy rises by 3.5 points.", "See Fig. 2 and Eq. 3 for details."]),
        ("It saturates at T=0.5 K. The origin is found.",
         ["It saturates at T=0.5 K.", "The origin is found."]),
        ("Is it real? Yes! We show $x=1$. $N$ grows.",
         ["Is it real?", "Yes!", "We show $x=1$.", "$N$ grows."]),
        ("i.e. lowercase after a period. does not split", ["i.e. lowercase after a period. "
                                                           "does not split"]),
        ("  ", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_shorten_cuts_at_a_word_and_marks_the_cut() -> None:
    assert shorten("short", 10) == "short"
    cut = shorten("alpha beta gamma delta", 12)
    assert cut == "alpha beta…" and len(cut) <= 12


async def test_long_abstract_gives_two_sentence_summary_and_other_sentences() -> None:
    sentences = [f"Sentence number {i} says something." for i in range(1, 10)]
    card = await OfflineLLM().card(paper(" ".join(sentences)), "zh")
    assert card.summary == "Sentence number 1 says something. Sentence number 2 says something."
    assert card.key_takeaways == tuple(sentences[2:2 + MAX_TAKEAWAYS])
    assert (card.source, card.model, card.language) == ("offline", "offline", "zh")
    assert card.title_translation is None and card.abstract_translation is None


async def test_short_abstract_uses_one_summary_sentence_and_clauses() -> None:
    text = "We propose X. It is fast; it is small: it is open. It beats Y."
    card = await OfflineLLM().card(paper(text), "en")
    assert card.summary == "We propose X."
    assert card.key_takeaways == ("It is fast", "It is small", "It is open.", "It beats Y.")


async def test_every_real_abstract_gives_a_sensible_card(samples: Path) -> None:
    abstracts = real_abstracts(samples)
    assert len(abstracts) > 300
    llm = OfflineLLM()
    enough = 0
    for abstract in abstracts:
        card = await llm.card(paper(abstract), "zh")
        assert card.summary and len(card.summary) <= 400
        assert card.summary not in card.key_takeaways
        assert len(card.key_takeaways) <= MAX_TAKEAWAYS
        for item in card.key_takeaways:
            assert len(item) <= 160 and "\n" not in item
            assert not item.endswith(("e.g.", "et al.", "i.e."))
        enough += len(card.key_takeaways) >= MIN_TAKEAWAYS
    assert enough / len(abstracts) > 0.8  # only short abstracts give fewer


async def test_translate_refuses_naming_the_configured_key() -> None:
    llm = OfflineLLM(LLMConfig(api_key_env="DEEPSEEK_API_KEY"))
    assert llm.offline and llm.model == "offline"
    with pytest.raises(UserError, match="Translation needs an LLM: set DEEPSEEK_API_KEY"):
        await llm.translate("hello", "zh")
