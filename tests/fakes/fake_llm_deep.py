"""The LLM stand-in's answers to deep-card prompts (issue 15), recognised by the markers
their system prompts start with: section notes (map) and the deep card (reduce or single).

Answers name only sections present in the request ("=== §3.2 Results ===" blocks), so a
test can check the card's takeaways point at sections that exist in the fixture.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.llm.deep_prompts import DEEP_MARKER, NOTES_MARKER

_BLOCK = re.compile(r"^=== (.+?) ===$", re.MULTILINE)


def deep_answer(system: str, user: str) -> str | None:
    """The answer to a deep prompt, or None when the request is not one."""
    if system.startswith(NOTES_MARKER):
        return json.dumps(fake_notes(user), ensure_ascii=False)
    if system.startswith(DEEP_MARKER):
        return json.dumps(fake_deep(user), ensure_ascii=False)
    return None


def labels_in(user: str) -> list[str]:
    return _BLOCK.findall(user)


def fake_notes(user: str) -> dict[str, Any]:
    return {"notes": [{"section": label, "points": [f"A point of {label}"]}
                      for label in labels_in(user)]}


def fake_deep(user: str) -> dict[str, Any]:
    lang = re.search(r"^Target language: .*\(([a-z-]+)\)$", user, re.MULTILINE)
    code = lang.group(1) if lang else "en"
    labels = labels_in(user) or ["Abstract"]
    picked = [labels[i % len(labels)] for i in range(6)]
    return {
        "problem": f"[{code}] The problem of the paper.",
        "method": f"[{code}] The method of the paper.",
        "results": f"[{code}] 44.1 ROUGE-L against 44.3.",
        "limitations": f"[{code}] Only English documents.",
        "takeaways": [{"text": f"[{code}] Point {i} from {label}", "section": label}
                      for i, label in enumerate(picked, 1)],
    }
