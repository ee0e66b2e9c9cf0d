"""The router: one entry point for every platform's commands.

It parses each command's arguments once (bot.commands.arguments) and hands the handler
typed values. Users never see an exception's text: UserError messages are said in the chat's
language (`language_of`),
anything else becomes "Something went wrong (ref 7f3a)" with the traceback logged under the
same ref (`crash_reply`, which the adapters' last-resort handlers use too).
"""

from __future__ import annotations

import difflib
import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping

from bot.commands.arguments import Args, parse_args
from bot.commands.kinds import ParseContext
from bot.commands.specs import BY_NAME, COMMANDS, CommandSpec
from bot.errors import UpstreamError, UserError
from bot.i18n import tr
from bot.invisible import strip_invisible
from bot.models import ChatRef, IncomingCommand, Reply

log = logging.getLogger(__name__)

Handler = Callable[[IncomingCommand, Args], Awaitable[Reply]]


def error_ref() -> str:
    return secrets.token_hex(2)


def crash_reply(language: str = "en") -> tuple[str, Reply]:
    """A fresh ref and what the user sees for it; log the traceback under the same ref."""
    ref = error_ref()
    text = tr(language, "Something went wrong (ref {ref}). Please try again later.", ref=ref)
    return ref, Reply(text=text, is_error=True, ephemeral=True, failure="crash")


def upstream_reply(language: str = "en") -> tuple[str, Reply]:
    """A fresh ref and what the user sees when arXiv or the LLM failed."""
    ref = error_ref()
    text = tr(language, "arXiv or the language model did not answer in time; please try "
              "again in a few minutes (ref {ref}).", ref=ref)
    return ref, Reply(text=text, is_error=True, ephemeral=True, failure="upstream")


class Router:
    """Finds the command in the table, checks who may run it, parses its arguments."""

    def __init__(
        self,
        handlers: Mapping[str, Handler],
        on_seen: Callable[[ChatRef], None] | None = None,
        context: ParseContext | None = None,
        language_of: Callable[[IncomingCommand], str] | None = None,
    ) -> None:
        missing = {c.name for c in COMMANDS} - set(handlers)
        if missing:
            raise ValueError(f"no handler for commands: {', '.join(sorted(missing))}")
        self._handlers = dict(handlers)
        self._on_seen = on_seen
        self._context = context or ParseContext()
        self._language_of = language_of

    def language(self, cmd: IncomingCommand) -> str:
        """The language to answer `cmd` in: the chat's (stored, or its asker's locale)."""
        if self._language_of is None:
            return "en"
        try:
            return self._language_of(cmd)
        except Exception:  # an answer in English beats none
            log.exception("could not look up the language of %s", cmd.chat.key)
            return "en"

    async def handle(self, cmd: IncomingCommand) -> Reply:
        name = strip_invisible(cmd.name).lower().lstrip("/").split("@", 1)[0]
        if self._on_seen is not None:
            try:
                self._on_seen(cmd.chat)
            except Exception:  # bookkeeping must never cost the user their answer
                log.exception("could not note activity in %s", cmd.chat.key)
        spec = BY_NAME.get(name)
        if spec is None:
            return _unknown(name, cmd, self.language(cmd))
        try:
            _check_permission(spec, cmd)
            args = parse_args(spec, cmd, self._context)
            return await self._handlers[name](cmd, args)
        except UserError as exc:
            return Reply(
                text=exc.say(self.language(cmd)), is_error=True, ephemeral=True, failure="usage"
            )
        except UpstreamError as exc:
            ref, reply = upstream_reply(self.language(cmd))
            log.warning("/%s failed upstream (ref %s): %s", name, ref, exc)
            return reply
        except Exception:
            ref, reply = crash_reply(self.language(cmd))
            log.exception("/%s from %s crashed (ref %s)", name, cmd.chat.key, ref)
            return reply


def _check_permission(spec: CommandSpec, cmd: IncomingCommand) -> None:
    if spec.changes_chat and not cmd.chat.is_private and not cmd.user_is_admin:
        raise UserError(
            "Only this chat's admins can use /{command} here.",
            "Send it to me in a private chat to manage your own digest.",
            command=spec.name,
        )


def _unknown(name: str, cmd: IncomingCommand, language: str) -> Reply:
    """"Did you mean" for a near miss. In a group, a command that is not ours and not near
    one of ours is most likely another bot's: stay silent unless it named us."""
    names = [c.name for c in COMMANDS]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    if not close and not cmd.chat.is_private and not cmd.addressed:
        return Reply()
    shown = name[:32]
    said = [tr(language, "Unknown command /{command}.", command=shown)]
    if close:
        said.append(tr(language, "Did you mean /{command}?", command=close[0]))
    said.append(tr(language, "Send /help for the list."))
    return Reply(
        text=" ".join(said),
        is_error=True,
        ephemeral=True,
        failure="usage",
    )
