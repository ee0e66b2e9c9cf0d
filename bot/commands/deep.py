"""/summarize <id> full and /usage (issue 15): deep cards from the full text, and what the
asker's on-demand work cost today.

A deep card says where it came from ("from the full text (HTML)", "from the PDF", or
"abstract only" and why); its first figure is sent as an image only when the paper's licence
lets it be passed on (CC BY, CC BY-SA, CC0), otherwise the card links to the figures.
"""

from __future__ import annotations

from bot.commands.arguments import Args
from bot.commands.chat_settings import settings_for
from bot.commands.context import Core
from bot.commands.cost_guard import (
    charge_llm_calls,
    charge_lookup,
    charge_tokens,
    paper_for,
    requester,
    settle_llm_calls,
)
from bot.errors import UserError
from bot.fulltext.licence import permits_redistribution
from bot.fulltext.models import AbstractReason, DeepCard
from bot.i18n import N_, tr
from bot.labels import label, notice
from bot.models import ArxivId, ImageRef, IncomingCommand, Paper, Reply
from bot.services.deep import DeepService, Spent

MAX_CAPTION_CHARS = 1000  # platforms cut further (Telegram: 1024 with the credit line)

_SOURCES = {
    "html": N_("Source: from the full text (HTML)"),
    "pdf": N_("Source: from the PDF"),
}
_REASONS: dict[AbstractReason, str] = {
    "": N_("Source: abstract only."),
    "no_full_text": N_("Source: abstract only. arXiv has neither an HTML version nor a PDF "
                       "of this paper we could read."),
    "error_page": N_("Source: abstract only. arXiv's HTML version of this paper is an error "
                     "page, so the full text could not be read."),
    "too_large": N_("Source: abstract only. The full text is larger than the configured "
                    "limit, so it was not read."),
    "unreadable": N_("Source: abstract only. The PDF's text could not be extracted."),
}


def _service(core: Core) -> DeepService:
    if core.deep is None or not core.deep.available:
        raise UserError(
            "Deep summaries need a language model, and none is configured.",
            "Set {env} (see [llm] in the config).",
            env=core.config.llm.api_key_env,
        )
    return core.deep


async def summarize_full(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """A deep card of the paper in the asked-for language, with its first figure."""
    language = args.get_as("lang", str) or settings_for(core, cmd).language
    return await deep_summary(core, cmd, args.need("id", ArxivId), language)


async def deep_summary(
    core: Core, cmd: IncomingCommand, arxiv_id: ArxivId, language: str
) -> Reply:
    """The deep card as a Reply (for /summarize … full and a *Deep summary* button): the
    full-text download and the LLM calls are charged to the asker, cached cards are free."""
    deep = _service(core)
    paper = await paper_for(core, cmd, arxiv_id, language)
    card = deep.cached(paper, language)
    if card is None:

        async def make() -> DeepCard:
            text = deep.stored_text(paper)
            if text is None:
                charge_lookup(core, cmd)
                text = await deep.fetch_text(paper)
            work = deep.plan(paper, text)
            charge_llm_calls(core, cmd, work.calls)
            spent = Spent()
            try:
                return await deep.make(paper, language, text, work, spent)
            finally:
                settle_llm_calls(core, cmd, work.calls, spent.calls)
                charge_tokens(core, cmd, spent.tokens)

        card = await deep.shared(paper, language, make)
    ui = settings_for(core, cmd).language
    return deep_reply(paper, card, ui)


def deep_reply(paper: Paper, card: DeepCard, ui: str) -> Reply:
    """The deep card as plain text, and its figure as an image when the licence allows."""
    lang = card.language
    lines = [f"{paper.title}", f"arXiv:{paper.id}v{paper.version} · {paper.links.abs}", ""]
    source = _SOURCES.get(card.source) or _REASONS.get(card.reason, _REASONS[""])
    lines += [f"ℹ️ {tr(ui, source)}", ""]
    for msgid, value in ((N_("Problem"), card.problem), (N_("Method"), card.method),
                         (N_("Main results"), card.results),
                         (N_("Limitations"), card.limitations)):
        if value:
            lines += [f"{tr(lang, msgid)}: {value}", ""]
    lines.append(f"{label(lang, 'takeaways')}:")
    lines += [f"{i}. {t.text} ({t.section})" for i, t in enumerate(card.takeaways, 1)]
    image = None
    if card.figure is not None and permits_redistribution(paper.license):
        caption = card.figure.caption[:MAX_CAPTION_CHARS]
        credit = tr(ui, "Figure from arXiv:{id} ({licence})", id=paper.id,
                    licence=paper.license or "")
        image = ImageRef(card.figure.url, f"{caption}\n{credit}".strip())
    elif card.page_url:
        lines += ["", f"{tr(ui, 'Figures')}: {card.page_url}"]
    lines += ["", notice(lang)]
    return Reply(text="\n".join(lines), image=image)


async def usage(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """Today's (UTC) LLM calls and tokens of the asker, against their daily limits."""
    lang = settings_for(core, cmd).language
    key = requester(cmd)
    today = core.clock.now().date()
    bot = core.config.bot
    lines = [
        tr(lang, "Your usage today (UTC):"),
        tr(lang, "LLM calls: {used} of {limit}", used=core.store.llm_usage(key, today),
           limit=bot.daily_llm_requests_per_user),
        tr(lang, "LLM tokens: {tokens}", tokens=f"{core.store.token_usage(key, today):,}"),
        tr(lang, "arXiv lookups: {used} of {limit}",
           used=core.store.llm_usage(f"arxiv:{key}", today),
           limit=bot.daily_arxiv_lookups_per_user),
    ]
    if not cmd.chat.is_private:
        chat_key = f"chat:{cmd.chat.key}"
        lines.append(tr(lang, "This chat: {used} of {limit} LLM calls, {tokens} tokens",
                        used=core.store.llm_usage(chat_key, today),
                        limit=bot.daily_llm_requests_per_chat,
                        tokens=f"{core.store.token_usage(chat_key, today):,}"))
    if not cmd.metered:
        lines.append(tr(lang, "Commands run here are not counted."))
    lines.append(tr(lang, "The limits reset at 00:00 UTC."))
    return Reply(text="\n".join(lines))
