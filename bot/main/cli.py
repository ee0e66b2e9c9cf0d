"""`paperbot run|digest|summarize|translate|site|chat|check`.

`summarize`, `translate` and `chat` go through the same router as Telegram and Discord.

stdout carries only the result (pipe it anywhere); progress and errors go to stderr.
Exit codes: 0 success, 1 upstream failure (arXiv, LLM, a platform unreachable), 2 bad usage
or config (a platform rejecting its bot token included).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import adapters
from adapters.console.adapter import ConsolePlatform
from adapters.console.config import ConsoleConfig
from adapters.console.incoming import CHAT
from adapters.console.render import card_json, card_markdown, digest_markdown, digests_json
from bot.commands.wiring import make_chat_language, make_router
from bot.config import Config, load_config, masked, resolve_path
from bot.errors import ConfigError, UpstreamError, UserError
from bot.i18n import tr
from bot.languages import language_from_locale, normalize_language
from bot.main.app import Parts, build, lock_database
from bot.models import IncomingCommand, PaperCard, Reply
from bot.ranking.embeddings import make_embedder
from bot.ranking.profile import Audience
from bot.ranking.reasons import BY_KEYWORDS
from bot.redaction import SecretRedactor, configured_secrets
from bot.redaction import install as install_redactor

log = logging.getLogger("paperbot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paperbot", description="arXiv digests with LLM summaries and translations."
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument(
            "--config",
            metavar="FILE",
            help="TOML config (default: $PAPERBOT_CONFIG or ./paperbot.toml or built-in defaults)",
        )
        return p

    p = add("digest", "Print the latest announcement's digest for each topic.")
    p.add_argument("--topic", action="append", metavar="NAME", help="only this topic (repeatable)")
    p.add_argument("--lang", metavar="CODE", help="card language (default: [bot] language)")
    p.add_argument("--format", choices=("markdown", "json"), default="markdown")
    p.add_argument("--output", metavar="PATH", help="write to a file instead of stdout")
    p.add_argument("--post", action="store_true", help="deliver to the configured channels now")
    p.add_argument("--channel", action="append", metavar="CHAT", help="with --post: only this chat")

    p = add("summarize", "Print the card for one paper.")
    p.add_argument("paper", metavar="ID_OR_URL")
    p.add_argument("--lang", metavar="CODE")
    p.add_argument("--format", choices=("markdown", "json"), default="markdown")

    p = add("translate", "Translate a paper's title and abstract, or any text.")
    p.add_argument("text", metavar="ID_OR_URL_OR_TEXT")
    p.add_argument("--lang", metavar="CODE", required=True)

    p = add("site", "Build the web archive (pages and feeds) from the store.")
    p.add_argument("--output", metavar="DIR", help="folder to write (default: [web] output)")

    add("chat", "Talk to the bot here: every chat command, as one local user (no token needed).")
    add("check", "Validate the config and print it with secrets masked.")
    add("run", "Run the bot: Telegram/Discord adapters, scheduler and delivery.")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    redactor = _setup_logging(args.verbose)
    try:
        platforms = {n: (e.section, e.check_chat) for n, e in adapters.registered().items()}
        config = load_config(resolve_path(args.config), platforms=platforms)
        redactor.add_secrets(configured_secrets(config))
        if getattr(args, "lang", None):
            args.lang = normalize_language(args.lang)
        with lock_database(config.bot.database) if args.command == "run" else nullcontext():
            return asyncio.run(_dispatch(args, config))
    except ConfigError as exc:
        print(f"paperbot: config error: {exc}", file=sys.stderr)
        return 2
    except UserError as exc:
        print(f"paperbot: {exc}", file=sys.stderr)
        return 2
    except UpstreamError as exc:
        print(f"paperbot: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("paperbot: interrupted", file=sys.stderr)
        return 130


def _setup_logging(verbose: int) -> SecretRedactor:
    """stderr logging with secrets masked; returns the filter so it can learn the config's."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    redactor = SecretRedactor()
    install_redactor(redactor)
    for noisy in ("httpx", "httpx2", "apscheduler", "openai", "arxiv", "discord", "telegram"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    return redactor


async def _dispatch(args: argparse.Namespace, config: Config) -> int:
    if args.command == "check":
        print(json.dumps(masked(config), indent=2, ensure_ascii=False, default=list))
        if make_embedder(config) is None:
            print(f"note: {tr('en', BY_KEYWORDS)}", file=sys.stderr)
        return 0
    if args.command == "run":
        from bot.main.run import run

        return await run(config)
    if args.command == "digest" and args.post:
        from bot.main.run import post_digests

        return await post_digests(config, args.topic, args.channel)
    async with build(config) as parts:
        core = parts.core
        if args.command == "site":
            return await _site(args, parts)
        if args.command == "chat":
            return await _chat(parts)
        if parts.llm.offline and args.command != "translate":
            print(
                f"note: no LLM configured (${config.llm.api_key_env} is unset): "
                "offline summaries, no translation.",
                file=sys.stderr,
            )
        if args.command == "digest":
            return await _digest(args, config, core)
        if args.command == "summarize":
            return await _summarize(args, parts)
        return await _translate(args, parts)


async def _digest(args: argparse.Namespace, config: Config, core: Any) -> int:
    topics = list(config.topics)
    if args.topic:
        topics = []
        for name in args.topic:
            topic = config.topic(name)
            if topic is None:
                known = ", ".join(t.name for t in config.topics) or "none configured"
                raise UserError(f"Unknown topic '{name}'.", f"Known topics: {known}.")
            topics.append(topic)
    if not topics:
        raise UserError("No topics configured.", "Add a [[topics]] table to the config.")
    language = args.lang or config.bot.language
    listing = await core.digests.fetch_listing(topics)
    total = core.digests.planned(topics, listing)
    from tqdm import tqdm  # only `paperbot digest` shows progress: `run` need not load it

    with tqdm(
        total=total, desc="cards", unit="paper", file=sys.stderr, leave=False, disable=total == 0
    ) as bar:

        def progress(_card: PaperCard) -> None:
            bar.update(1)

        digests = await core.digests.build_many(
            topics, listing, language, progress, audience=Audience("cli")
        )
    if args.format == "json":
        text = json.dumps(digests_json(digests, core.clock.now()), ensure_ascii=False, indent=2)
    else:
        text = "\n\n".join(digest_markdown(d) for d in digests)
    _emit(text, args.output)
    return 0


async def _site(args: argparse.Namespace, parts: Parts) -> int:
    """`paperbot site`: what the bot delivered or built, as pages and feeds; no network."""
    from bot.main.web import build_site, web_config

    out = args.output or web_config(parts.config).output
    try:
        report = await build_site(parts, out)
    except OSError as exc:
        raise UserError(f"Cannot write the site to {out}: {exc.strerror or exc}.",
                        "Give a folder you can write with --output.") from None
    print(f"paperbot: wrote {out}: {report.summary()}", file=sys.stderr)
    return 0


async def _summarize(args: argparse.Namespace, parts: Parts) -> int:
    reply = await _ask(parts, "summarize", id=args.paper, lang=args.lang)
    if reply.is_error or not reply.cards:
        return _failed(reply)
    card = reply.cards[0]
    if args.format == "json":
        _emit(json.dumps(card_json(card), ensure_ascii=False, indent=2), None)
    else:
        _emit(card_markdown(card), None)
    return 0 if card.text.source != "unavailable" else 1


async def _translate(args: argparse.Namespace, parts: Parts) -> int:
    text = args.text.strip()
    if not text:
        raise UserError("Nothing to translate.", "Give an arXiv id, a link or some text.")
    reply = await _ask(parts, "translate", text=text, lang=args.lang)
    if reply.is_error:
        return _failed(reply)
    _emit(reply.text, None)
    return 0


def _terminal_locale() -> str:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "").split(".")[0]
        if value and value not in ("C", "POSIX"):
            return value if language_from_locale(value) else "en"
    return "en"


