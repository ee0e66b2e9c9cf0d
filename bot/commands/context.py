"""What command handlers need, passed in once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from bot.config import Config
from bot.models import ChatRef, ChatSettings, IncomingCommand
from bot.ports import (
    ChatEvents,
    ChatStore,
    Clock,
    FeedbackStore,
    PaperStore,
    RankingStore,
    UsageStore,
)
from bot.services.cards import CardService
from bot.services.chat_events import ChatEventHub
from bot.services.deep import DeepService
from bot.services.destinations import default_settings
from bot.services.digests import DigestService
from bot.services.papers import PaperService
from bot.services.translations import TranslationService


class CommandStore(ChatStore, UsageStore, FeedbackStore, PaperStore, Protocol):
    """The storage roles handlers use: chats and subscriptions, and the usage counts (the
    cost guard's, which /forget deletes). Translations go through the TranslationService.
    The reading list (issue 11) reads feedback and stored papers."""


@dataclass
class Core:
    """What every handler gets: config, the services, and the two storage roles it needs."""

    config: Config
    store: CommandStore
    clock: Clock
    papers: PaperService
    cards: CardService
    translations: TranslationService
    digests: DigestService
    events: ChatEvents = field(default_factory=ChatEventHub)
    deep: DeepService | None = None  # deep summaries (issue 15); None: not wired
    ranking: RankingStore | None = None  # followed authors and seeds (issue 12)

    def settings(self, chat: ChatRef) -> ChatSettings:
        """Stored settings, or defaults from config (quiet-day notices on in private chats)."""
        return self.store.get_settings(chat) or default_settings(self.config.bot, chat)


def user_key(cmd: IncomingCommand) -> str:
    """Who is asking, across chats: what usage counters and stored translations are kept
    under (the same key the cost guard counts with)."""
    return f"{cmd.chat.platform}:{cmd.user_id}"
