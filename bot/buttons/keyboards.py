"""The buttons under papers, in the reader's language: a paper's own keyboard (depth, PDF,
feedback) and the number rows of a compact digest. Renderers lay these rows out as their
platform's buttons; the limits here fit both Telegram and Discord (≤ 5 buttons a row)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.buttons.payload import Action, Payload, encode
from bot.i18n import N_, tr
from bot.models import Button, Paper, Signal

Rows = tuple[tuple[Button, ...], ...]
ROW_WIDTH = 5  # Discord's most buttons a row (Telegram allows 8)

SUMMARY = N_("Summary")
DEEP = N_("Deep summary")
BACK = N_("↩ Back to the card")
ABSTRACT = N_("Abstract")
SAVE = N_("Save")
_SIGNAL_ACTIONS = {Signal.UP: Action.UP, Signal.DOWN: Action.DOWN, Signal.SAVE: Action.SAVE}
_SIGNAL_FACES = {Signal.UP: "👍", Signal.DOWN: "👎"}


def data(action: Action, paper: Paper, language: str | None) -> str:
    return encode(Payload(action, paper.id, paper.version, language))


def _signal_label(signal: Signal, language: str, count: int | None) -> str:
    face = _SIGNAL_FACES.get(signal) or f"🔖 {tr(language, SAVE)}"
    return f"{face} {count}" if count else face


def paper_buttons(
    paper: Paper,
    language: str,
    *,
    state: set[Signal] | frozenset[Signal] = frozenset(),
    counts: Mapping[Signal, int] | None = None,
    back: bool = False,
) -> Rows:
    """Summary, Deep summary, Abstract and PDF; then 👍, 👎, Save; with `back` a last row
    that restores the card (a depth view edited in place). `state` marks the presser's own
    signals (private chats), `counts` shows how many set each (groups)."""
    depth = (
        Button(tr(language, SUMMARY), data=data(Action.SUMMARY, paper, language)),
        Button(tr(language, DEEP), data=data(Action.DEEP, paper, language)),
        Button(tr(language, ABSTRACT), data=data(Action.ABSTRACT, paper, language)),
        Button("PDF", url=paper.links.pdf),
    )
    feedback = tuple(
        Button(
            _signal_label(signal, language, (counts or {}).get(signal)),
            data=data(action, paper, language),
            active=signal in state,
        )
        for signal, action in _SIGNAL_ACTIONS.items()
    )
    if back:
        return (depth, feedback, (back_button(paper, language),))
    return (depth, feedback)


def back_button(paper: Paper, language: str) -> Button:
    return Button(tr(language, BACK), data=data(Action.CARD, paper, language))


def number_buttons(papers: Sequence[Paper], first: int, language: str) -> Rows:
    """One button per paper numbered from `first`, in rows of ROW_WIDTH."""
    buttons = [
        Button(str(n), data=data(Action.PICK, paper, language))
        for n, paper in enumerate(papers, first)
    ]
    return tuple(
        tuple(buttons[i : i + ROW_WIDTH]) for i in range(0, len(buttons), ROW_WIDTH)
    )
