"""The no-key fallback: an extractive card made from the abstract's own sentences.

It lets paperbot run (and be tried) without any LLM account. Cards say source="offline"
so renderers can label them; they carry no translations, and /translate refuses politely.
"""

from __future__ import annotations

import re

from bot.config import LLMConfig
from bot.errors import UserError
from bot.languages import normalize_language
from bot.llm.prompts import MAX_TAKEAWAYS, MIN_TAKEAWAYS
from bot.models import CardText, Glossary, Paper

SUMMARY_SENTENCES = 2
SUMMARY_MAX_CHARS = 400
TAKEAWAY_MAX_CHARS = 160

# Words after which a period does not end a sentence: Latin and academic abbreviations.
_ABBREVIATIONS = (
    "e.g", "i.e", "et al", "etc", "cf", "vs", "viz", "approx", "resp", "Fig", "Figs",
    "Eq", "Eqs", "Sec", "Secs", "Ref", "Refs", "Tab", "No", "Dr", "Prof", "Mr", "Ms",
    "St", "al", "ca", "w.r.t", "a.k.a", "incl", "esp",
)
_ABBREV_RE = re.compile(
    r"(?<![\w.])(?:" + "|".join(re.escape(a) for a in _ABBREVIATIONS) + r")\.$", re.IGNORECASE
)
# A sentence ends at . ! ? (optionally followed by a closing quote/bracket) and whitespace,
# when the next sentence starts with an upper-case letter, a digit, a quote or LaTeX.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9\"'(\[$\\])")


def split_sentences(text: str) -> list[str]:
    """Sentences of an abstract, not broken at "e.g.", "et al.", "Fig. 2" or "3.5"."""
    flat = " ".join(text.split())
    if not flat:
        return []
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(flat):
        candidate = flat[start:match.start() + len(match.group(0).rstrip())].strip()
        head = flat[start:match.start()]
        if _ABBREV_RE.search(head):
            continue  # "et al. We", "e.g. BERT"
        sentences.append(candidate)
        start = match.end()
    tail = flat[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def shorten(text: str, limit: int) -> str:
    """Cut at a word boundary and mark the cut, so a takeaway stays one glance long."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;: ")
    return cut + "…"


class OfflineLLM:
    """Implements bot.ports.LLM without a model: no network, no cost, no translations."""

    def __init__(self, config: LLMConfig | None = None) -> None:
        self._config = config or LLMConfig()

    @property
    def model(self) -> str:
        return "offline"

    @property
    def offline(self) -> bool:
        return True

    async def card(self, paper: Paper, language: str, glossary: Glossary = ()) -> CardText:
        return extractive_card(paper, language)

    async def translate(self, text: str, language: str) -> str:
        raise UserError(
            "Translation needs an LLM: set {env} to an API key "
            "(and [llm] base_url / model in the config for other providers).",
            env=self._config.api_key_env,
        )


def extractive_card(paper: Paper, language: str) -> CardText:
    """First one or two sentences as the summary, the others as takeaways.

    Two summary sentences only when enough remain for MIN_TAKEAWAYS; short abstracts give
    their clauses as takeaways, and a very short one gives fewer (never a repeated sentence).
    """
    sentences = split_sentences(paper.abstract)
    count = SUMMARY_SENTENCES if len(sentences) >= SUMMARY_SENTENCES + MIN_TAKEAWAYS else 1
    summary = shorten(" ".join(sentences[:count]), SUMMARY_MAX_CHARS) or paper.title
    rest = sentences[count:]
    if len(rest) < MIN_TAKEAWAYS:
        rest = _clauses(rest)
    takeaways = tuple(shorten(s, TAKEAWAY_MAX_CHARS) for s in rest[:MAX_TAKEAWAYS])
    return CardText(
        summary=summary,
        key_takeaways=takeaways,
        title_translation=None,
        abstract_translation=None,
        source="offline",
        language=normalize_language(language),
        model="offline",
        tldr=shorten(sentences[0], TAKEAWAY_MAX_CHARS) if sentences else paper.title,
    )


def _clauses(sentences: list[str]) -> list[str]:
    """A short abstract still gets several takeaways: split sentences at ; and :."""
    parts = [p.strip() for s in sentences for p in re.split(r"[;:]\s+", s)]
    return [p[0].upper() + p[1:] for p in parts if len(p) > 3]
