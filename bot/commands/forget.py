"""/forget: delete what paperbot stores about the person asking.

In a private chat that is the chat itself (settings, subscriptions, queued and sent
digests) plus the user's own records; in a group only the user's own records, since the
group's settings belong to the group and its admins.
"""

from __future__ import annotations

from bot.commands.arguments import Args
from bot.commands.context import Core, user_key
from bot.models import IncomingCommand, Reply


async def forget(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """Delete the asker's usage counters and stored translations, and a private chat's data."""
    who = user_key(cmd)
    translations = core.translations.forget(who)
    core.store.forget_usage(who)
    days = core.config.bot.translation_retention_days
    kept = (
        "Kept: cached paper summaries, which are about papers, not you, and translations "
        "stored before paperbot noted who asked; those are tied to no one and, like all "
        f"translations, deleted {days} days after they were stored."
    )
    yours = f"{_count(translations, 'stored translation')} of your text and your usage counts"
    if not cmd.chat.is_private:
        return Reply(
            text=f"Deleted {yours}. This group's settings and subscriptions belong to the "
            "group; to delete your private chat's, send /forget to me there.\n" + kept,
            ephemeral=True,
        )
    gone = core.store.forget_chat(cmd.chat)
    core.events.chat_changed(cmd.chat)
    settings = "this chat's settings, " if gone.settings else ""
    return Reply(
        text=f"Deleted {settings}{_count(gone.subscriptions, 'subscription')}, "
        f"{_count(gone.queued, 'queued digest message')} and the record of papers sent here, "
        f"{yours}. No digest comes any more; /subscribe starts again.\n" + kept
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
