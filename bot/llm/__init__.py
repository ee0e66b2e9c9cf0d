"""The LLM layer: an OpenAI-compatible client, or the extractive fallback without a key."""

from __future__ import annotations

from bot.config import LLMConfig
from bot.llm.client import OpenAILLM, TokenUsage
from bot.llm.fallback import OfflineLLM
from bot.ports import LLM

__all__ = ["OfflineLLM", "OpenAILLM", "TokenUsage", "make_llm"]


def make_llm(config: LLMConfig, api_key: str | None) -> LLM:
    """The real client when a key is set, else the offline fallback (clearly labelled)."""
    if api_key and api_key.strip():
        return OpenAILLM(config, api_key)
    return OfflineLLM(config)
