"""The one command table. The router, /help, Telegram's command menu and Discord's slash
commands are all built from it, so they cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ArgSpec:
    """One argument. `rest` takes the remainder of the line (free text, keyword lists)."""

    name: str
    description: str
    required: bool = True
    rest: bool = False
    choices: str | None = None  # "topic" or "language": adapters offer autocomplete
    # Optional only because a replied-to message can stand in for it: platforms whose
    # commands cannot reply to a message (Discord slash commands) make it required.
    from_reply: bool = False


@dataclass(frozen=True)
class CommandSpec:
    name: str
    summary: str  # one line, ≤ 100 chars (Discord's and Telegram's limit)
    args: tuple[ArgSpec, ...] = ()
    slow: bool = False  # may call the LLM or arXiv: show typing / defer the interaction
    changes_chat: bool = False  # in groups and channels only admins may run it
    hidden: bool = False  # not offered in menus (e.g. /start)

    @property
    def usage(self) -> str:
        parts = [f"/{self.name}"]
        for arg in self.args:
            label = f"{arg.name}..." if arg.rest else arg.name
            parts.append(f"<{label}>" if arg.required else f"[{label}]")
        return " ".join(parts)


_LANG = ArgSpec("lang", "language code, e.g. zh, en, ja", required=False, choices="language")

COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("start", "Welcome and how to begin", hidden=True),
    CommandSpec("help", "List commands and how to use them"),
    CommandSpec(
        "summarize",
        "Summarize an arXiv paper: summary, key takeaways, translated abstract",
        (ArgSpec("id", "arXiv id or URL, e.g. 1706.03762"), _LANG),
        slow=True,
    ),
    CommandSpec(
        "translate",
        "Translate an arXiv paper's abstract or any text (or reply to a message)",
        (ArgSpec(
                "text",
                "arXiv id, URL or text to translate",
                required=False,
                rest=True,
                from_reply=True,
            ), _LANG),
        slow=True,
    ),
    CommandSpec("topics", "List the configured topics you can subscribe to"),
    CommandSpec(
        "subscribe",
        "Subscribe to a topic, a category (cs.CV) or a category with keywords",
        (
            ArgSpec(
                "topic",
                'topic name, category, or category + keywords/"phrases"',
                rest=True,
                choices="topic",
            ),
        ),
        changes_chat=True,
    ),
    CommandSpec(
        "unsubscribe",
        "Unsubscribe from a topic, or from everything with 'all'",
        (ArgSpec("topic", "topic name or 'all'", rest=True, choices="topic"),),
        changes_chat=True,
    ),
    CommandSpec("subscriptions", "Show this chat's subscriptions and settings"),
    CommandSpec(
        "settings",
        "Set digest language, delivery time or time zone",
        (
            ArgSpec("setting", "lang, time or timezone", required=False),
            ArgSpec("value", "e.g. zh, 08:30, Asia/Shanghai", required=False),
        ),
        changes_chat=True,
    ),
    CommandSpec("digest", "Your papers from the latest arXiv announcement, now", slow=True),
    CommandSpec("pause", "Pause this chat's daily digest", changes_chat=True),
    CommandSpec("resume", "Resume this chat's daily digest", changes_chat=True),
)

BY_NAME: dict[str, CommandSpec] = {c.name: c for c in COMMANDS}
