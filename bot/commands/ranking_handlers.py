"""Handlers of relevance ranking's commands (issue 12): /follow, /unfollow, /following and
/seed. All are per chat: in a group they change the group's digest (admins only)."""

from __future__ import annotations

from bot.commands.arguments import Args
from bot.commands.chat_settings import settings_for
from bot.commands.context import Core, user_key
from bot.errors import UserError
from bot.i18n import tr
from bot.models import IncomingCommand, Reply
from bot.ports import RankingStore

MAX_FOLLOWED = 50


def _store(core: Core) -> RankingStore:
    if core.ranking is None:
        raise UserError("Relevance ranking is not available here.")
    return core.ranking


async def follow(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """Follow an author by name (initials, accents and order do not matter)."""
    name, key = args.need("name", tuple)
    store = _store(core)
    lang = settings_for(core, cmd).language
    followed = store.followed_authors(cmd.chat.key)
    if key in followed:
        return Reply(text=tr(lang, "Already following {name}.", name=followed[key]))
    if len(followed) >= MAX_FOLLOWED:
        raise UserError("This chat already follows {limit} authors, the most allowed.",
                        "Remove one with /unfollow <name> first.", limit=MAX_FOLLOWED)
    store.follow_author(cmd.chat.key, name, key)
    return Reply(text=tr(
        lang,
        "Following {name}: their new papers in this chat's categories reach its digest, "
        "whatever the keywords.",
        name=name,
    ))


async def unfollow(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    name, key = args.need("name", tuple)
    store = _store(core)
    lang = settings_for(core, cmd).language
    if not store.unfollow_author(cmd.chat.key, key):
        names = ", ".join(store.followed_authors(cmd.chat.key).values()) or "-"
        raise UserError("This chat does not follow {name}.", "It follows: {names}.",
                        name=name[:60], names=names)
    return Reply(text=tr(lang, "No longer following {name}.", name=name))


async def following(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    store = _store(core)
    lang = settings_for(core, cmd).language
    names = list(store.followed_authors(cmd.chat.key).values())
    if not names:
        return Reply(text=tr(lang, "This chat follows no authors. /follow <name> adds one."))
    return Reply(text=tr(lang, "Followed authors: {names}.", names=", ".join(names)))


async def seed(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """Store papers that describe what the chat wants; each must exist on arXiv."""
    ids = args.need("ids", tuple)
    store = _store(core)
    lang = settings_for(core, cmd).language
    unknown: list[str] = []
    for arxiv_id in ids:
        try:
            await core.papers.get(arxiv_id.unversioned, requester=user_key(cmd))
        except UserError:  # no such paper (or withdrawn): say which
            unknown.append(arxiv_id.base)
    if unknown:
        raise UserError("arXiv has no paper {id}.",
                        "Check the id (e.g. 1706.03762) or paste the arxiv.org link.",
                        id=", ".join(unknown))
    store.add_seeds(cmd.chat.key, [i.base for i in ids])
    return Reply(text=tr(
        lang,
        "Seed papers of this chat: {ids}. Its digests now rank papers like these first.",
        ids=", ".join(store.seeds(cmd.chat.key)),
    ))
