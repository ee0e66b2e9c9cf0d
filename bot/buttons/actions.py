"""Answering a button press: depth (summary, abstract) from the card cache, a deep summary
from the full text (issue 15), the card again, feedback toggles.

The payload only names a paper; who acts and where come from the press itself, so a copied
or forged payload cannot act for anyone else. Anything that does not decode, or names a
paper this bot never stored, is an expired button: a polite alert, nothing changed.
A card that was never made is made once (the CardService's single flight and cache),
charged to the presser like /summarize.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Protocol

from bot.buttons.depth import abstract_text, summary_text
from bot.buttons.keyboards import paper_buttons
from bot.buttons.payload import Action, Payload, decode
from bot.commands.chat_settings import chat_language
from bot.commands.context import Core
from bot.commands.cost_guard import charge_llm_call
from bot.commands.deep import deep_summary
from bot.commands.router import crash_reply, upstream_reply
from bot.errors import UpstreamError, UserError
from bot.i18n import N_, tr
from bot.models import (
    ButtonAnswer,
    ButtonPress,
    CardText,
    ChatRef,
    Feedback,
    IncomingCommand,
    Paper,
    PaperCard,
    Reply,
    Signal,
)
from bot.ports import ArchiveStore, FeedbackStore, PaperStore

log = logging.getLogger(__name__)

EXPIRED = N_("This button has expired. Send /summarize with the paper's id instead.")
_SIGNALS = {Action.UP: Signal.UP, Action.DOWN: Signal.DOWN, Action.SAVE: Signal.SAVE}
_SET = {
    Signal.UP: N_("👍 Noted: more papers like this one."),
    Signal.DOWN: N_("👎 Noted: fewer papers like this one."),
    Signal.SAVE: N_("Saved to your reading list (/saved)."),
}
_CLEARED = {
    Signal.UP: N_("👍 removed."),
    Signal.DOWN: N_("👎 removed."),
    Signal.SAVE: N_("Removed from your reading list."),
}


class ButtonStore(PaperStore, FeedbackStore, ArchiveStore, Protocol):
    """What presses read and write: papers, feedback, and any cached card of a paper."""


def presser_command(press: ButtonPress) -> IncomingCommand:
    """The press as the cost guard sees a command: the presser pays, in the chat pressed in."""
    return IncomingCommand(
        name="button", args="", chat=press.chat, user_id=press.user_id,
        locale=press.locale, metered=press.metered,
    )


class ButtonHandler:
    """Turns a ButtonPress into a ButtonAnswer; never raises for a user's press."""

    def __init__(self, core: Core, store: ButtonStore) -> None:
        self._core = core
        self._store = store

    def language(self, press: ButtonPress) -> str:
        """The presser's own language: their private chat's setting, else their client's."""
        own = ChatRef(press.chat.platform, press.user_id, is_private=True)
        return chat_language(self._core, own, press.locale)

    async def handle(self, press: ButtonPress) -> ButtonAnswer:
        ui = self.language(press)
        payload = decode(press.data)
        paper = None
        if payload is not None:
            paper = self._store.get_paper(payload.base_id, payload.version)
        if payload is None or paper is None:
            log.info("expired or forged button %r from %s", press.data[:80], press.chat.key)
            return ButtonAnswer(toast=tr(ui, EXPIRED), alert=True)
        try:
            signal = _SIGNALS.get(payload.action)
            if signal is not None:
                return self._feedback(press, payload, paper, signal, ui)
            return await self._depth(press, payload, paper, ui)
        except UserError as exc:  # a budget refusal
            return ButtonAnswer(toast=exc.say(ui), alert=True)
        except UpstreamError as exc:  # the press is still answered: never a silent spinner
            ref, reply = upstream_reply(ui)
            log.warning("button %r failed upstream (ref %s): %s", press.data[:80], ref, exc)
            return ButtonAnswer(toast=reply.text, alert=True)
        except Exception:
            ref, reply = crash_reply(ui)
            log.exception("button %r from %s crashed (ref %s)", press.data[:80],
                          press.chat.key, ref)
            return ButtonAnswer(toast=reply.text, alert=True)

    def _feedback(
        self, press: ButtonPress, payload: Payload, paper: Paper, signal: Signal, ui: str
    ) -> ButtonAnswer:
        user = f"{press.chat.platform}:{press.user_id}"
        now_set = self._store.toggle_feedback(
            Feedback(user, press.chat.key, paper.id, paper.version, signal,
                     self._core.clock.now())
        )
        language = payload.language or ui
        if press.chat.is_private:
            state = self._store.feedback_state(user, press.chat.key, paper.id)
            rows = paper_buttons(paper, language, state=state)
        else:
            counts = self._store.feedback_counts(press.chat.key, paper.id)
            rows = paper_buttons(paper, language, counts=counts)
        said = _SET[signal] if now_set else _CLEARED[signal]
        return ButtonAnswer(toast=tr(ui, said), buttons=rows)

    async def _depth(
        self, press: ButtonPress, payload: Payload, paper: Paper, ui: str
    ) -> ButtonAnswer:
        """Depth goes to the presser alone in groups; in a private chat it replaces the
        card (with a button back to it), except a compact list's number, which keeps the
        list and answers below it."""
        language = payload.language or ui
        in_place = press.chat.is_private and payload.action is not Action.PICK
        rows = paper_buttons(paper, language, back=in_place and payload.action is not Action.CARD)
        if payload.action is Action.DEEP:
            deep = await deep_summary(self._core, presser_command(press), paper.arxiv_id,
                                      language)
            reply = replace(deep, buttons=rows)
        else:
            text = await self._card_text(press, paper, language)
            if payload.action is Action.CARD:
                reply = Reply(cards=(PaperCard(paper, text),), buttons=rows)
            elif payload.action is Action.ABSTRACT:
                reply = Reply(text=abstract_text(paper, text, ui), buttons=rows)
            else:
                reply = Reply(text=summary_text(paper, text, ui), buttons=rows)
        if in_place:
            return ButtonAnswer(toast="", reply=reply, show="edit")
        return ButtonAnswer(toast="", reply=reply,
                            show="chat" if press.chat.is_private else "private")

    async def _card_text(self, press: ButtonPress, paper: Paper, language: str) -> CardText:
        """The cached card (any glossary's, so a digest's card is found), else one made now
        and charged to the presser."""
        cards = self._core.cards
        cached = cards.cached(paper, language)
        if cached is not None:
            return cached
        if not cards.offline:
            best = self._store.best_cards([paper.id], language).get(paper.id)
            if best is not None and best.language == language and best.source == "llm":
                return best
            charge_llm_call(self._core, presser_command(press))
        return (await cards.card(paper, language)).text
