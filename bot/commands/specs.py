"""The one command table. The router, /help, Telegram's command menu and Discord's slash
commands are all built from it, so they cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ArgKind(StrEnum):
    """What an argument holds; each kind has one parser (bot.commands.kinds)."""

    ARXIV_ID = "arxiv id"
    PAPER_OR_TEXT = "arxiv id or text"
    LANGUAGE = "language"
    TIME = "time of day"
    TIMEZONE = "time zone"
    TOPIC_SPEC = "topic"
    SUBSCRIBED_TOPIC = "subscribed topic"
    SETTING = "setting"
    SETTING_VALUE = "setting value"  # parsed by the kind of the setting named before it
    COMMAND = "command"
    DEPTH = "depth"  # issue 15: `full` asks for a deep summary from the paper's full text
    EXPORT_FORMAT = "export format"  # issue 11
    DIGEST_STYLE = "digest style"  # issue 11
    AUTHOR = "author name"  # issue 12
    ARXIV_IDS = "arxiv ids"  # issue 12


# Kinds whose values adapters can suggest while the user types (see bot.ports.Completer).
_SUGGESTED = {
    ArgKind.LANGUAGE: "language",
    ArgKind.TOPIC_SPEC: "topic",
    ArgKind.SUBSCRIBED_TOPIC: "topic",
    ArgKind.SETTING: "setting",
    ArgKind.COMMAND: "command",
}


@dataclass(frozen=True)
class ArgSpec:
    """One argument. `rest` takes the remainder of the line (free text, keyword lists)."""

    name: str
    description: str  # a msgid, like `missing` and CommandSpec.summary
    kind: ArgKind
    required: bool = True
    rest: bool = False
    # A replied-to message can stand in for it, so it may be left out where replies exist;
    # platforms whose commands cannot reply to a message (Discord slash commands) require it.
    from_reply: bool = False
    missing: str = ""  # what to ask for when it is needed and not given

    @property
    def choices(self) -> str | None:
        """The autocomplete kind adapters offer for it, if any ("topic", "language", …)."""
        return _SUGGESTED.get(self.kind)


@dataclass(frozen=True)
class CommandSpec:
    """One command: its name, one-line summary, arguments and how platforms should treat it."""

    name: str
    summary: str  # a msgid: one line, ≤ 100 chars in every language (Discord's limit)
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


_LANG = ArgSpec("lang", "language code, e.g. zh, en, ja", ArgKind.LANGUAGE, required=False)

COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("start", "Welcome and how to begin", hidden=True),
    CommandSpec(
        "help",
        "List commands and how to use them",
        (ArgSpec("command", "a command to explain, e.g. summarize", ArgKind.COMMAND,
                 required=False),),
    ),
    CommandSpec(
        "summarize",
        "Summarize an arXiv paper: summary, key takeaways, translated abstract",
        (
            ArgSpec("id", "arXiv id or URL, e.g. 1706.03762", ArgKind.ARXIV_ID, from_reply=True,
                    missing="Which paper? Give an arXiv id or link."),
            # issue 15: optional, skipped when the word is a language (bot.commands.parsing)
            ArgSpec("full", "'full' for a deep summary from the paper's full text",
                    ArgKind.DEPTH, required=False),
            _LANG,
        ),
        slow=True,
    ),
    CommandSpec(
        "translate",
        "Translate an arXiv paper's abstract or any text (or reply to a message)",
        (
            ArgSpec("text", "arXiv id, URL or text to translate", ArgKind.PAPER_OR_TEXT,
                    required=False, rest=True, from_reply=True,
                    missing="What should I translate? Give text or an arXiv id, "
                    "or reply to a message."),
            _LANG,
        ),
        slow=True,
    ),
    CommandSpec("topics", "List the configured topics you can subscribe to"),
    CommandSpec(
        "subscribe",
        "Subscribe to a topic, a category (cs.CV) or a category with keywords",
        (
            ArgSpec("topic", 'topic name, category, or category + keywords/"phrases"',
                    ArgKind.TOPIC_SPEC, rest=True,
                    missing="Which topic? Send /topics to see them."),
        ),
        changes_chat=True,
    ),
    CommandSpec(
        "unsubscribe",
        "Unsubscribe from a topic, or from everything with 'all'",
        (ArgSpec("topic", "topic name or 'all'", ArgKind.SUBSCRIBED_TOPIC, rest=True,
                 missing="Which topic? Send /subscriptions to see yours."),),
        changes_chat=True,
    ),
    CommandSpec("subscriptions", "Show this chat's subscriptions and settings"),
    CommandSpec(
        "settings",
        "Set digest language, delivery time, time zone or style",
        (
            ArgSpec("setting", "lang, time, timezone or style", ArgKind.SETTING,
                    required=False),
            ArgSpec("value", "e.g. zh, 08:30, Asia/Shanghai, compact or full",
                    ArgKind.SETTING_VALUE,
                    required=False, rest=True),
        ),
        changes_chat=True,
    ),
    CommandSpec("digest", "Your papers from the latest arXiv announcement, now", slow=True),
    CommandSpec("pause", "Pause this chat's daily digest", changes_chat=True),
    CommandSpec("resume", "Resume this chat's daily digest", changes_chat=True),
    # Not changes_chat: in a group it deletes only the asker's own data, never the group's.
    CommandSpec("forget", "Delete everything paperbot stores about you"),
    # issue 15: what the asker's on-demand work cost today
    CommandSpec("usage", "Your LLM calls and tokens today, against your daily limit"),
    # issue 11: the reading list the Save button fills
    CommandSpec("saved", "List the papers you saved with the Save button"),
    CommandSpec(
        "unsave",
        "Remove a paper from your reading list",
        (ArgSpec("id", "arXiv id or URL, e.g. 1706.03762", ArgKind.ARXIV_ID,
                 missing="Which paper? Give an arXiv id or link."),),
    ),
    CommandSpec(
        "export",
        "Send your reading list as a file: /export bibtex",
        (ArgSpec("format", "the file format: bibtex", ArgKind.EXPORT_FORMAT,
                 missing="Which format? Only bibtex for now: /export bibtex."),),
    ),
    # issue 12: relevance ranking — followed authors and seed papers, per chat
    CommandSpec(
        "follow",
        "Follow an author: their new papers always reach this chat's digest",
        (ArgSpec("name", "the author's name, e.g. Yann LeCun", ArgKind.AUTHOR, rest=True,
                 missing="Whose papers? Give an author's name, e.g. /follow Yann LeCun."),),
        changes_chat=True,
    ),
    CommandSpec(
        "unfollow",
        "Stop following an author",
        (ArgSpec("name", "the author's name, as you followed it", ArgKind.AUTHOR, rest=True,
                 missing="Which author? Send /following to see them."),),
        changes_chat=True,
    ),
    CommandSpec("following", "List the authors this chat follows"),
    CommandSpec(
        "seed",
        "Give papers that describe what this chat wants, to rank digests by",
        (ArgSpec("ids", "one or more arXiv ids, e.g. 2501.12948", ArgKind.ARXIV_IDS, rest=True,
                 missing="Which papers? Give one or more arXiv ids, e.g. /seed 2501.12948."),),
        slow=True,
        changes_chat=True,
    ),
)

BY_NAME: dict[str, CommandSpec] = {c.name: c for c in COMMANDS}
