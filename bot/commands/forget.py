"""/forget: delete what paperbot stores about the person asking.

In a private chat that is the chat itself (settings, subscriptions, queued and sent
digests) plus the user's own records; in a group only the user's own records, since the
group's settings belong to the group and its admins.
"""

from __future__ import annotations

from bot.commands.arguments import Args
from bot.commands.chat_settings import settings_for
from bot.commands.context import Core, user_key
from bot.i18n import tr, trn
from bot.models import IncomingCommand, Reply


async def forget(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """Delete the asker's usage counters and stored translations, and a private chat's data."""
    who = user_key(cmd)
    translations = core.translations.forget(who)
    core.store.forget_usage(who)
    core.store.forget_feedback(who)  # 👍, 👎 and the reading list (issue 11)
    lang = settings_for(core, cmd).language  # read before the chat's settings go
    kept = trn(
        lang,
        "Kept: cached paper summaries, which are about papers, not you, and translations "
        "stored before paperbot noted who asked; those are tied to no one and, like all "
        "translations, deleted {n} day after they were stored.",
        "Kept: cached paper summaries, which are about papers, not you, and translations "
        "stored before paperbot noted who asked; those are tied to no one and, like all "
        "translations, deleted {n} days after they were stored.",
        core.config.bot.translation_retention_days,
    )
    yours = trn(
        lang,
        "{n} stored translation of your text and your usage counts",
        "{n} stored translations of your text and your usage counts",
        translations,
    )
    if not cmd.chat.is_private:
        said = tr(
            lang,
            "Deleted {yours}. This group's settings and subscriptions belong to the group; "
            "to delete your private chat's, send /forget to me there.",
            yours=yours,
        )
        return Reply(text=f"{said}\n{kept}", ephemeral=True)
    gone = core.store.forget_chat(cmd.chat)
    core.events.chat_changed(cmd.chat)
    parts = [tr(lang, "this chat's settings")] if gone.settings else []
    parts.append(trn(lang, "{n} subscription", "{n} subscriptions", gone.subscriptions))
    parts.append(trn(lang, "{n} queued digest message", "{n} queued digest messages", gone.queued))
    said = tr(
        lang,
        "Deleted {what} and the record of papers sent here, {yours}. No digest comes any "
        "more; /subscribe starts again.",
        what=tr(lang, ", ").join(parts),
        yours=yours,
    )
    return Reply(text=f"{said}\n{kept}")
