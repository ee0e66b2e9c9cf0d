"""Who receives a daily digest, and with which settings.

A destination is a configured `[[channels]]` entry or a chat with subscriptions; a channel
that also subscribed by command is one destination with both sets of topics. Chats without
stored settings get `default_settings`, the one rule shared with the command handlers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.config import BotConfig, Config
from bot.models import ChatRef, ChatSettings, DigestStyle, Topic
from bot.ports import ChatStore
from bot.services.digests import union_categories


@dataclass(frozen=True)
class Destination:
    """A chat that receives a daily digest: a configured channel or a subscriber."""

    chat: ChatRef
    topics: tuple[Topic, ...]
    language: str
    time: str
    timezone: str
    quiet_day_notice: bool
    paused: bool = False
    style: DigestStyle = "full"  # issue 11


    @property
    def categories(self) -> tuple[str, ...]:
        return union_categories(self.topics)


def default_settings(bot: BotConfig, chat: ChatRef) -> ChatSettings:
    """Settings of a chat that never changed them: the [bot] defaults, with quiet-day
    notices only in private chats (a channel full of "nothing today" is noise)."""
    return ChatSettings(
        chat=chat,
        language=bot.language,
        delivery_time=bot.digest_time,
        timezone=bot.timezone,
        quiet_day_notice=chat.is_private,
    )


def digest_style(settings: ChatSettings) -> DigestStyle:
    """The chat's chosen style, else compact in groups and channels, full in private chats."""
    if settings.style is not None:
        return settings.style
    return "full" if settings.chat.is_private else "compact"


def destinations(config: Config, chats: ChatStore) -> list[Destination]:
    """Configured channels first, then every chat with subscriptions (merged per chat)."""
    found: dict[str, Destination] = {}
    for channel in config.channels:
        chat = ChatRef(channel.platform, channel.chat, is_private=False)
        topics = tuple(t for name in channel.topics if (t := config.topic(name)) is not None)
        found[chat.key] = Destination(
            chat, topics, channel.language, channel.time, channel.timezone,
            channel.quiet_day_notice, style=channel.style,
        )
    by_chat: dict[str, list[Topic]] = {}
    refs: dict[str, ChatRef] = {}
    for sub in chats.all_subscriptions():
        by_chat.setdefault(sub.chat.key, []).append(sub.topic)
        refs[sub.chat.key] = sub.chat
    for key, subscribed in by_chat.items():
        chat = refs[key]
        settings = chats.get_settings(chat) or default_settings(config.bot, chat)
        base = found.get(key)
        if base is not None:  # a configured channel that also subscribed by command
            merged = base.topics + tuple(t for t in subscribed if t not in base.topics)
            found[key] = Destination(
                base.chat, merged, base.language, base.time, base.timezone,
                base.quiet_day_notice, settings.paused, base.style,
            )
        else:
            found[key] = Destination(
                chat, tuple(subscribed), settings.language, settings.delivery_time,
                settings.timezone, settings.quiet_day_notice, settings.paused,
                digest_style(settings),
            )
    return list(found.values())


def all_topics(dests: Sequence[Destination]) -> list[Topic]:
    """Each distinct topic (by categories) of these destinations, for one combined fetch."""
    seen: dict[tuple[str, ...], Topic] = {}
    for dest in dests:
        for topic in dest.topics:
            seen.setdefault(topic.categories, topic)
    return list(seen.values())
