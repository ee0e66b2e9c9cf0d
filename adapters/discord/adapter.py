"""The Discord adapter: a discord.py client sharing paperbot's event loop.

Slash interactions become IncomingCommands; Replies are rendered by DiscordRenderer.
Slow commands are deferred at once (Discord drops interactions not acknowledged within
3 s). `send()` is the outbox's Sender; sender.py maps discord.py errors to bot.errors.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters import ChatLanguage, locale_language
from adapters.discord.buttons import PressAnswerer
from adapters.discord.config import DiscordConfig
from adapters.discord.incoming import CatalogueTranslator, build_tree, chat_of, named_options
from adapters.discord.render import DiscordRenderer
from adapters.discord.sender import mapped_errors, message_kwargs, plain_payload
from adapters.registered_commands import RegisteredCommands
from bot.commands.router import crash_reply
from bot.commands.specs import CommandSpec
from bot.errors import (
    ConfigError,
    UpstreamError,
    UserError,
)
from bot.i18n import tr
from bot.models import ChatRef, IncomingCommand, Reply
from bot.ports import Capabilities, CommandHandler, Completer, MetaStore, PressHandler

log = logging.getLogger(__name__)

MAX_RATELIMIT_WAIT = 30.0  # seconds; discord.py's minimum for max_ratelimit_timeout


def apply_endpoints(config: DiscordConfig) -> None:
    """Point discord.py at the configured API and gateway (a local stand-in in tests).

    discord.py keeps both as class attributes, so this is process-wide.
    """
    Route.BASE = config.api_base.rstrip("/")
    gateway = yarl.URL(config.gateway_url)
    DiscordWebSocket.DEFAULT_GATEWAY = gateway if gateway.path else gateway.with_path("/")


class DiscordAdapter:
    """Implements bot.ports.Platform for Discord: slash commands in, embeds out."""

    name = "discord"
    capabilities = Capabilities(
        buttons=True, edits=True, threads=True, direct_messages=True, max_message_chars=2000
    )

    def __init__(self, config: DiscordConfig, token: str, handle: CommandHandler,
                 complete: Completer, *, renderer: DiscordRenderer | None = None,
                 guild_ready_timeout: float = 0.0, ready_timeout: float = 60.0,
                 meta: MetaStore | None = None,
                 language: ChatLanguage = locale_language,
                 press: PressHandler | None = None) -> None:
        """`meta` remembers the slash commands last synced (None: sync at every start);
        `press` answers presses on our buttons (None: they are not listened to)."""
        self._config = config
        self._meta = meta
        self._token = token
        self._handle = handle
        self._language = language
        self._renderer = renderer or DiscordRenderer()
        self._ready_timeout = ready_timeout
        # paperbot never joins voice: the missing-voice-library warnings only alarm operators.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        # Slash commands need no privileged intents; guilds lets us resolve channels.
        # Short 429 waits are retried inside discord.py; a long one raises RateLimited so
        # the outbox reschedules instead of holding a delivery for minutes.
        self.client = discord.Client(intents=discord.Intents(guilds=True),
                                     # Channel sends use partial messageables and slash
                                     # commands need no guild cache, so discord.py's 2 s
                                     # wait for late GUILD_CREATEs only delays start-up.
                                     # We wait none; they fill the cache as they come.
                                     guild_ready_timeout=guild_ready_timeout,
                                     max_ratelimit_timeout=MAX_RATELIMIT_WAIT)
        self.tree = build_tree(self.client, self._on_command, complete)
        self.tree.on_error = self._on_tree_error  # type: ignore[method-assign]
        self.client.setup_hook = self._setup_hook  # type: ignore[method-assign]
        if press is not None:  # discord.py dispatches every interaction to on_interaction
            self.client.on_interaction = PressAnswerer(  # type: ignore[attr-defined]
                press, self._renderer).on_interaction
        self._task: asyncio.Task[None] | None = None

    @property
    def renderer(self) -> DiscordRenderer:
        return self._renderer

    async def _setup_hook(self) -> None:
        """Sync the slash commands, unless this application last synced the same ones."""
        translator = CatalogueTranslator()
        await self.tree.set_translator(translator)
        # The hash covers every locale's descriptions: a new translation syncs again.
        table = [await command.get_translated_payload(self.tree, translator)
                 for command in self.tree.get_commands()]
        registered = RegisteredCommands(self._meta, self.name,
                                        f"{self.client.application_id}@{Route.BASE}", table)
        if registered.unchanged:
            log.info("slash commands unchanged since last synced; not synced again")
            return
        synced = await self.tree.sync()
        registered.remember()
        log.info("synced %d slash commands", len(synced))

    async def start(self) -> None:
        """Log in, sync commands and connect; return once ready or raise why not."""
        apply_endpoints(self._config)
        self._task = asyncio.create_task(self.client.start(self._token), name="discord")
        ready = asyncio.create_task(self.client.wait_until_ready())
        done, _ = await asyncio.wait({self._task, ready}, timeout=self._ready_timeout,
                                     return_when=asyncio.FIRST_COMPLETED)
        if ready in done:
            log.info("discord connected as %s", self.client.user)
            return
        ready.cancel()
        if self._task in done:
            exc = self._task.exception()
            if isinstance(exc, discord.LoginFailure):
                raise ConfigError(
                    f"Discord rejected the bot token in ${self._config.token_env}"
                ) from exc
            raise UpstreamError(f"Discord login failed: {exc}") from exc
        await self.stop()
        raise UpstreamError(f"Discord not ready after {self._ready_timeout:.0f} s")

    async def stop(self) -> None:
        await self.client.close()
        if self._task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._task
            self._task = None

    # commands
    async def _on_command(self, interaction: discord.Interaction, spec: CommandSpec,
                          values: dict[str, Any]) -> None:
        if spec.slow:
            await interaction.response.defer(thinking=True)
        chat = chat_of(interaction)
        command = IncomingCommand(
            name=spec.name, args="", chat=chat,
            user_id=str(interaction.user.id),
            user_is_admin=chat.is_private or interaction.permissions.manage_channels,
            locale=str(interaction.locale), options=named_options(spec, values),
        )
        reply = await self._handle(command)
        await self._respond(interaction, reply)

    async def _respond(self, interaction: discord.Interaction, reply: Reply) -> None:
        done = tr(self._language_of(interaction), "Done.")
        payloads = self._renderer.reply(reply) or [{"content": done}]
        ephemeral = reply.is_error or reply.ephemeral
        await self._answer(interaction, [message_kwargs(p) for p in payloads], ephemeral)

    async def _answer(self, interaction: discord.Interaction,
                      messages: list[dict[str, Any]], ephemeral: bool) -> None:
        """First message answers the interaction; the rest are follow-ups."""
        first, *rest = messages
        if not interaction.response.is_done():
            await interaction.response.send_message(**first, ephemeral=ephemeral)
        elif ephemeral:
            # The deferred "thinking" message is public: replace it with a private one.
            await interaction.delete_original_response()
            await interaction.followup.send(**first, ephemeral=True)
        else:
            await interaction.followup.send(**first)
        for kwargs in rest:
            await interaction.followup.send(**kwargs, ephemeral=ephemeral)

    def _language_of(self, interaction: discord.Interaction) -> str:
        try:
            return self._language(chat_of(interaction), str(interaction.locale))
        except Exception:  # an answer in English beats none
            log.exception("could not look up the language of an interaction")
            return "en"

    async def _on_tree_error(self, interaction: discord.Interaction,
                             error: app_commands.AppCommandError) -> None:
        original = getattr(error, "original", error)
        if isinstance(original, UserError):
            text = original.say(self._language_of(interaction))
        else:
            ref, reply = crash_reply(self._language_of(interaction))
            name = interaction.command.name if interaction.command else "?"
            log.error("/%s failed (ref %s)", name, ref, exc_info=original)
            text = reply.text
        try:
            await self._answer(interaction, [{"content": text}], ephemeral=True)
        except discord.HTTPException:
            log.warning("could not report an error to the user", exc_info=True)

    # outbox delivery
    async def send(self, chat: ChatRef, payload: dict[str, Any], *, plain: bool = False) -> str:
        """Send one rendered payload to a channel, or to a user's DMs when private;
        `plain` sends it as text alone, without the embeds Discord refused."""
        with mapped_errors(chat.chat_id):
            channel = await self._destination(chat)
            sendable = plain_payload(payload) if plain else payload
            message = await channel.send(**message_kwargs(sendable))
        return str(message.id)

    async def _destination(self, chat: ChatRef) -> discord.abc.Messageable:
        if not chat.is_private:
            return self.client.get_partial_messageable(int(chat.chat_id))
        user = self.client.get_user(int(chat.chat_id))
        if user is None:
            user = await self.client.fetch_user(int(chat.chat_id))
        return user.dm_channel or await user.create_dm()
