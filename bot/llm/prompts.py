"""Prompt templates for paper cards and free-text translation.

Prompts are compact on purpose: a digest of 50 papers makes 50 calls, so every system-prompt
token is paid 50 times. Only the title, author count, comment and abstract are sent.

English target: the card asks for no translations (they would repeat the original) and the
parser stores `None` for both, so renderers simply show the original title and abstract.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from bot.languages import language_name, normalize_language
from bot.models import Glossary, Paper

PROMPT_VERSION = "card-v3"
"""Part of every cache key: bump it whenever a prompt or the schema changes meaning.
v2: summary and takeaways in the reader's language with terms kept; topic glossaries.
v3: a one-line "tldr" for compact digests (issue 11), in the same answer."""

MIN_TAKEAWAYS = 4
MAX_TAKEAWAYS = 7

Message = dict[str, str]

_CARD_SYSTEM = (
    "You summarise arXiv papers for researchers skimming a daily digest. "
    "Reply with ONE JSON object only, no markdown, with keys:\n"
    '"summary": 2-4 sentences in {lang}: problem, method, main result;\n'
    '"key_takeaways": {min}-{max} short {lang} strings, plain text, no numbering;\n'
    '"tldr": one {lang} line, at most 20 words: the main point;\n'
    "{translation_rules}"
    "Write summary, key_takeaways and translations in {lang} even though the paper is in "
    "English. Keep model names, dataset and benchmark names, metric abbreviations (BLEU, F1, "
    "pass@k), code identifiers, LaTeX ($...$) and numbers exactly as written, untranslated. "
    "Do not invent facts."
)
_GLOSSARY_RULES = "\nGlossary: render these terms exactly like this in {lang}:\n{entries}"
_TRANSLATION_RULES = (
    '"title_translation": the title in {lang};\n'
    '"abstract_translation": a faithful, complete {lang} translation of the abstract.\n'
)
_NO_TRANSLATION_RULES = '"title_translation": null; "abstract_translation": null.\n'

_TRANSLATE_SYSTEM = (
    "Translate the user's text into {lang} ({code}). Output only the translation, "
    "faithful and complete, without notes. Keep LaTeX, code, URLs and arXiv ids unchanged."
)


def is_english(language: str) -> bool:
    return normalize_language(language) == "en"


def card_version(glossary: Glossary = ()) -> str:
    """The prompt version a card is cached under: a topic's glossary is part of it, so
    changing one topic's glossary makes only that topic's cards again."""
    if not glossary:
        return PROMPT_VERSION
    text = json.dumps(sorted(glossary), ensure_ascii=False)
    return f"{PROMPT_VERSION}+g{hashlib.sha256(text.encode()).hexdigest()[:12]}"


def card_messages(paper: Paper, language: str, glossary: Glossary = ()) -> list[Message]:
    """System + user messages asking for one card of `paper` in `language`, rendering the
    glossary's terms as it says."""
    code = normalize_language(language)
    lang = language_name(code)
    rules = (_NO_TRANSLATION_RULES if code == "en" else _TRANSLATION_RULES).format(lang=lang)
    system = _CARD_SYSTEM.format(
        lang=lang, min=MIN_TAKEAWAYS, max=MAX_TAKEAWAYS, translation_rules=rules
    )
    if glossary:
        entries = "\n".join(f"- {_oneline(term)} → {_oneline(said)}" for term, said in glossary)
        system += _GLOSSARY_RULES.format(lang=lang, entries=entries)
    lines = [f"Target language: {lang} ({code})", f"Title: {_oneline(paper.title)}"]
    if paper.authors:
        lines.append(f"Authors: {len(paper.authors)}")
    if paper.comment:
        lines.append(f"Comment: {_oneline(paper.comment)}")
    lines.append(f"Abstract:\n{paper.abstract.strip()}")
    return [{"role": "system", "content": system}, {"role": "user", "content": "\n".join(lines)}]


def translate_messages(text: str, language: str) -> list[Message]:
    """Messages for /translate: the text goes alone in the user message, never in the prompt."""
    code = normalize_language(language)
    system = _TRANSLATE_SYSTEM.format(lang=language_name(code), code=code)
    return [{"role": "system", "content": system}, {"role": "user", "content": text}]


def card_schema() -> dict[str, Any]:
    """JSON schema for `response_format={"type": "json_schema"}` (OpenAI strict mode).

    Strict mode wants every key required and no extra keys, so translations are nullable.
    """
    nullable = {"type": ["string", "null"]}
    return {
        "name": "paper_card",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {
                "summary": {"type": "string"},
                "key_takeaways": {"type": "array", "items": {"type": "string"}},
                "tldr": {"type": "string"},
                "title_translation": nullable,
                "abstract_translation": nullable,
            },
            "required": ["summary", "key_takeaways", "tldr", "title_translation",
                         "abstract_translation"],
            "additionalProperties": False,
        },
    }


def response_format(json_mode: str) -> dict[str, Any] | None:
    """The `response_format` argument for a card request, or None to send none."""
    if json_mode == "json_schema":
        return {"type": "json_schema", "json_schema": card_schema()}
    if json_mode == "json_object":
        return {"type": "json_object"}
    return None


def _oneline(text: str) -> str:
    return " ".join(text.split())
