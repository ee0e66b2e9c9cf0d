"""Prompts for deep cards (issue 15): a paper's full text, section by section, in; problem,
method, results, limitations and takeaways that each name their section, out.

A paper within the token budget is one request (`deep_messages`). A longer one is a map
(`notes_messages`, one per part: the facts of those sections, each under its label) and a
reduce (`deep_messages` over the notes). Sections appear as "=== §4.2 Results ===" blocks,
so the model can name them and the parser can check the names.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.fulltext.budget import section_block
from bot.fulltext.models import Section, TextSource
from bot.languages import language_name, normalize_language
from bot.models import Paper

DEEP_PROMPT_VERSION = "deep-v1"
"""Part of every deep card's cache key: bump it whenever these prompts change meaning."""

MIN_TAKEAWAYS = 5
MAX_TAKEAWAYS = 7

Message = dict[str, str]

DEEP_MARKER = "DEEP SUMMARY"
NOTES_MARKER = "SECTION NOTES"

_DEEP_SYSTEM = (
    DEEP_MARKER + ": you write a deep summary of an arXiv paper for researchers deciding "
    "whether to read it, from its text below (the full text, or notes taken from it, or "
    "only its abstract when that is all there is). Reply with ONE JSON object only, no "
    "markdown, with keys:\n"
    '"problem": 1-2 sentences: the question the paper answers;\n'
    '"method": one paragraph: how it answers it;\n'
    '"results": the main results with the numbers the paper reports (metric, dataset, '
    "baseline);\n"
    '"limitations": what the paper admits it does not do or show ("" if it says nothing);\n'
    '"takeaways": {min}-{max} objects {{"text": a short point, "section": the label of the '
    'section it comes from exactly as written in the input, e.g. "§4.2 Results"}}.\n'
    "Write every value in {lang}. Keep model, dataset and metric names, LaTeX ($...$) and "
    "numbers exactly as written. Use only what the text says; never invent a number or a "
    "section."
)
_NOTES_SYSTEM = (
    NOTES_MARKER + ": you take notes on part of an arXiv paper for a later summary. Reply "
    'with ONE JSON object only: {{"notes": [{{"section": the label exactly as written, '
    'e.g. "§4.2 Results", "points": up to 6 short English strings}}]}}, one entry per '
    "section that says something that matters: the problem, the method, results with their "
    "numbers, limitations. Never invent anything."
)

_SOURCE_LINES: dict[TextSource, str] = {
    "html": "Text: the paper's full text (arXiv HTML), section by section",
    "pdf": "Text: the paper's full text (extracted from its PDF), section by section",
    "abstract": "Text: only the abstract (the full text could not be read); use the section "
    '"Abstract" for every takeaway',
}


def _head(paper: Paper, language: str | None = None) -> list[str]:
    lines = []
    if language is not None:
        code = normalize_language(language)
        lines.append(f"Target language: {language_name(code)} ({code})")
    lines.append(f"Title: {' '.join(paper.title.split())}")
    lines.append(f"Abstract: {' '.join(paper.abstract.split())}")
    return lines


def deep_messages(
    paper: Paper, language: str, source: TextSource, sections: Sequence[Section]
) -> list[Message]:
    """One request for the deep card, over the paper's sections (or the notes on them)."""
    lang = language_name(normalize_language(language))
    system = _DEEP_SYSTEM.format(lang=lang, min=MIN_TAKEAWAYS, max=MAX_TAKEAWAYS)
    lines = [*_head(paper, language), _SOURCE_LINES[source]]
    lines += [section_block(s) for s in sections]
    return [{"role": "system", "content": system}, {"role": "user", "content": "\n".join(lines)}]


def notes_messages(paper: Paper, part: Sequence[Section]) -> list[Message]:
    """The map step: notes on one part's sections (in English: the reduce translates)."""
    lines = [*_head(paper), "Text: part of the paper's full text, section by section"]
    lines += [section_block(s) for s in part]
    return [{"role": "system", "content": _NOTES_SYSTEM.format()},
            {"role": "user", "content": "\n".join(lines)}]


def notes_as_sections(notes: Sequence[tuple[str, Sequence[str]]]) -> tuple[Section, ...]:
    """The map's notes as sections for the reduce, keeping each section's label as title."""
    return tuple(Section("", label, " ".join(f"- {p}" for p in points))
                 for label, points in notes if points)
