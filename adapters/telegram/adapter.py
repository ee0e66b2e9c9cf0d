"""The Telegram adapter: a PTB Application sharing the running loop with everything else.

Updates are handled concurrently (one slow LLM call must not stall other users), replies
are paced by AIORateLimiter, slow commands show "typing…", and anything unexpected gets a
"Something went wrong (ref …)" answer with the traceback logged under the same ref.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeDefault,
    Message,
    Update,
)
from telegram.constants import ChatAction
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from adapters import ChatLanguage, locale_language
from adapters.registered_commands import RegisteredCommands
from adapters.telegram.buttons import PressAnswerer
from adapters.telegram.config import TelegramConfig
from adapters.telegram.expiry import ExpiringReplies
from adapters.telegram.incoming import chat_ref, parse_command, to_command
from adapters.telegram.pacing import MessagePacer
from adapters.telegram.render import TelegramRenderer
from adapters.telegram.sender import mapped_errors, send_payload, telegram_chat_id
from bot.commands.router import crash_reply
from bot.commands.specs import BY_NAME, COMMANDS
from bot.errors import ConfigError, DeliveryUncertain, MessageRejected, UpstreamError, UserError
from bot.i18n import N_, tr
from bot.models import ChatRef, Reply
from bot.ports import Capabilities, CommandHandler, MetaStore, PressHandler

log = logging.getLogger(__name__)

PLAIN_TEXT_HINT = N_("I answer commands: send /help to see what I can do.")
# The command menu per client language; Telegram takes ISO 639-1 codes only, so zh-Hant
# clients see the zh menu. "" is the default for every other language.
MENU_LANGUAGES = {"": "en", "zh": "zh", "ja": "ja"}
# Interactive replies wait out flood limits (a crowd writing at once); the outbox retries itself.
REPLY_RETRIES = 5


def file_url_for(base_url: str) -> str:
    """"https://api.telegram.org/bot" → "https://api.telegram.org/file/bot"."""
    root = base_url.rstrip("/")
    return root[: -len("/bot")] + "/file/bot" if root.endswith("/bot") else root + "/file/bot"


class TelegramAdapter:
    """Implements bot.ports.Platform; `start()`/`stop()` run polling on the current loop."""

    name = "telegram"
    capabilities = Capabilities(
        buttons=True, edits=True, threads=True, direct_messages=True, max_message_chars=4096
    )

    def __init__(
        self,
        config: TelegramConfig,
        token: str,
        handle: CommandHandler,
        *,
        poll_timeout: float = 10.0,
        typing_interval: float = 4.0,
        max_retries: int = 0,
        overall_rate: float = 30,
        overall_period: float = 1.0,
        group_rate: float = 20,
        group_period: float = 60.0,
        private_rate: float = 1,
        private_period: float = 1.0,
        meta: MetaStore | None = None,
        language: ChatLanguage = locale_language,
        press: PressHandler | None = None,
    ) -> None:
        """Rates default to Telegram's flood limits (30/s overall, 20/min per group or
        channel, 1/s per user); tests pass shorter periods to run them on a scaled clock.
        `meta` remembers the command menu last registered (None: register at every start)."""
        self._handle = handle
        self._meta = meta
        self._language = language
        self._base_url = config.base_url
        self._token_env = config.token_env
        self._poll_timeout = poll_timeout
        self._typing_interval = typing_interval
        self.renderer = TelegramRenderer()
        self.app: Application[Any, Any, Any, Any, Any, Any] = (
            Application.builder()
            .token(token)
            .base_url(config.base_url)
            .base_file_url(file_url_for(config.base_url))
            .concurrent_updates(True)
            .rate_limiter(MessagePacer(overall_rate, overall_period, group_rate, group_period,
                                       max_retries, private_rate=private_rate,
                                       private_period=private_period))
            .build()
        )
        updates = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
        self.app.add_handler(MessageHandler(updates, self._on_message))
        self._expiry = ExpiringReplies(timedelta(minutes=config.depth_reply_ttl_minutes), meta)
        self._sweeper: asyncio.Task[None] | None = None
        self._presses = (PressAnswerer(self.app.bot, press, self.renderer, self._expiry)
                         if press else None)
        self.app.add_handler(CallbackQueryHandler(self._on_press))
        self.app.add_error_handler(self._on_error)
        self._started = False

    async def start(self) -> None:
        """Check the token (getMe), register the menu and start polling on this loop."""
        try:
            await self.app.initialize()
            await self.app.start()
            await self._register_commands()
            assert self.app.updater is not None
            await self.app.updater.start_polling(
                timeout=int(self._poll_timeout),
                allowed_updates=[Update.MESSAGE, Update.CHANNEL_POST, Update.CALLBACK_QUERY],
            )
        except InvalidToken as exc:  # getMe answered 401: retrying will not help
            await self._teardown()
            raise ConfigError(
                f"the bot token in ${self._token_env} was rejected by Telegram (Unauthorized)"
            ) from exc
        except BaseException:
            await self._teardown()  # a half-started Application leaks its HTTP pool
            raise
        self._started = True
        if self._presses is not None and self._expiry.enabled:
            self._sweeper = asyncio.create_task(self._expiry.run(self.app.bot))
        log.info("Telegram bot @%s is polling", self.app.bot.username)

    async def stop(self) -> None:
        if self._started:
            self._started = False
            await self._teardown()

    async def _teardown(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()

    async def send(self, chat: ChatRef, payload: dict[str, Any], *, plain: bool = False) -> str:
        """Send one outbox payload (its plain-text version when `plain`); failures come back
        as bot.errors (see sender.py)."""
        chat_id = telegram_chat_id(chat.chat_id)
        if not self._started:
            raise UpstreamError(f"Telegram adapter is not running; cannot send to {chat_id}")
        with mapped_errors(chat_id):
            message = await send_payload(self.app.bot, chat_id, payload, plain=plain)
        return str(message.message_id)

    async def _register_commands(self) -> None:
        """One command table feeds Telegram's menu; a failure here must not stop the bot.

        The menu is sent only when it differs from what this bot last registered: a
        restart with the same table makes no setMyCommands call."""
        menus = {code: [BotCommand(c.name, tr(lang, c.summary)[:256])
                        for c in COMMANDS if not c.hidden]
                 for code, lang in MENU_LANGUAGES.items()}
        scopes = (BotCommandScopeDefault(), BotCommandScopeAllPrivateChats(),
                  BotCommandScopeAllGroupChats())
        table = {"menus": {code: [[c.command, c.description] for c in menu]
                           for code, menu in menus.items()},
                 "scopes": [s.type for s in scopes]}
        registered = RegisteredCommands(self._meta, self.name,
                                        f"{self.app.bot.id}@{self._base_url}", table)
        if registered.unchanged:
            log.info("Telegram commands unchanged since last registered; not sent again")
            return
        done = await asyncio.gather(*(self._set_commands(menu, scope, code)
                                      for code, menu in menus.items() for scope in scopes))
        if all(done):
            registered.remember()

    async def _set_commands(self, menu: list[BotCommand], scope: BotCommandScope,
                            language_code: str) -> bool:
        try:
            await self.app.bot.set_my_commands(menu, scope=scope,
                                               language_code=language_code or None)
        except TelegramError:
            log.warning("setMyCommands failed for scope %s, language %r", scope.type,
                        language_code, exc_info=True)
            return False
        return True

    def _language_of(self, message: Message | None) -> str:
        if message is None:
            return "en"
        chat = chat_ref(message.chat)
        user = message.from_user
        try:
            return self._language(chat, user.language_code if user else None)
        except Exception:  # an answer in English beats none
            log.exception("could not look up the language of chat %s", chat.chat_id)
            return "en"

    async def _on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None:
            return
        parsed = parse_command(message.text, self.app.bot.username)
        if parsed is None:
            if message.chat.type == "private" and message.text:
                hint = tr(self._language_of(message), PLAIN_TEXT_HINT)
                await self._reply(message, Reply(text=hint))
            return  # group chatter, stickers, photos and service messages are not for us
        spec = BY_NAME.get(parsed.name)
        typing = None
        if spec is not None and spec.slow:
            typing = asyncio.create_task(self._keep_typing(message))
        try:
            command = await to_command(self.app.bot, message, parsed)
            try:
                reply = await self._handle(command)
            except UserError as exc:
                reply = Reply(text=exc.say(self._language_of(message)), is_error=True)
            await self._reply(message, reply)
        finally:
            if typing is not None:
                typing.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await typing

    async def _on_press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        if self._presses is None:
            with contextlib.suppress(TelegramError):
                await query.answer()
            return
        await self._presses.on_query(query)

    async def _keep_typing(self, message: Message) -> None:
        """Telegram shows "typing…" for ~5 s: refresh it until the reply is out."""
        while True:
            try:
                await self.app.bot.send_chat_action(
                    message.chat_id, ChatAction.TYPING, message_thread_id=_thread(message)
                )
            except TelegramError:
                log.debug("typing action failed in chat %s", message.chat_id, exc_info=True)
            await asyncio.sleep(self._typing_interval)

    async def _reply(self, message: Message, reply: Reply) -> None:
        """Send every payload; one Telegram refuses as markup goes again as plain text.

        A reply whose answer was lost goes once more; one Telegram may have received is
        never followed by "Something went wrong", which would contradict it."""
        private = message.chat.type == "private"
        chat_id = message.chat_id
        for i, payload in enumerate(self.renderer.reply(reply)):
            kwargs: dict[str, Any] = {
                "reply_to": message.message_id if i == 0 and not private else None,
                "thread_id": _thread(message),
                "max_retries": REPLY_RETRIES,
            }
            plain = resent = False
            while True:  # each pass sends, or flips a flag that cannot flip back: ≤ 4 sends
                try:
                    with mapped_errors(chat_id):
                        await send_payload(self.app.bot, chat_id, payload, plain=plain, **kwargs)
                except MessageRejected as exc:
                    if plain:
                        raise
                    log.warning("Telegram refused HTML (%s); sending plain text", exc)
                    plain = True
                except DeliveryUncertain as exc:
                    if exc.accepted or resent:
                        log.warning("reply in chat %s may have arrived (%s); taken as delivered",
                                    chat_id, exc)
                        break
                    log.warning("no answer for a reply in chat %s (%s); sending it once more",
                                chat_id, exc)
                    resent = True
                else:
                    break

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Last resort: the user gets a ref, the log gets the traceback under that ref."""
        message = update.effective_message if isinstance(update, Update) else None
        ref, reply = crash_reply(self._language_of(message))
        where = ""
        chat_id = None
        if isinstance(update, Update) and update.effective_chat is not None:
            chat_id = update.effective_chat.id
            where = f" in chat {chat_id}"
        log.error("Unhandled error%s (ref %s)", where, ref, exc_info=context.error)
        if chat_id is None:
            return
        try:
            await self.app.bot.send_message(
                chat_id,
                reply.text,
                message_thread_id=_thread(message) if message else None,
            )
        except TelegramError:
            log.warning("could not tell chat %s about error ref %s", chat_id, ref, exc_info=True)


def _thread(message: Message) -> int | None:
    return message.message_thread_id if message.is_topic_message else None
