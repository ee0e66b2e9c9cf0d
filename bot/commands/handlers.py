"""Handlers for papers and help: /start, /help, /summarize, /translate, /topics."""

from __future__ import annotations

from bot.commands.arguments import Args
from bot.commands.chat_settings import settings_for
from bot.commands.context import Core, user_key
from bot.commands.cost_guard import charge_llm_call, paper_for
from bot.commands.specs import COMMANDS, CommandSpec
from bot.errors import UserError
from bot.languages import language_name
from bot.models import ArxivId, IncomingCommand, Paper, Reply

WELCOME = (
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
    return Reply(text=WELCOME)


async def help_(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """List the commands, or explain one with its arguments."""
    spec = args.get_as("command", CommandSpec)
    if spec is not None:
        lines = [spec.usage, spec.summary]
        lines += [f"  {a.name}: {a.description}" for a in spec.args]
        return Reply(text="\n".join(lines))
    lines = ["Commands:"]
    lines += [f"{c.usage} - {c.summary}" for c in COMMANDS if not c.hidden]
    lines.append("")
    lines.append("Send /help <command> for details.")
    return Reply(text="\n".join(lines))


async def summarize(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """A paper's card in the asked-for language (the chat's by default)."""
    arxiv_id = args.need("id", ArxivId)
    language = args.get_as("lang", str) or settings_for(core, cmd).language
    paper = await paper_for(core, cmd, arxiv_id, language)
    if core.cards.needs_llm_call(paper, language):
        charge_llm_call(core, cmd)
    return Reply(cards=(await core.cards.card(paper, language),))


async def translate(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """A paper's abstract, or any text, in the asked-for language (the chat's by default)."""
    subject = args.need("text", object)
    language = args.get_as("lang", str) or settings_for(core, cmd).language
    target = language_name(language)
    if isinstance(subject, ArxivId):
        paper = await paper_for(core, cmd, subject, language)
        return Reply(text=await _translate_paper(core, cmd, paper, language, target))
    text = core.translations.check(str(subject))
    if core.translations.cached(text, language) is None:
        if core.cards.offline:
            raise UserError(
                "Translation needs a language model, and none is configured.",
                f"Set {core.config.llm.api_key_env} (see [llm] in the config).",
            )
        charge_llm_call(core, cmd)
    translated = await core.translations.translate(text, language, user_key(cmd))
    return Reply(text=f"{target}:\n{translated}")


async def _translate_paper(
    core: Core, cmd: IncomingCommand, paper: Paper, language: str, target: str
) -> str:
    if core.cards.offline:
        raise UserError(
            "Translation needs a language model, and none is configured.",
            f"Set {core.config.llm.api_key_env} (see [llm] in the config).",
        )
    if core.cards.needs_llm_call(paper, language):
        charge_llm_call(core, cmd)
    card = await core.cards.card(paper, language)
    if card.text.source != "llm" or not card.text.abstract_translation:
        raise UserError(
            f"The translation of {paper.id} is unavailable right now.", "Try again later."
        )
    title = card.text.title_translation or paper.title
    return (
        f"{title}\n({target} translation of arXiv:{paper.id})\n\n{card.text.abstract_translation}"
    )


async def topics(core: Core, cmd: IncomingCommand, args: Args) -> Reply:
    """The configured topics, and how to follow any category instead."""
    if not core.config.topics:
        lines = ["No topics are configured."]
    else:
        lines = ["Topics you can subscribe to:"]
        for t in core.config.topics:
            keywords = f"; keywords: {', '.join(t.keywords)}" if t.keywords else ""
            lines.append(f"- {t.name}: {', '.join(t.categories)}{keywords}")
    lines.append("")
    lines.append(
        "You can also subscribe to any arXiv category (/subscribe cs.CV), a whole archive "
        '(/subscribe astro-ph) or a category with keywords '
        '(/subscribe cs.CL reasoning "chain of thought").'
    )
    return Reply(text="\n".join(lines))
