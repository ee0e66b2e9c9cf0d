"""Reading the model's deep-card and notes answers, and holding takeaways to real sections.

A takeaway's section must be one the model was given: "§4.2", "4.2 Results" and "Results"
are all resolved to the paper's own label ("§4.2 Results"). A takeaway naming a section the
paper does not have is dropped; fewer than three grounded takeaways is a bad answer (asked
again once by the caller).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from bot.fulltext.models import Section, Takeaway
from bot.llm.deep_prompts import MAX_TAKEAWAYS
from bot.llm.parsing import BadAnswer, clean_text, strip_reasoning

MIN_GROUNDED = 3
_NUMBER = re.compile(r"^§?\s*([A-Z]?\d+(?:\.\d+)*)\b")


def json_object(text: str, key: str) -> dict[str, Any]:
    """The first JSON object in `text` that has `key` (fences and reasoning ignored)."""
    body = strip_reasoning(text or "")
    decoder = json.JSONDecoder(strict=False)
    pos = body.find("{")
    while pos != -1:
        try:
            obj, end = decoder.raw_decode(body, pos)
        except json.JSONDecodeError:
            pos = body.find("{", pos + 1)
            continue
        if isinstance(obj, dict) and key in obj:
            return obj
        pos = body.find("{", end)
    raise BadAnswer(f"no JSON object with {key!r} in the answer")


def resolve_section(name: str, sections: Sequence[Section]) -> str | None:
    """The paper's label for the section `name` names, or None when it names none."""
    wanted = " ".join(name.split()).strip()
    if not wanted:
        return None
    for section in sections:
        if wanted.casefold() == section.label.casefold():
            return section.label
    number = _NUMBER.match(wanted)
    if number:
        found = next((s for s in sections if s.number == number.group(1)), None)
        if found is not None:
            return found.label
    bare = re.sub(r"^§?\s*[\d.]+\s*", "", wanted).casefold()
    found = next((s for s in sections if s.title.casefold() == bare), None)
    return found.label if found is not None else None


class DeepAnswer(NamedTuple):
    """The parts of a deep card the model wrote."""

    problem: str
    method: str
    results: str
    limitations: str
    takeaways: tuple[Takeaway, ...]


def parse_deep(text: str, sections: Sequence[Section]) -> DeepAnswer:
    """problem, method, results, limitations and grounded takeaways, or BadAnswer."""
    data = json_object(text, "takeaways")
    fields = {k: clean_text(str(data.get(k) or "")) for k in
              ("problem", "method", "results", "limitations")}
    if not fields["problem"] or not fields["method"] or not fields["results"]:
        raise BadAnswer("deep card without problem, method or results")
    takeaways: list[Takeaway] = []
    for item in data.get("takeaways") or []:
        if not isinstance(item, dict):
            continue
        point = clean_text(str(item.get("text") or ""))
        label = resolve_section(str(item.get("section") or ""), sections)
        if point and label is not None:
            takeaways.append(Takeaway(point, label))
    if len(takeaways) < MIN_GROUNDED:
        raise BadAnswer(f"only {len(takeaways)} takeaways name a section of the paper")
    return DeepAnswer(fields["problem"], fields["method"], fields["results"],
                      fields["limitations"], tuple(takeaways[:MAX_TAKEAWAYS]))


def parse_notes(text: str, sections: Sequence[Section]) -> list[tuple[str, tuple[str, ...]]]:
    """The map step's notes by section label (notes on unknown sections are dropped)."""
    data = json_object(text, "notes")
    notes: list[tuple[str, tuple[str, ...]]] = []
    for item in data.get("notes") or []:
        if not isinstance(item, dict):
            continue
        label = resolve_section(str(item.get("section") or ""), sections)
        points = tuple(clean_text(str(p)) for p in item.get("points") or [] if str(p).strip())
        if label is not None and points:
            notes.append((label, points))
    return notes
