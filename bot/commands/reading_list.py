"""The reading list the Save button fills: /saved, /unsave <id>, /export bibtex."""

from __future__ import annotations

from bot.buttons.bibtex import bibtex
from bot.commands.arguments import Args
from bot.commands.chat_settings import settings_for
from bot.commands.context import Core, user_key
from bot.i18n import N_, tr, trn
from bot.models import ArxivId, Attachment, Feedback, IncomingCommand, Paper, Reply, Signal

MAX_LISTED = 50
EMPTY = N_("Your reading list is empty: press Save under a paper to add it.")


def _saved(core: Core, cmd: IncomingCommand) -> list[tuple[Feedback, Paper]]:
    found = []
    for saved in core.store.saved_papers(user_key(cmd)):
        paper = core.store.get_paper(saved.base_id, saved.version) or core.store.get_paper(
            saved.base_id
        )
        if paper is not None:
            found.append((saved, paper))
    return found


async def saved(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """The papers this user saved with the Save button, newest first."""
    lang = settings_for(core, cmd).language
    found = _saved(core, cmd)
    if not found:
        return Reply(
            text=tr(lang, EMPTY),
            ephemeral=True,
        )
    lines = [trn(lang, "Your reading list ({n} paper):", "Your reading list ({n} papers):",
                 len(found))]
    for i, (_, paper) in enumerate(found[:MAX_LISTED], 1):
        lines.append(f"{i}. {paper.title} - arXiv:{paper.id} {paper.links.abs}")
    if len(found) > MAX_LISTED:
        lines.append(tr(lang, "…and {n} more: /export bibtex has them all.",
                        n=len(found) - MAX_LISTED))
    lines.append("")
    lines.append(tr(lang, "/unsave <id> removes one; /export bibtex sends them as a .bib file."))
    return Reply(text="\n".join(lines), ephemeral=True)


async def unsave(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """Take one paper off the reading list (in every chat it was saved in)."""
    arxiv_id = args.need("id", ArxivId)
    lang = settings_for(core, cmd).language
    who = user_key(cmd)
    removed = 0
    for row in core.store.feedback_for(user_key=who):  # saved in any chat
        if row.base_id == arxiv_id.base and row.signal is Signal.SAVE:
            core.store.toggle_feedback(row)
            removed += 1
    if not removed:
        return Reply(text=tr(lang, "{id} was not on your reading list.", id=arxiv_id.base),
                     ephemeral=True)
    return Reply(text=tr(lang, "Removed {id} from your reading list.", id=arxiv_id.base),
                 ephemeral=True)


async def export(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """The reading list as a .bib file of arXiv entries."""
    lang = settings_for(core, cmd).language
    papers = [paper for _, paper in _saved(core, cmd)]
    if not papers:
        return Reply(text=tr(lang, EMPTY), ephemeral=True)
    text = trn(lang, "{n} saved paper as BibTeX.", "{n} saved papers as BibTeX.", len(papers))
    attachment = Attachment("paperbot-saved.bib", bibtex(papers), "application/x-bibtex")
    return Reply(text=text, attachment=attachment)
