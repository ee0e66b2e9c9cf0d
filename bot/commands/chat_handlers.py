"""Handlers for a chat's own digest: subscriptions, settings, /digest, /pause, /resume.

In a private chat these are the user's own; in a group or channel they are the chat's
(the router lets only admins change them).
"""

from __future__ import annotations

from dataclasses import replace

from bot.commands.context import Core
from bot.commands.parsing import usage_error
from bot.commands.specs import BY_NAME
from bot.errors import UserError
from bot.languages import language_name, normalize_language
from bot.local_time import parse_time, parse_timezone
from bot.models import Digest, IncomingCommand, Reply, Subscription, Topic
from bot.services.subscriptions import MAX_SUBSCRIPTIONS, parse_topic_spec


async def subscribe(core: Core, cmd: IncomingCommand) -> Reply:
    if not cmd.args.strip():
        raise usage_error(BY_NAME["subscribe"], "Which topic? Send /topics to see them.")
    topic = parse_topic_spec(cmd.args, core.config.topics, core.config.bot.default_categories)
    current = core.store.subscriptions(cmd.chat)
    if any(s.topic.name.casefold() == topic.name.casefold() for s in current):
        return Reply(text=f"Already subscribed to {topic.name}.")
    if len(current) >= MAX_SUBSCRIPTIONS:
        raise UserError(
            f"This chat already has {MAX_SUBSCRIPTIONS} subscriptions, the most allowed.",
            "Remove one with /unsubscribe <topic> first.",
        )
    settings = core.settings(cmd.chat)
    core.store.save_settings(settings)
    core.store.add_subscription(Subscription(cmd.chat, topic))
    core.events.chat_changed(cmd.chat)
    return Reply(
        text=f"Subscribed to {_describe(topic)}. Your digest arrives daily at "
        f"{settings.delivery_time} ({settings.timezone}) in {language_name(settings.language)}"
        f" after each arXiv announcement. /settings changes that; /digest shows it now."
    )


async def unsubscribe(core: Core, cmd: IncomingCommand) -> Reply:
    name = cmd.args.strip().strip('"')
    if not name:
        raise usage_error(BY_NAME["unsubscribe"], "Which topic? Send /subscriptions to see yours.")
    if name.lower() == "all":
        removed = core.store.remove_subscription(cmd.chat, None)
        core.events.chat_changed(cmd.chat)
        return Reply(
            text=f"Unsubscribed from all {removed} topics."
            if removed
            else "You had no subscriptions."
        )
    current = core.store.subscriptions(cmd.chat)
    match = next((s for s in current if s.topic.name.casefold() == name.casefold()), None)
    if match is None:  # they may have typed the spec again, in another order
        try:
            typed = parse_topic_spec(name, core.config.topics, core.config.bot.default_categories)
        except UserError:
            typed = None
        match = next((s for s in current if typed and s.topic.name == typed.name), None)
    if match is None:
        names = ", ".join(s.topic.name for s in current) or "none"
        raise UserError(f"Not subscribed to {name[:60]}.", f"Your subscriptions: {names}.")
    core.store.remove_subscription(cmd.chat, match.topic.name)
    core.events.chat_changed(cmd.chat)
    return Reply(text=f"Unsubscribed from {match.topic.name}.")


async def subscriptions(core: Core, cmd: IncomingCommand) -> Reply:
    subs = core.store.subscriptions(cmd.chat)
    settings = core.settings(cmd.chat)
    lines = [f"Subscriptions ({len(subs)}/{MAX_SUBSCRIPTIONS}):"]
    lines += [f"- {_describe(s.topic)}" for s in subs] or [
        "- none yet: try /subscribe R1_Reasoning"
    ]
    lines.append("")
    lines.append(_settings_line(core, cmd))
    if settings.paused:
        lines.append("Digest paused: /resume to restart it.")
    return Reply(text="\n".join(lines))


async def settings(core: Core, cmd: IncomingCommand) -> Reply:
    spec = BY_NAME["settings"]
    key, _, value = cmd.args.strip().partition(" ")
    key, value = key.lower(), value.strip()
    current = core.settings(cmd.chat)
    if not key:
        return Reply(
            text=f"{_settings_line(core, cmd)}\nChange with: {spec.usage}, e.g. "
            "/settings lang en, /settings time 08:30, /settings timezone Europe/Berlin"
        )
    if not value:
        raise usage_error(spec, f"Give a value for {key[:20]}.")
    if key in ("lang", "language"):
        updated = replace(current, language=normalize_language(value))
        said = f"Language set to {language_name(updated.language)}."
    elif key == "time":
        updated = replace(current, delivery_time=parse_time(value))
        said = f"Daily digest time set to {updated.delivery_time} ({updated.timezone})."
    elif key in ("timezone", "tz"):
        updated = replace(current, timezone=parse_timezone(value))
        said = f"Time zone set to {updated.timezone}; digest at {updated.delivery_time}."
    else:
        raise usage_error(spec, f"Unknown setting '{key[:20]}': use lang, time or timezone.")
    core.store.save_settings(updated)
    core.events.chat_changed(cmd.chat)
    return Reply(text=said)


async def pause(core: Core, cmd: IncomingCommand) -> Reply:
    core.store.save_settings(replace(core.settings(cmd.chat), paused=True))
    core.events.chat_changed(cmd.chat)
    return Reply(text="Daily digest paused. /resume restarts it; commands still work.")


async def resume(core: Core, cmd: IncomingCommand) -> Reply:
    core.store.save_settings(replace(core.settings(cmd.chat), paused=False))
    core.events.chat_changed(cmd.chat)
    return Reply(text="Daily digest resumed.")


async def digest(core: Core, cmd: IncomingCommand) -> Reply:
    subs = core.store.subscriptions(cmd.chat)
    if not subs:
        raise UserError(
            "This chat has no subscriptions yet.",
            "Subscribe first, e.g. /subscribe R1_Reasoning (see /topics).",
        )
    language = core.settings(cmd.chat).language
    topics = [s.topic for s in subs]
    listing = await core.digests.fetch_listing(topics)
    digests: list[Digest] = []
    seen: set[str] = set()
    for topic in topics:  # a paper matching two topics is shown once
        built = await core.digests.build(topic, listing, language, exclude=seen)
        seen.update(c.paper.id for c in built.cards)
        digests.append(built)
    return Reply(digests=tuple(digests))


def _describe(topic: Topic) -> str:
    """A configured topic's name says little, so show its categories; a spec name says all."""
    if topic.name in topic.categories or ":" in topic.name:
        return topic.name
    return f"{topic.name} ({', '.join(topic.categories)})"


def _settings_line(core: Core, cmd: IncomingCommand) -> str:
    s = core.settings(cmd.chat)
    return (
        f"Settings: language {s.language} ({language_name(s.language)}), daily at "
        f"{s.delivery_time}, time zone {s.timezone}."
    )
