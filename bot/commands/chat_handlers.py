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
from bot.i18n import language_display, tr, trn
from bot.models import IncomingCommand, Reply, Subscription, Topic
from bot.ranking.profile import Audience
from bot.services.subscriptions import MAX_SUBSCRIPTIONS


async def subscribe(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """Follow a configured topic or a category spec; the chat's settings are saved with it."""
    topic = args.need("topic", Topic)
    current = core.store.subscriptions(cmd.chat)
    settings = settings_for(core, cmd)
    lang = settings.language
    if any(s.topic.name.casefold() == topic.name.casefold() for s in current):
        return Reply(text=tr(lang, "Already subscribed to {topic}.", topic=topic.name))
    if len(current) >= MAX_SUBSCRIPTIONS:
        raise UserError(
            "This chat already has {limit} subscriptions, the most allowed.",
            "Remove one with /unsubscribe <topic> first.",
            limit=MAX_SUBSCRIPTIONS,
        )
    core.store.save_settings(settings)
    core.store.add_subscription(Subscription(cmd.chat, topic))
    core.events.chat_changed(cmd.chat)
    return Reply(
        text=tr(
            lang,
            "Subscribed to {topic}. Your digest arrives daily at {time} ({timezone}) in "
            "{language} after each arXiv announcement. /settings changes that; /digest shows "
            "it now.",
            topic=_describe(topic, lang),
            time=settings.delivery_time,
            timezone=settings.timezone,
            language=language_display(lang, lang),
        )
    )


async def unsubscribe(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """Stop following a topic (by its name or its spec typed again), or every topic."""
    choice = args.need("topic", TopicChoice)
    lang = settings_for(core, cmd).language
    if choice.everything:
        removed = core.store.remove_subscription(cmd.chat, None)
        core.events.chat_changed(cmd.chat)
        return Reply(
            text=trn(lang, "Unsubscribed from {n} topic.", "Unsubscribed from all {n} topics.",
                     removed)
            if removed
            else tr(lang, "You had no subscriptions.")
        )
    current = core.store.subscriptions(cmd.chat)
    wanted = {choice.text.casefold()}
    if choice.parsed is not None:  # they may have typed the spec again, in another order
        wanted.add(choice.parsed.name.casefold())
    match = next((s for s in current if s.topic.name.casefold() in wanted), None)
    if match is None:
        names = ", ".join(s.topic.name for s in current) or "-"
        raise UserError(
            "Not subscribed to {topic}.",
            "Your subscriptions: {names}.",
            topic=choice.text[:60],
            names=names,
        )
    core.store.remove_subscription(cmd.chat, match.topic.name)
    core.events.chat_changed(cmd.chat)
    return Reply(text=tr(lang, "Unsubscribed from {topic}.", topic=match.topic.name))


async def subscriptions(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """This chat's topics and settings."""
    subs = core.store.subscriptions(cmd.chat)
    settings = settings_for(core, cmd)
    lang = settings.language
    lines = [
        tr(lang, "Subscriptions ({count}/{limit}):", count=len(subs), limit=MAX_SUBSCRIPTIONS)
    ]
    lines += [f"- {_describe(s.topic, lang)}" for s in subs] or [
        "- " + tr(lang, "none yet: try /subscribe R1_Reasoning")
    ]
    lines.append("")
    lines.append(_settings_line(core, cmd))
    if settings.paused:
        lines.append(tr(lang, "Digest paused: /resume to restart it."))
    return Reply(text="\n".join(lines))


async def settings(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """Show the chat's settings, or change one: language, delivery time, time zone or
    digest style (compact or full)."""
    spec = BY_NAME["settings"]
    setting = args.get_as("setting", Setting)
    current = settings_for(core, cmd)
    if setting is None:
        return Reply(
            text=_settings_line(core, cmd)
            + "\n"
            + tr(
                current.language,
                "Change with: {usage}, e.g. /settings lang en, /settings time 08:30, "
                "/settings timezone Europe/Berlin, /settings style compact",
                usage=spec.usage,
            )
        )
    value = args.get_as("value", str)
    if value is None:
        raise usage_error(
            spec,
            "Give a value, e.g. /settings {setting} {example}.",
            setting.value,
            setting=setting.value,
            example=setting.example,
        )
    # Said in the language the chat has now: `/settings lang ja` answers in Japanese.
    if setting is Setting.LANGUAGE:
        updated = replace(current, language=value)
        lang = updated.language
        said = tr(lang, "Language set to {language}.", language=language_display(lang, lang))
    elif setting is Setting.STYLE:  # issue 11
        updated = replace(current, style="compact" if value == "compact" else "full")
        if value == "full":
            said = tr(updated.language, "Digest style set to full: a card for each paper.")
        else:
            said = tr(updated.language,
                      "Digest style set to compact: several papers a message, with buttons.")
    elif setting is Setting.TIME:
        updated = replace(current, delivery_time=value)
        said = tr(
            updated.language,
            "Daily digest time set to {time} ({timezone}).",
            time=updated.delivery_time,
            timezone=updated.timezone,
        )
    else:
        updated = replace(current, timezone=value)
        said = tr(
            updated.language,
            "Time zone set to {timezone}; digest at {time}.",
            time=updated.delivery_time,
            timezone=updated.timezone,
        )
    core.store.save_settings(updated)
    core.events.chat_changed(cmd.chat)
    return Reply(text=said)


async def pause(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """Stop the daily digest; commands keep working."""
    settings = settings_for(core, cmd)
    core.store.save_settings(replace(settings, paused=True))
    core.events.chat_changed(cmd.chat)
    return Reply(
        text=tr(settings.language, "Daily digest paused. /resume restarts it; commands still work.")
    )


async def resume(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """Restart the daily digest."""
    settings = settings_for(core, cmd)
    core.store.save_settings(replace(settings, paused=False))
    core.events.chat_changed(cmd.chat)
    return Reply(text=tr(settings.language, "Daily digest resumed."))


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
    digests = await core.digests.build_many(
        topics, listing, language, audience=Audience(cmd.chat.key, cmd.chat.is_private)
    )
    return Reply(digests=tuple(digests))


def _describe(topic: Topic, lang: str) -> str:
    """A configured topic's name says little, so show its categories; a spec name says all."""
    if topic.name in topic.categories or ":" in topic.name:
        return topic.name
    if topic.name in ARCHIVES:
        return tr(
            lang, "{topic} (all {count} categories)", topic=topic.name,
            count=len(topic.categories),
        )
    return f"{topic.name} ({', '.join(topic.categories)})"


def _settings_line(core: Core, cmd: IncomingCommand) -> str:
    s = settings_for(core, cmd)
    return tr(
        s.language,
        "Settings: language {code} ({language}), daily at {time}, time zone {timezone}.",
        code=s.language,
        language=language_display(s.language, s.language),
        time=s.delivery_time,
        timezone=s.timezone,
    )
