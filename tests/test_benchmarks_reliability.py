"""R2 judges cards from the real digest JSON: a card that is not the LLM's must say so, and
one that claims to be must show a summary without the model's raw output."""

from __future__ import annotations

from typing import Any

from benchmarks.r2_faults import judge


def card(**changes: Any) -> dict[str, Any]:
    return {"summary_source": "llm", "summary": "A short summary.",
            "key_takeaways": ["One", "Two"], **changes}


def test_cards_are_complete_labelled_or_broken() -> None:
    assert judge(card()) == "complete"
    assert judge(card(summary_source="unavailable", summary=None, key_takeaways=[])) == "fallback"
    assert judge(card(summary=None)) == "broken"
    assert judge(card(key_takeaways=[])) == "broken"
    assert judge(card(summary="<think>hmm</think> A summary.")) == "broken"
    assert judge(card(key_takeaways=['{"summary": "x"'])) == "broken"
