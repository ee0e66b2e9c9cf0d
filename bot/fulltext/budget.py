"""Splitting a paper's sections into parts that each fit the deep-summary token budget.

Tokens are estimated at 4 characters each (English prose; the API's `usage` says what was
really spent). A paper that fits is one request; a longer one is a map over its parts and
one reduce over their notes. A section longer than a part is cut at paragraph (else word)
boundaries into "(part n)" pieces; at most `max_parts` parts are read, the rest (usually
appendices) are left out and logged.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

from bot.fulltext.models import Section

log = logging.getLogger(__name__)

CHARS_PER_TOKEN = 4
MAX_PARTS = 8
# What each request needs besides the paper's text: instructions, title, abstract, answer.
OVERHEAD_TOKENS = 1_200


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def section_block(section: Section) -> str:
    """How a section appears in a prompt; the fake LLM and the parser read the marker."""
    return f"=== {section.label} ===\n{section.text}"


@dataclass(frozen=True)
class Plan:
    """The parts to send; one part means a single request, more a map-reduce."""

    parts: tuple[tuple[Section, ...], ...]
    dropped: int = 0  # sections left out beyond `max_parts`

    @property
    def calls(self) -> int:
        """LLM requests the plan needs: one, or one per part plus the reduce."""
        return 1 if len(self.parts) <= 1 else len(self.parts) + 1


def _pieces(section: Section, limit: int) -> list[Section]:
    """The section, cut into pieces of at most `limit` tokens each."""
    if estimate_tokens(section_block(section)) <= limit:
        return [section]
    room = max(1, (limit - estimate_tokens(section.label) - 8) * CHARS_PER_TOKEN)
    chunks: list[str] = []
    current = ""
    for word in section.text.split(" "):
        candidate = f"{current} {word}" if current else word
        if len(candidate) > room and current:
            chunks.append(current)
            candidate = word[:room]
        current = candidate
    if current:
        chunks.append(current)
    return [
        Section(section.number, f"{section.title} (part {i})", chunk)
        for i, chunk in enumerate(chunks, 1)
    ]


def plan(sections: Sequence[Section], budget: int, max_parts: int = MAX_PARTS) -> Plan:
    """Pack sections in order into parts of at most `budget - OVERHEAD_TOKENS` tokens."""
    limit = max(200, budget - OVERHEAD_TOKENS)
    parts: list[list[Section]] = []
    size = 0
    for section in sections:
        for piece in _pieces(section, limit):
            cost = estimate_tokens(section_block(piece)) + 1
            if not parts or size + cost > limit:
                parts.append([])
                size = 0
            parts[-1].append(piece)
            size += cost
    kept = parts[:max_parts]
    dropped = sum(len(p) for p in parts[max_parts:])
    if dropped:
        log.info("deep summary: %d section pieces beyond %d parts left out", dropped, max_parts)
    return Plan(tuple(tuple(p) for p in kept), dropped)
