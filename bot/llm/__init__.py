"""The LLM layer: an OpenAI-compatible client, or the extractive fallback without a key.

The `openai` package takes seconds to import on small machines, so it is imported only
when a key is configured: offline runs and `paperbot check` start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.config import LLMConfig
from bot.llm.fallback import OfflineLLM
from bot.ports import LLM

if TYPE_CHECKING:
    from bot.llm.client import OpenAILLM, TokenUsage

__all__ = ["OfflineLLM", "OpenAILLM", "TokenUsage", "make_llm"]


def make_llm(config: LLMConfig, api_key: str | None) -> LLM:
    """The real client when a key is set, else the offline fallback (clearly labelled)."""
    if api_key and api_key.strip():
        from bot.llm.client import OpenAILLM

        return OpenAILLM(config, api_key)
    return OfflineLLM(config)


def __getattr__(name: str) -> Any:
    if name in ("OpenAILLM", "TokenUsage"):
        from bot.llm import client

        return getattr(client, name)
    raise AttributeError(name)
