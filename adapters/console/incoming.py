"""Lines typed in `paperbot chat` → core commands, as one local user in a private chat."""

from __future__ import annotations

from bot.models import ChatRef, IncomingCommand

CHAT = ChatRef("console", "local", is_private=True)


def parse_line(line: str, user: str = "local", locale: str | None = None) -> IncomingCommand | None:
    """`/summarize 1706.03762 zh` → a command; anything not starting with "/" → None.

    The terminal is the operator's own: its commands are not metered against a budget.
    """
    text = line.strip()
    if not text.startswith("/") or len(text) == 1:
        return None
    name, _, args = text[1:].partition(" ")
    return IncomingCommand(
        name=name.lower(),
        args=args.strip(),
        chat=CHAT,
        user_id=user,
        user_is_admin=True,
        locale=locale,
        metered=False,
    )
