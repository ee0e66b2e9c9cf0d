"""Handlers for papers and help: /start, /help, /summarize, /translate, /topics."""

from __future__ import annotations

from bot.commands import deep
from bot.commands.arguments import Args
from bot.commands.chat_settings import settings_for
from bot.commands.context import Core, user_key
from bot.commands.cost_guard import charge_llm_call, paper_for
from bot.commands.specs import COMMANDS, CommandSpec
from bot.errors import UserError
from bot.i18n import N_, language_display, tr
from bot.models import ArxivId, IncomingCommand, Paper, Reply

WELCOME = N_(
    "Hi! I'm paperbot. I bring new arXiv papers to your chats: each with a short summary, "
    "key takeaways and the abstract translated into your language.\n\n"
    "Start with:\n"
    "  /summarize 1706.03762 - a card for any paper (id or arxiv.org link)\n"
    "  /topics - what you can subscribe to\n"
    "  /subscribe R1_Reasoning - a daily digest of a topic\n"
    "  /help - every command"
)


async def start(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """Greet a new user with the few commands that get them going."""
    return Reply(text=tr(settings_for(core, cmd).language, WELCOME))


async def help_(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """List the commands, or explain one with its arguments."""
    lang = settings_for(core, cmd).language
    spec = args.get_as("command", CommandSpec)
    if spec is not None:
        lines = [spec.usage, tr(lang, spec.summary)]
        lines += [f"  {a.name}: {tr(lang, a.description)}" for a in spec.args]
        return Reply(text="\n".join(lines))
    lines = [tr(lang, "Commands:")]
    lines += [f"{c.usage} - {tr(lang, c.summary)}" for c in COMMANDS if not c.hidden]
    lines.append("")
    lines.append(tr(lang, "Send /help <command> for details."))
    return Reply(text="\n".join(lines))


async def summarize(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """A paper's card in the asked-for language (the chat's by default)."""
    if args.get_as("full", str):  # issue 15: a deep card from the full text
        return await deep.summarize_full(core, cmd, args)
    arxiv_id = args.need("id", ArxivId)
    language = args.get_as("lang", str) or settings_for(core, cmd).language
    paper = await paper_for(core, cmd, arxiv_id, language)
    if core.cards.needs_llm_call(paper, language):
        charge_llm_call(core, cmd)
    return Reply(cards=(await core.cards.card(paper, language),))


async def translate(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """A paper's abstract, or any text, in the asked-for language (the chat's by default)."""
    subject = args.need("text", object)
    ui = settings_for(core, cmd).language
    language = args.get_as("lang", str) or ui
    target = language_display(language, ui)
    if isinstance(subject, ArxivId):
        paper = await paper_for(core, cmd, subject, language)
        return Reply(text=await _translate_paper(core, cmd, paper, language, ui))
    text = core.translations.check(str(subject))
    if core.translations.cached(text, language) is None:
        if core.cards.offline:
            raise _no_llm(core)
        charge_llm_call(core, cmd)
    translated = await core.translations.translate(text, language, user_key(cmd))
    return Reply(text=f"{target}:\n{translated}")


def _no_llm(core: Core) -> UserError:
    return UserError(
        "Translation needs a language model, and none is configured.",
        "Set {env} (see [llm] in the config).",
        env=core.config.llm.api_key_env,
    )


async def _translate_paper(
    core: Core, cmd: IncomingCommand, paper: Paper, language: str, ui: str
) -> str:
    if core.cards.offline:
        raise _no_llm(core)
    if core.cards.needs_llm_call(paper, language):
        charge_llm_call(core, cmd)
    card = await core.cards.card(paper, language)
    if card.text.source != "llm" or not card.text.abstract_translation:
        raise UserError(
            "The translation of {id} is unavailable right now.", "Try again later.", id=paper.id
        )
    title = card.text.title_translation or paper.title
    said = tr(
        ui,
        "({language} translation of arXiv:{id})",
        language=language_display(language, ui),
        id=paper.id,
    )
    return f"{title}\n{said}\n\n{card.text.abstract_translation}"


async def topics(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """The configured topics, and how to follow any category instead."""
    lang = settings_for(core, cmd).language
    if not core.config.topics:
        lines = [tr(lang, "No topics are configured.")]
    else:
        lines = [tr(lang, "Topics you can subscribe to:")]
        for t in core.config.topics:
            keywords = (
                tr(lang, "; keywords: {keywords}", keywords=", ".join(t.keywords))
                if t.keywords
                else ""
            )
            lines.append(f"- {t.name}: {', '.join(t.categories)}{keywords}")
    lines.append("")
    lines.append(
        tr(
            lang,
            "You can also subscribe to any arXiv category (/subscribe cs.CV), a whole archive "
            "(/subscribe astro-ph) or a category with keywords "
            '(/subscribe cs.CL reasoning "chain of thought").',
        )
    )
    return Reply(text="\n".join(lines))
