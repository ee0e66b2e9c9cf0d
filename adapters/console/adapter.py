"""The console platform: `paperbot chat` speaks every chat command in a terminal.

It is a platform like Telegram and Discord (registered, rendered at the edge, sent through
the same Sender contract), so anyone can try the bot with no token: commands go through
the same router, as one local user in a private chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from typing import Any, TextIO

from adapters import ChatLanguage, locale_language
from adapters.console.config import ConsoleConfig
from adapters.console.incoming import CHAT, parse_line
from adapters.console.render import ConsoleRenderer
from adapters.console.sender import write_payload
from bot.commands.specs import BY_NAME
from bot.i18n import N_, tr
from bot.models import ChatRef, Reply
from bot.ports import Capabilities, CommandHandler

PROMPT = "paperbot> "
HINT = N_("Commands start with /: try /help, /summarize 1706.03762 or /topics. Ctrl-D quits.")


class ConsolePlatform:
    """Implements bot.ports.Platform on a pair of text streams (the terminal by default)."""

    name = "console"
    # The operator's own terminal: their key, their budget.
    capabilities = Capabilities(direct_messages=True, max_message_chars=1_000_000, metered=False)

    def __init__(
        self,
        config: ConsoleConfig,
        handle: CommandHandler,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        language: ChatLanguage = locale_language,
    ) -> None:
        self._config = config
        self._handle = handle
        self._language = language
        self._in = stdin or sys.stdin
        self._out = stdout or sys.stdout
        self._err = stderr or sys.stderr
        self._renderer = ConsoleRenderer()
        self._sent = 0

    @property
    def renderer(self) -> ConsoleRenderer:
        return self._renderer

    async def start(self) -> None:
        """Nothing to connect to."""

    async def stop(self) -> None:
        with contextlib.suppress(ValueError, BrokenPipeError):
            self._out.flush()

    async def send(self, chat: ChatRef, payload: dict[str, Any], *, plain: bool = False) -> str:
        """Markdown is already plain enough for a terminal, so `plain` changes nothing."""
        write_payload(self._out, payload)
        self._sent += 1
        return str(self._sent)

    @property
    def _hint_language(self) -> str:
        return self._language(CHAT, None)

    async def session(self) -> int:
        """Read commands until end of input; returns how many were answered."""
        interactive = self._in.isatty()
        if interactive:
            self._err.write(f"{tr(self._hint_language, HINT)}\n")
        answered = 0
        loop = asyncio.get_running_loop()
        while True:
            if interactive:
                self._err.write(PROMPT)
                self._err.flush()
            line = await loop.run_in_executor(None, self._in.readline)
            if not line:
                return answered
            if not line.strip():
                continue
            command = parse_line(line, self._config.user)
            if command is None:
                await self._show(Reply(text=tr(self._hint_language, HINT)))
                continue
            spec = BY_NAME.get(command.name)
            if interactive and spec is not None and spec.slow:
                self._err.write("…\n")  # the terminal's typing indicator
            await self._show(await self._handle(command))
            answered += 1

    async def _show(self, reply: Reply) -> None:
        for payload in self._renderer.reply(reply):
            write_payload(self._out, payload)
