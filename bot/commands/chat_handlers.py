"""Handlers for a chat's own digest: subscriptions, settings, /digest, /pause, /resume.

In a private chat these are the user's own; in a group or channel they are the chat's
(the router lets only admins change them).
"""

from __future__ import annotations

from dataclasses import replace

from bot.arxiv.categories import ARCHIVES
from bot.commands.arguments import Args
from bot.commands.chat_settings import settings_for
from bot.commands.context import Core
from bot.commands.cost_guard import charge_digest, digest_listing
from bot.commands.kinds import Setting, TopicChoice
from bot.commands.parsing import usage_error
from bot.commands.specs import BY_NAME
from bot.errors import UserError
from bot.languages import language_name
from bot.models import IncomingCommand, Reply, Subscription, Topic
from bot.services.subscriptions import MAX_SUBSCRIPTIONS


async def subscribe(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """Follow a configured topic or a category spec; the chat's settings are saved with it."""
    topic = args.need("topic", Topic)
    current = core.store.subscriptions(cmd.chat)
    if any(s.topic.name.casefold() == topic.name.casefold() for s in current):
        return Reply(text=f"Already subscribed to {topic.name}.")
    if len(current) >= MAX_SUBSCRIPTIONS:
        raise UserError(
            f"This chat already has {MAX_SUBSCRIPTIONS} subscriptions, the most allowed.",
            "Remove one with /unsubscribe <topic> first.",
        )
    settings = settings_for(core, cmd)
    core.store.save_settings(settings)
    core.store.add_subscription(Subscription(cmd.chat, topic))
    core.events.chat_changed(cmd.chat)
    return Reply(
        text=f"Subscribed to {_describe(topic)}. Your digest arrives daily at "
        f"{settings.delivery_time} ({settings.timezone}) in {language_name(settings.language)}"
        f" after each arXiv announcement. /settings changes that; /digest shows it now."
    )


async def unsubscribe(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """Stop following a topic (by its name or its spec typed again), or every topic."""
    choice = args.need("topic", TopicChoice)
    if choice.everything:
        removed = core.store.remove_subscription(cmd.chat, None)
        core.events.chat_changed(cmd.chat)
        return Reply(
            text=f"Unsubscribed from all {removed} topics."
            if removed
            else "You had no subscriptions."
        )
    current = core.store.subscriptions(cmd.chat)
    wanted = {choice.text.casefold()}
    if choice.parsed is not None:  # they may have typed the spec again, in another order
        wanted.add(choice.parsed.name.casefold())
    match = next((s for s in current if s.topic.name.casefold() in wanted), None)
    if match is None:
        names = ", ".join(s.topic.name for s in current) or "none"
        raise UserError(
            f"Not subscribed to {choice.text[:60]}.", f"Your subscriptions: {names}."
        )
    core.store.remove_subscription(cmd.chat, match.topic.name)
    core.events.chat_changed(cmd.chat)
    return Reply(text=f"Unsubscribed from {match.topic.name}.")


async def subscriptions(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """This chat's topics and settings."""
    subs = core.store.subscriptions(cmd.chat)
    settings = settings_for(core, cmd)
    lines = [f"Subscriptions ({len(subs)}/{MAX_SUBSCRIPTIONS}):"]
    lines += [f"- {_describe(s.topic)}" for s in subs] or [
        "- none yet: try /subscribe R1_Reasoning"
    ]
    lines.append("")
    lines.append(_settings_line(core, cmd))
    if settings.paused:
        lines.append("Digest paused: /resume to restart it.")
    return Reply(text="\n".join(lines))


async def settings(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """Show the chat's settings, or change one: language, delivery time or time zone."""
    spec = BY_NAME["settings"]
    setting = args.get_as("setting", Setting)
    current = settings_for(core, cmd)
    if setting is None:
        return Reply(
            text=f"{_settings_line(core, cmd)}\nChange with: {spec.usage}, e.g. "
            "/settings lang en, /settings time 08:30, /settings timezone Europe/Berlin"
        )
    value = args.get_as("value", str)
    if value is None:
        raise usage_error(
            spec, f"Give a value, e.g. /settings {setting.value} {setting.example}.", setting.value
        )
    if setting is Setting.LANGUAGE:
        updated = replace(current, language=value)
        said = f"Language set to {language_name(updated.language)}."
    elif setting is Setting.TIME:
        updated = replace(current, delivery_time=value)
        said = f"Daily digest time set to {updated.delivery_time} ({updated.timezone})."
    else:
        updated = replace(current, timezone=value)
        said = f"Time zone set to {updated.timezone}; digest at {updated.delivery_time}."
    core.store.save_settings(updated)
    core.events.chat_changed(cmd.chat)
    return Reply(text=said)


async def pause(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """Stop the daily digest; commands keep working."""
    core.store.save_settings(replace(settings_for(core, cmd), paused=True))
    core.events.chat_changed(cmd.chat)
    return Reply(text="Daily digest paused. /resume restarts it; commands still work.")


async def resume(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """Restart the daily digest."""
    core.store.save_settings(replace(settings_for(core, cmd), paused=False))
    core.events.chat_changed(cmd.chat)
    return Reply(text="Daily digest resumed.")


async def digest(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """The chat's papers from the latest stored announcement, now (charged like /summarize)."""
    subs = core.store.subscriptions(cmd.chat)
    if not subs:
        raise UserError(
            "This chat has no subscriptions yet.",
            "Subscribe first, e.g. /subscribe R1_Reasoning (see /topics).",
        )
    language = settings_for(core, cmd).language
    topics = [s.topic for s in subs]
    listing = await digest_listing(core, cmd, topics)
    charge_digest(core, cmd, topics, listing, language)
    digests = await core.digests.build_many(topics, listing, language)
    return Reply(digests=tuple(digests))


def _describe(topic: Topic) -> str:
    """A configured topic's name says little, so show its categories; a spec name says all."""
    if topic.name in topic.categories or ":" in topic.name:
        return topic.name
    if topic.name in ARCHIVES:
        return f"{topic.name} (all {len(topic.categories)} categories)"
    return f"{topic.name} ({', '.join(topic.categories)})"


def _settings_line(core: Core, cmd: IncomingCommand) -> str:
    s = settings_for(core, cmd)
    return (
        f"Settings: language {s.language} ({language_name(s.language)}), daily at "
        f"{s.delivery_time}, time zone {s.timezone}."
    )
