"""Handlers for papers and help: /start, /help, /summarize, /translate, /topics."""

from __future__ import annotations

from bot.arxiv.ids import find_arxiv_id, parse_arxiv_id
from bot.commands.context import Core
from bot.commands.cost_guard import charge_llm_call
from bot.commands.parsing import language_arg, split_trailing_language, split_words, usage_error
from bot.commands.specs import BY_NAME, COMMANDS
from bot.errors import UserError
from bot.languages import is_language, language_name, normalize_language
from bot.models import IncomingCommand, Paper, Reply

WELCOME = (
    "Hi! I'm paperbot. I bring new arXiv papers to your chats: each with a short summary, "
    "key takeaways and the abstract translated into your language.\n\n"
    "Start with:\n"
    "  /summarize 1706.03762 - a card for any paper (id or arxiv.org link)\n"
    "  /topics - what you can subscribe to\n"
    "  /subscribe R1_Reasoning - a daily digest of a topic\n"
    "  /help - every command"
)


async def start(core: Core, cmd: IncomingCommand) -> Reply:
    return Reply(text=WELCOME)


async def help_(core: Core, cmd: IncomingCommand) -> Reply:
    wanted = cmd.args.strip().lstrip("/").lower()
    if wanted:
        spec = BY_NAME.get(wanted)
        if spec is None:
            raise UserError(f"There is no command /{wanted[:32]}.", "Send /help for the list.")
        lines = [spec.usage, spec.summary]
        lines += [f"  {a.name}: {a.description}" for a in spec.args]
        return Reply(text="\n".join(lines))
    lines = ["Commands:"]
    lines += [f"{c.usage} - {c.summary}" for c in COMMANDS if not c.hidden]
    lines.append("")
    lines.append("Send /help <command> for details.")
    return Reply(text="\n".join(lines))


async def summarize(core: Core, cmd: IncomingCommand) -> Reply:
    spec = BY_NAME["summarize"]
    words = split_words(cmd.args)
    if not words and cmd.replied_text:
        found = find_arxiv_id(cmd.replied_text)
        words = [str(found)] if found else []
    if not words:
        raise usage_error(spec, "Which paper? Give an arXiv id or link.")
    if len(words) > 2:
        raise usage_error(spec, "Too many arguments.")
    arxiv_id = parse_arxiv_id(words[0])
    language = language_arg(words[1] if len(words) > 1 else None, _chat_language(core, cmd))
    paper = await core.papers.get(arxiv_id)
    if core.cards.needs_llm_call(paper, language):
        charge_llm_call(core, cmd)
    return Reply(cards=(await core.cards.card(paper, language),))


async def translate(core: Core, cmd: IncomingCommand) -> Reply:
    if cmd.options is not None:
        text, given = (cmd.option("text") or "").strip(), cmd.option("lang")
        language = normalize_language(given) if given else None
    else:
        text, language = split_trailing_language(cmd.args)
    if cmd.replied_text and language is None and is_language(text):
        text, language = "", normalize_language(text)  # "/translate ja" as a reply
    if not text and cmd.replied_text:
        text = cmd.replied_text
    language = language or _chat_language(core, cmd)
    target = language_name(language)
    words = text.split()
    arxiv_id = find_arxiv_id(words[0]) if len(words) == 1 else None
    if arxiv_id is not None:
        paper = await core.papers.get(arxiv_id)
        return Reply(text=await _translate_paper(core, cmd, paper, language, target))
    if not text:
        raise usage_error(BY_NAME["translate"], "What should I translate?")
    text = core.translations.check(text)
    if core.translations.cached(text, language) is None:
        if core.cards.offline:
            raise UserError(
                "Translation needs a language model, and none is configured.",
                f"Set {core.config.llm.api_key_env} (see [llm] in the config).",
            )
        charge_llm_call(core, cmd)
    translated = await core.translations.translate(text, language)
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


async def topics(core: Core, cmd: IncomingCommand) -> Reply:
    if not core.config.topics:
        lines = ["No topics are configured."]
    else:
        lines = ["Topics you can subscribe to:"]
        for t in core.config.topics:
            keywords = f"; keywords: {', '.join(t.keywords)}" if t.keywords else ""
            lines.append(f"- {t.name}: {', '.join(t.categories)}{keywords}")
    lines.append("")
    lines.append(
        "You can also subscribe to any arXiv category (/subscribe cs.CV) or a category with "
        'keywords (/subscribe cs.CL reasoning "chain of thought").'
    )
    return Reply(text="\n".join(lines))


def _chat_language(core: Core, cmd: IncomingCommand) -> str:
    return core.settings(cmd.chat).language
