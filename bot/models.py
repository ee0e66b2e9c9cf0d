"""Frozen values that flow through the core.

Adapters render these at the edge; nothing here carries platform markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

AnnounceType = Literal["new", "cross", "replace", "replace-cross"]
SummarySource = Literal["llm", "offline", "unavailable"]
DigestStyle = Literal["full", "compact"]

QuietReason = Literal["no_announcement", "no_match", "quiet_day"]
Glossary = tuple[tuple[str, str], ...]
"""A topic's (term, how to render it) pairs for the card prompt; a tuple, so hashable."""
"""Why a digest has no papers; renderers say it in the reader's language (bot.labels)."""


@dataclass(frozen=True, order=True)
class ArxivId:
    """An arXiv identifier without its version (`2502.11190`, `hep-th/9901001`).

    A new version is not a new paper, so the version lives beside the id, not in it.
    """

    base: str
    version: int | None = None

    def __str__(self) -> str:
        return self.base if self.version is None else f"{self.base}v{self.version}"

    @property
    def unversioned(self) -> ArxivId:
        return ArxivId(self.base)


@dataclass(frozen=True)
class Paper:
    """One arXiv paper at one version, as the API or a listing describes it."""

    id: str  # unversioned base id
    version: int
    title: str
    authors: tuple[str, ...]
    abstract: str
    categories: tuple[str, ...]
    primary_category: str
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    announce_type: AnnounceType | None = None
    announced: date | None = None
    # The listing's dc:rights URL (issue 15): whether the paper's figures may be sent on.
    license: str | None = None

    @property
    def arxiv_id(self) -> ArxivId:
        return ArxivId(self.id, self.version)

    @property
    def withdrawn(self) -> bool:
        """arXiv marks withdrawals only in the comment ("This paper has been withdrawn")."""
        return bool(self.comment and re.search(r"\bwithdrawn\b", self.comment, re.IGNORECASE))

    @property
    def links(self) -> Links:
        return Links.for_id(self.id)


@dataclass(frozen=True)
class Links:
    """Where a paper can be read: abstract page, PDF, arXiv's HTML rendering, papers.cool."""

    abs: str
    pdf: str
    html: str
    papers_cool: str
    web: str | None = None  # the paper's page in paperbot's own web archive, if published

    @classmethod
    def for_id(cls, base_id: str) -> Links:
        return cls(
            abs=f"https://arxiv.org/abs/{base_id}",
            pdf=f"https://arxiv.org/pdf/{base_id}",
            html=f"https://arxiv.org/html/{base_id}",
            papers_cool=f"https://papers.cool/arxiv/{base_id}",
        )


@dataclass(frozen=True)
class CardText:
    """What the LLM (or the offline fallback) says about one paper in one language."""

    summary: str
    key_takeaways: tuple[str, ...]
    title_translation: str | None
    abstract_translation: str | None
    source: SummarySource
    language: str
    model: str = ""
    tldr: str = ""  # issue 11: one line for compact digests ("" from older cards)


@dataclass(frozen=True)
class Reason:
    """Why a ranked digest shows a paper, as facts (renderers word them, never a score):
    the topic's keywords it matches, the seed or liked papers it is close to, and the
    followed authors who wrote it."""

    keywords: tuple[str, ...] = ()
    close_to: tuple[str, ...] = ()  # base ids
    authors: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.keywords or self.close_to or self.authors)


RankedBy = Literal["semantic", "keywords"]
"""How a digest was ranked: by embeddings, or by the BM25 fallback (no embedding endpoint)."""


@dataclass(frozen=True)
class PaperCard:
    """A paper plus its card text: everything a renderer needs for one paper."""

    paper: Paper
    text: CardText
    web: str | None = None  # its page in the web archive (digest cards, `[web] base_url`)
    reason: Reason | None = None  # set in ranked digests

    @property
    def links(self) -> Links:
        links = self.paper.links
        return links if self.web is None else replace(links, web=self.web)


@dataclass(frozen=True)
class Topic:
    """A named interest: categories plus optional keywords (any matches) and exclusions."""

    name: str
    categories: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    exclude_keywords: tuple[str, ...] = ()
    include_cross_lists: bool = True
    max_papers: int = 50
    glossary: Glossary = ()
    description: str = ""  # what the topic is about, for semantic ranking
    seed_papers: tuple[str, ...] = ()  # base ids of papers that describe it

    def matches(self, paper: Paper) -> bool:
        if paper.announce_type in ("replace", "replace-cross"):
            return False
        if not set(paper.categories) & set(self.categories) and (
            paper.primary_category not in self.categories
        ):
            return False
        # A cross-list is relative to the topic, not to the feed it came in: a combined
        # feed calls a cs.CV paper cross-listed to cs.CL "new".
        if not self.include_cross_lists and paper.primary_category not in self.categories:
            return False
        haystack = f"{paper.title}\n{paper.abstract}".casefold()
        if any(_contains(haystack, k) for k in self.exclude_keywords):
            return False
        return not self.keywords or any(_contains(haystack, k) for k in self.keywords)


def _contains(haystack: str, keyword: str) -> bool:
    """Whole-word, case-insensitive match, so "RL" does not match "world"."""
    needle = re.escape(keyword.casefold()).replace(r"\ ", r"[\s\-]+")
    return re.search(rf"(?<!\w){needle}(?!\w)", haystack) is not None


