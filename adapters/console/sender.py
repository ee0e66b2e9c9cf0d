"""Writing rendered payloads to the terminal; a closed stream is the console's "chat gone"."""

from __future__ import annotations

from typing import Any, TextIO

from bot.errors import RecipientGone


def write_payload(stream: TextIO, payload: dict[str, Any]) -> None:
    """Write one payload's text followed by a blank line; raise RecipientGone when the
    terminal is gone (a closed pipe), which the outbox treats like a blocked chat."""
    try:
        stream.write(str(payload.get("text", "")).rstrip("\n") + "\n\n")
        stream.flush()
    except (BrokenPipeError, ValueError) as exc:  # ValueError: I/O on a closed file
        raise RecipientGone(f"console: {exc}") from exc
