"""Button presses on Discord: a component interaction in, the core's ButtonAnswer out.

Discord forgets an interaction not acknowledged within 3 s, so the core gets 2: a quick
answer is the response itself (type 4, ephemeral, for depth and toasts; type 7 to redraw
the pressed message's buttons for 👍/👎/Save). When the core is slower (the LLM is making a
card) the press is deferred first (type 5 ephemeral for depth, 6 for the rest) and the
answer follows as follow-ups or an edit of the pressed message. Depth is always ephemeral:
only the presser sees it, whatever the chat. An interaction Discord no longer knows
(10062), a deleted message (10008) or any other refusal is logged, never raised.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord

from adapters.discord.components import components
from adapters.discord.incoming import chat_of
from adapters.discord.render import DiscordRenderer
from adapters.discord.sender import RawView, message_kwargs
from bot.buttons.payload import Action, decode
from bot.models import ButtonAnswer, ButtonPress
from bot.ports import PressHandler

log = logging.getLogger(__name__)

ANSWER_WITHIN = 2.0  # seconds the core gets before the press is deferred (Discord allows 3)
_DEPTH = {Action.SUMMARY, Action.ABSTRACT, Action.PICK, Action.DEEP}  # content, not toggles


def is_depth(custom_id: str) -> bool:
    """Whether a press asks for content (deferred as a private "thinking" message) rather
    than changing the pressed message (deferred as an update)."""
    payload = decode(custom_id)
    return payload is None or payload.action in _DEPTH


class PressAnswerer:
    """Answers one adapter's component interactions with the core's PressHandler."""

    def __init__(self, press: PressHandler, renderer: DiscordRenderer) -> None:
        self._press = press
        self._renderer = renderer

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is not discord.InteractionType.component:
            return
        data: Any = interaction.data or {}
        custom_id = str(data.get("custom_id", ""))
        press = ButtonPress(custom_id, chat_of(interaction), str(interaction.user.id),
                            locale=str(interaction.locale))
        try:
            await self._answer(interaction, press)
        except discord.NotFound as exc:  # 10062 unknown interaction, 10008 unknown message
            log.info("a button press could not be answered: %s", exc.text or exc.status)
        except discord.HTTPException as exc:
            log.warning("Discord refused the answer to a button press: %s %s",
                        exc.status, exc.text)
        except Exception:  # one press must never take the adapter down
            log.exception("answering a button press in %s failed", press.chat.key)

    async def _answer(self, interaction: discord.Interaction, press: ButtonPress) -> None:
        task = asyncio.ensure_future(self._press(press))
        try:
            answer = await asyncio.wait_for(asyncio.shield(task), ANSWER_WITHIN)
        except TimeoutError:
            if is_depth(press.data):
                await interaction.response.defer(ephemeral=True, thinking=True)
            else:
                await interaction.response.defer()
            answer = await task
        await self._show(interaction, answer)

    async def _show(self, interaction: discord.Interaction, answer: ButtonAnswer) -> None:
        messages: list[dict[str, Any]] = []
        if answer.reply is not None:
            messages = [message_kwargs(p) for p in self._renderer.reply(answer.reply)]
        if answer.buttons is not None and not messages:
            await self._redraw(interaction, RawView(components(answer.buttons)))
        if not messages and answer.toast:
            messages = [{"content": answer.toast}]
        for kwargs in messages:
            if not interaction.response.is_done():
                await interaction.response.send_message(**kwargs, ephemeral=True)
            else:
                await interaction.followup.send(**kwargs, ephemeral=True)

    async def _redraw(self, interaction: discord.Interaction, view: RawView) -> None:
        """New buttons on the pressed message (type 7, or an edit after a type 6)."""
        response = interaction.response
        try:
            if not response.is_done():
                await response.edit_message(view=view)
            elif response.type is discord.InteractionResponseType.deferred_message_update:
                await interaction.edit_original_response(view=view)
        except discord.NotFound:  # the pressed message is gone: the toast still comes
            log.info("the pressed message was deleted; its buttons stay as they were")