@dataclass(frozen=True)
class Digest:
    """The papers of one announcement for one topic, as cards in one language."""

    topic: str
    announced: date | None
    language: str
    cards: tuple[PaperCard, ...]
    generated_at: datetime
    quiet: QuietReason | None = None  # set when there are no papers to show
    omitted: int = 0  # matching papers left out by the topic's max_papers
    style: DigestStyle = "full"  # issue 11: a card per paper, or several papers a message
    matched: int = 0  # papers that matched before ranking kept the top ones (0: unranked)
    ranked_by: RankedBy | None = None  # None: listing order (no ranking step)

    def with_web_pages(self, page: Callable[[str], str]) -> Digest:
        """The digest with each card linking to its page in the web archive (`page(id)`)."""
        cards = tuple(replace(c, web=page(c.paper.id)) for c in self.cards)
        return replace(self, cards=cards)


@dataclass(frozen=True)
class ChatRef:
    """Where a command came from or a message goes: a platform and its chat id."""

    platform: str  # a registered platform name (adapters/), e.g. telegram
    chat_id: str
    is_private: bool = True

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.chat_id}"


@dataclass(frozen=True)
class IncomingCommand:
    """A platform-neutral command: adapters build these from platform events."""

    name: str
    args: str  # the argument text as typed; ignored when `options` are given
    chat: ChatRef
    user_id: str
    user_is_admin: bool = True
    replied_text: str | None = None  # text of the message this one replies to, if any
    locale: str | None = None  # the user's client language, if the platform tells
    # Named options, when the platform has them (Discord slash commands): then the core reads
    # these instead of guessing from `args` ("Bonjour de" is text, not text + German).
    options: tuple[tuple[str, str], ...] | None = None
    # False where the operator runs commands on their own key (a terminal): no daily limit.
    metered: bool = True
    # The command named this bot (Telegram's `/cmd@paperbot`): in a group, an unknown one is
    # then surely meant for us; without it, it may be another bot's.
    addressed: bool = False


@dataclass(frozen=True)
class ImageRef:
    """An image to show with a reply (a paper's first figure): where it is and its caption.
    Only set when the paper's licence lets it be sent on (bot.fulltext.licence)."""

    url: str
    caption: str = ""


@dataclass(frozen=True)
class Reply:
    """What a handler answers: plain text plus structured cards/digests for the renderer.

    `text` is plain (never markup): each adapter escapes it for its platform.
    """

    text: str = ""
    cards: tuple[PaperCard, ...] = ()
    digests: tuple[Digest, ...] = ()
    is_error: bool = False
    ephemeral: bool = False
    # Why an error reply is one: the user's input, arXiv/the LLM, or a bug (the CLI's exit code).
    failure: Literal["usage", "upstream", "crash"] | None = None
    # Sent after the text, as a photo where the platform has photos (issue 15).
    image: ImageRef | None = None
    # Issue 11: buttons under the reply's text (rows), and a file sent with it.
    buttons: tuple[tuple[Button, ...], ...] = ()
    attachment: Attachment | None = None


@dataclass(frozen=True)
class ChatSettings:
    """Per-chat preferences for private digests and command defaults."""

    chat: ChatRef
    language: str
    delivery_time: str  # "HH:MM" local
    timezone: str
    paused: bool = False
    quiet_day_notice: bool = True
    style: DigestStyle | None = None  # None: compact in groups and channels, full in private


@dataclass(frozen=True)
class Subscription:
    chat: ChatRef
    topic: Topic


@dataclass(frozen=True)
class OutgoingMessage:
    """One platform message ready to send, as stored in the outbox.

    `payload` is what the platform renderer produced (JSON-serialisable), so a restart
    sends exactly what was decided before the crash.
    """

    dedupe_key: str
    chat: ChatRef
    payload: dict[str, Any]
    digest_key: str = ""
    seq: int = 0
    paper_ids: tuple[str, ...] = field(default_factory=tuple)


class Signal(StrEnum):
    """What a reader said about a paper with a button: liked, disliked, saved to read."""

    UP = "up"
    DOWN = "down"
    SAVE = "save"


@dataclass(frozen=True)
class Feedback:
    """One reader's signal on one paper, in the chat where they gave it.

    `user_key` and `chat_key` are "<platform>:<id>" (as the cost guard names them); a signal
    given in a private chat has the user's own chat as `chat_key`."""

    user_key: str
    chat_key: str
    base_id: str
    version: int
    signal: Signal
    at: datetime


@dataclass(frozen=True)
class Attachment:
    """A file sent with a reply (a .bib export): Telegram sends a document, Discord an
    attachment, the console prints the text."""

    filename: str
    content: str
    mime: str = "text/plain"


@dataclass(frozen=True)
class Button:
    """One button under a message. `data` is the compact callback payload a press sends back
    (bot.buttons.payload); a link button has `url` instead. `label` is already in the
    reader's language; `active` marks a signal the presser has set (shown as a check)."""

    label: str
    data: str = ""
    url: str = ""
    active: bool = False


@dataclass(frozen=True)
class ButtonPress:
    """A press on one of our buttons, as a platform reports it: who pressed, where, and the
    payload. The action acts for the presser in the chat it was pressed in, whatever the
    payload says."""

    data: str
    chat: ChatRef
    user_id: str
    locale: str | None = None
    metered: bool = True


ShowWhere = Literal["toast", "private", "chat", "edit"]


@dataclass(frozen=True)
class ButtonAnswer:
    """What a press gets: a short toast (always), optional content and where to show it
    ("private": to the presser alone, falling back to the chat; "chat": a reply there;
    "edit": in place of the pressed message), and new buttons for the pressed message."""

    toast: str
    reply: Reply | None = None
    show: ShowWhere = "toast"
    buttons: tuple[tuple[Button, ...], ...] | None = None
    alert: bool = False  # shown as a dialog, not a passing toast (an expired button)