async def _ask(parts: Parts, name: str, **options: str | None) -> Reply:
    """Run one chat command through the router, as the operator at the terminal (unmetered),
    with its arguments by name so nothing is parsed twice. It answers in the terminal's
    locale (LC_ALL, LC_MESSAGES, LANG), English when that names no interface language."""
    command = IncomingCommand(
        name=name,
        args="",
        chat=CHAT,
        user_id="cli",
        locale=_terminal_locale(),
        options=tuple((k, v) for k, v in options.items() if v),
        metered=False,
    )
    return await make_router(parts.core).handle(command)


def _failed(reply: Reply) -> int:
    print(f"paperbot: {reply.text}", file=sys.stderr)
    return 1 if reply.failure in ("upstream", "crash") else 2


async def _chat(parts: Parts) -> int:
    """`paperbot chat`: every chat command in this terminal, through the same router."""
    router = make_router(parts.core)
    section = parts.config.platform("console") or ConsoleConfig()
    console = ConsolePlatform(section, router.handle, language=make_chat_language(parts.core))
    await console.start()
    try:
        await console.session()
    finally:
        await console.stop()
    return 0


def _emit(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text + "\n", encoding="utf-8")
        print(f"paperbot: wrote {output}", file=sys.stderr)
    else:
        sys.stdout.write(text + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
