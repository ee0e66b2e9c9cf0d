"""Binds the command table to its handlers and offers autocomplete values."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial

from bot.arxiv.categories import CATEGORIES
from bot.commands import chat_handlers, deep, forget, handlers, ranking_handlers, reading_list
from bot.commands.arguments import Args
from bot.commands.chat_settings import chat_language, settings_for
from bot.commands.context import Core
from bot.commands.kinds import ParseContext, Setting
from bot.commands.router import Router
from bot.commands.specs import COMMANDS
from bot.languages import LANGUAGES
from bot.models import ChatRef, IncomingCommand, Reply

log = logging.getLogger(__name__)

_HANDLERS: dict[str, Callable[[Core, IncomingCommand, Args], Awaitable[Reply]]] = {
    "start": handlers.start,
    "help": handlers.help_,
    "summarize": handlers.summarize,
    "translate": handlers.translate,
    "topics": handlers.topics,
    "subscribe": chat_handlers.subscribe,
    "unsubscribe": chat_handlers.unsubscribe,
    "subscriptions": chat_handlers.subscriptions,
    "settings": chat_handlers.settings,
    "digest": chat_handlers.digest,
    "pause": chat_handlers.pause,
    "resume": chat_handlers.resume,
    "forget": forget.forget,
    "usage": deep.usage,  # issue 15

    "saved": reading_list.saved,
    "unsave": reading_list.unsave,
    "export": reading_list.export,
    "follow": ranking_handlers.follow,  # issue 12
    "unfollow": ranking_handlers.unfollow,
    "following": ranking_handlers.following,
    "seed": ranking_handlers.seed,
}


def make_router(core: Core) -> Router:
    def seen(chat: ChatRef) -> None:
        """A chat that blocked us and now writes again has unblocked us: deliver again."""
        if core.store.clear_chat_gone(chat, core.clock.now()):
            log.info("%s is reachable again: its digest resumes", chat.key)

    context = ParseContext(core.config.topics, core.config.bot.default_categories)
    return Router(
        {name: partial(fn, core) for name, fn in _HANDLERS.items()},
        on_seen=seen,
        context=context,
        language_of=lambda cmd: settings_for(core, cmd).language,
    )


def make_chat_language(core: Core) -> Callable[[ChatRef, str | None], str]:
    """What adapters ask for the language of what they say themselves (hints, errors)."""
    return partial(chat_language, core)


def make_completer(core: Core) -> Callable[[str, str, ChatRef], list[str]]:
    def complete(kind: str, prefix: str, chat: ChatRef) -> list[str]:
        needle = prefix.strip().casefold()
        if kind == "language":
            options = list(LANGUAGES)
        elif kind == "topic":
            subscribed = [s.topic.name for s in core.store.subscriptions(chat)]
            options = subscribed + [t.name for t in core.config.topics] + sorted(CATEGORIES)
        elif kind == "setting":
            options = [s.value for s in Setting]
        elif kind == "command":
            options = [c.name for c in COMMANDS if not c.hidden]
        else:
            return []
        unique = list(dict.fromkeys(options))
        return [o for o in unique if o.casefold().startswith(needle)][:25]

    return complete
