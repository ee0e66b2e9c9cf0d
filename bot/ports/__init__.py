"""The small seams the core depends on. Adapters, storage and tests implement them.

Storage is split by role (papers, card cache, chats, outbox, usage): each service asks only
for the roles it uses. Store methods are synchronous: SQLite calls are short (see
benchmarks), and keeping them plain functions keeps every caller simple.

The package's modules group the seams by what they face: `platform` (chat platforms and the
handlers they call), `sources` (arXiv, LLMs, embeddings, the clock), `stores`,
`chat_stores` and `outbox` (the storage roles). Import them from `bot.ports` itself.
"""

from __future__ import annotations

from bot.ports.chat_stores import ChatStore, FeedbackStore, ForgottenChat, RankingStore, UsageStore
from bot.ports.outbox import ClaimedMessage, Outbox
from bot.ports.platform import (
    Capabilities,
    ChatEvents,
    CommandHandler,
    Completer,
    Platform,
    PressHandler,
    Renderer,
    Sender,
)
from bot.ports.sources import (
    LLM,
    ArxivSource,
    Clock,
    Completion,
    Embedder,
    FullTextSource,
    Listing,
    TextLLM,
)
from bot.ports.stores import ArchiveStore, CardCache, DeepCardCache, MetaStore, PaperStore, Store

__all__ = [
    "LLM",
    "ArchiveStore",
    "ArxivSource",
    "Capabilities",
    "CardCache",
    "ChatEvents",
    "ChatStore",
    "ClaimedMessage",
    "Clock",
    "CommandHandler",
    "Completer",
    "Completion",
    "DeepCardCache",
    "Embedder",
    "FeedbackStore",
    "ForgottenChat",
    "FullTextSource",
    "Listing",
    "MetaStore",
    "Outbox",
    "PaperStore",
    "Platform",
    "PressHandler",
    "RankingStore",
    "Renderer",
    "Sender",
    "Store",
    "TextLLM",
    "UsageStore",
]
