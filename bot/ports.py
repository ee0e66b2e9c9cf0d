"""The small seams the core depends on. Adapters, storage and tests implement them.

Storage is split by role (papers, card cache, chats, outbox, usage): each service asks only
for the roles it uses. Store methods are synchronous: SQLite calls are short (see
benchmarks), and keeping them plain functions keeps every caller simple.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from bot.fulltext.models import DeepCard, FullText
from bot.models import (
    ArxivId,
    ButtonAnswer,
    ButtonPress,
    CardText,
    ChatRef,
    ChatSettings,
    Digest,
    Feedback,
    Glossary,
    IncomingCommand,
    OutgoingMessage,
    Paper,
    Reply,
    Signal,
    Subscription,
)

CommandHandler = Callable[[IncomingCommand], Awaitable[Reply]]
"""The core's entry point for adapters: a platform-neutral command in, a Reply out."""

PressHandler = Callable[[ButtonPress], Awaitable[ButtonAnswer]]
"""Issue 11: where adapters send a press on one of our buttons; the answer says what to show."""

Completer = Callable[[str, str, ChatRef], list[str]]
"""(kind, typed prefix, chat) → up to 25 suggestions; kind is an ArgSpec.choices value."""


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...


@dataclass(frozen=True)
class Listing:
    """What arXiv announced for some categories on one announcement day."""

    categories: tuple[str, ...]
    announced: date | None  # None: nothing announced (weekend, holiday) or not yet
    papers: tuple[Paper, ...]


class ArxivSource(Protocol):
    async def listing(self, categories: Sequence[str]) -> Listing:
        """The latest announcement for these categories (one RSS request), with metadata."""
        ...

    async def papers(self, ids: Sequence[ArxivId]) -> dict[str, Paper]:
        """Metadata by id (API `id_list` batches), keyed by unversioned base id."""
        ...

    async def lookup(self, requester: str, ids: Sequence[ArxivId]) -> dict[str, Paper]:
        """`papers` for an on-demand command: queued fairly per requester and coalesced with
        other requesters' lookups, after scheduled work."""
        ...

    async def papers_in_window(
        self, categories: Sequence[str], start: datetime, end: datetime
    ) -> list[Paper]:
        """Papers first submitted in [start, end), for catch-up after downtime."""
        ...


class LLM(Protocol):
    @property
    def model(self) -> str: ...

    @property
    def offline(self) -> bool:
        """True when no LLM is configured and answers come from the extractive fallback."""
        ...

    async def card(self, paper: Paper, language: str, glossary: Glossary = ()) -> CardText:
        """Summary, takeaways and translations of one paper, rendering the glossary's terms
        as it says; raises UpstreamError."""
        ...

    async def translate(self, text: str, language: str) -> str: ...


@dataclass(frozen=True)
class Completion:
    """One LLM answer and what it cost, from the API's `usage` (issue 15)."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class TextLLM(Protocol):
    """An LLM asked with prepared messages (deep cards); raises UpstreamError, RateLimited."""

    @property
    def model(self) -> str: ...

    async def complete(self, messages: list[dict[str, str]]) -> Completion: ...


class FullTextSource(Protocol):
    """A paper version's full text from arXiv (HTML, else PDF), or "abstract only" and why;
    raises UpstreamError when arXiv keeps failing (bot.fulltext.fetch)."""

    async def fetch(self, base_id: str, version: int) -> FullText: ...


class Renderer(Protocol):
    """Turns core values into platform payloads (JSON-serialisable dicts). Pure: no I/O."""

    def reply(self, reply: Reply) -> list[dict[str, Any]]: ...

    def digest(self, digest: Digest) -> list[dict[str, Any]]: ...


class Sender(Protocol):
    """Sends one rendered payload. Raises RateLimited, RecipientGone, ChatMoved,
    MessageRejected, DeliveryUncertain or UpstreamError; returns the platform's message id.

    `plain=True` asks for the payload without markup (after MessageRejected); a sender that
    cannot make it plain raises MessageRejected without sending."""

    async def send(self, chat: ChatRef, payload: dict[str, Any], *, plain: bool = False) -> str:
        ...


@dataclass(frozen=True)
class Capabilities:
    """What a platform can do, so the core can choose without naming the platform."""

    buttons: bool = False
    edits: bool = False
    threads: bool = False
    direct_messages: bool = True
    max_message_chars: int = 4096
    # False only for the operator's own terminal: their key, their budget.
    metered: bool = True


class Platform(Sender, Protocol):
    """A chat platform as the core sees it: started and stopped by the composition root,
    given rendered payloads to send. Commands reach the core through the CommandHandler
    the platform was built with."""

    @property
    def name(self) -> str: ...

    @property
    def capabilities(self) -> Capabilities: ...

    @property
    def renderer(self) -> Renderer: ...

    async def start(self) -> None:
        """Connect (check the token, register commands); raise on a fatal problem."""
        ...

    async def stop(self) -> None: ...


class ChatEvents(Protocol):
    """Told when a chat's subscriptions or settings change, so its schedule follows."""

    def chat_changed(self, chat: ChatRef) -> None: ...


@dataclass(frozen=True)
class ClaimedMessage:
    row_id: int
    message: OutgoingMessage
    attempts: int
    deferrals: int = 0  # retries that did not count as attempts (rate limits, chat moves)


@dataclass(frozen=True)
class ForgottenChat:
    """What deleting one chat's data removed, for the reply that says so."""

    settings: bool
    subscriptions: int
    queued: int  # digest messages not sent yet


class PaperStore(Protocol):
    """Papers and the announcements (listings) they came in.

    Announcements are stored per date and category, not per set of categories asked for:
    a listing of any subset or superset of what was fetched finds the papers stored.
    """

    def upsert_papers(self, papers: Sequence[Paper], latest: bool = True) -> None:
        """Store papers; `latest=False` for versions asked for by number (not the newest)."""
        ...
    def get_paper(self, base_id: str, version: int | None = None) -> Paper | None:
        """The newest version arXiv gave as current, or exactly `version`; None if unknown."""
        ...
    def save_listing(self, listing: Listing) -> None:
        """Add the listing's papers to its date and mark its categories fetched for it."""
        ...
    def get_listing(self, categories: Sequence[str], announced: date) -> Listing | None:
        """That day's papers in those of `categories` fetched for it; the result's
        `categories` say which were (None: none was)."""
        ...
    def latest_listing(self, categories: Sequence[str]) -> Listing | None:
        """`get_listing` of the latest day on which any of `categories` was fetched."""
        ...


class CardCache(Protocol):
    """Cards cached forever by (paper, version, language, model, prompt version), and
    free-text translations by a hash of (text, language, model, prompt version), kept only
    for the retention period and noted with the users who asked (so /forget finds them)."""

    def get_card(
        self, base_id: str, version: int, language: str, model: str, prompt_version: str
    ) -> CardText | None: ...
    def put_card(
        self, base_id: str, version: int, card: CardText, prompt_version: str
    ) -> None: ...
    def get_translation(self, key: str) -> str | None: ...
    def put_translation(self, key: str, text: str, user_key: str | None = None) -> None: ...
    def add_translation_user(self, key: str, user_key: str) -> None:
        """Note that this user asked for the stored translation too (a cache hit)."""
        ...
    def forget_translations(self, user_key: str) -> int:
        """Delete every stored translation the user asked for; returns how many."""
        ...
    def purge_translations(self, before: datetime) -> int:
        """Delete translations stored before `before`; returns how many."""
        ...


class ChatStore(Protocol):
    """Chats: settings, subscriptions, and whether the platform says the chat is gone."""

    def get_settings(self, chat: ChatRef) -> ChatSettings | None: ...
    def save_settings(self, settings: ChatSettings) -> None: ...
    def subscriptions(self, chat: ChatRef) -> list[Subscription]: ...
    def all_subscriptions(self) -> list[Subscription]: ...
    def add_subscription(self, subscription: Subscription) -> None: ...
    def remove_subscription(self, chat: ChatRef, topic_name: str | None) -> int:
        """Remove one topic (or all when None); returns how many were removed."""
        ...
    def move_chat(self, old: ChatRef, new: ChatRef) -> None: ...
    def forget_chat(self, chat: ChatRef) -> ForgottenChat:
        """Delete all the chat's data, atomically: settings, subscriptions, its outbox rows
        not being sent right now, and its delivery and digest logs."""
        ...
    # a destination the platform says is gone (blocked, kicked): paused until it returns
    def mark_chat_gone(self, chat: ChatRef, reason: str, now: datetime) -> bool:
        """True only the first time, so the event is logged once."""
        ...
    def chat_gone(self, chat: ChatRef) -> str | None: ...
    def clear_chat_gone(self, chat: ChatRef, now: datetime) -> bool: ...


class Outbox(Protocol):
    """Intent persisted before side effects, and the record of what each chat received."""

    def enqueue(self, messages: Sequence[OutgoingMessage], now: datetime) -> int:
        """Insert messages; rows whose dedupe_key exists are ignored. Returns rows added."""
        ...
    def claim_due(
        self,
        now: datetime,
        lease_seconds: float,
        limit: int,
        platforms: Sequence[str] | None = None,
    ) -> list[ClaimedMessage]:
        """Lease due rows: per chat only its earliest unsent row; None = every platform."""
        ...
    def release_claims(self, now: datetime) -> int:
        """Make every claimed row due now (a run's start, under the run lock: the claims
        are a dead predecessor's); returns how many were released."""
        ...
    def mark_sent(self, row_id: int, platform_message_id: str, now: datetime) -> None: ...
    def mark_retry(
        self, row_id: int, retry_at: datetime, error: str, count_attempt: bool = True
    ) -> None: ...
    def mark_dead(self, row_id: int, error: str, now: datetime) -> None: ...
    def pending_count(self, platforms: Sequence[str] | None = None) -> int: ...
    def next_due_at(self, platforms: Sequence[str] | None = None) -> datetime | None:
        """When the earliest unsent row becomes due (None: nothing unsent)."""
        ...
    def drop_unsent(self, chat: ChatRef, error: str, now: datetime) -> list[str]:
        """Mark every unsent row of the chat dead; returns their dedupe keys."""
        ...
    def digest_counts(self, chat: ChatRef, digest_key: str) -> dict[str, int]:
        """Outbox rows of one digest for one chat by status ("sent", "dead", "pending", …)."""
        ...
    def record_digest(self, chat: ChatRef, digest_key: str, day: date, now: datetime) -> None:
        """Log that a digest for `day` (the chat's local date) was enqueued."""
        ...
    def delivered_ids(self, chat: ChatRef, paper_ids: Sequence[str]) -> set[str]: ...
    def last_digest_date(self, chat: ChatRef) -> date | None:
        """The announcement date of the chat's latest digest."""
        ...
    def last_digest_at(self, chat: ChatRef) -> datetime | None:
        """When the chat was last served (digest or quiet notice planned): its last slot run."""
        ...


class UsageStore(Protocol):
    """Cost guard: counts per key and day (UTC). Keys name who pays and for what: a user's
    LLM calls (`telegram:7`), a chat's (`chat:telegram:-100`), a user's arXiv lookups
    (`arxiv:telegram:7`); see bot/commands/cost_guard.py."""

    def llm_usage(self, user_key: str, day: date) -> int: ...
    def add_llm_usage(self, user_key: str, day: date, amount: int = 1) -> int:
        """Add `amount` to the key's day; returns the day's new total."""
        ...
    def forget_usage(self, user_key: str) -> int:
        """Delete the user's counters; returns how many days' rows went."""
        ...
    def token_usage(self, user_key: str, day: date) -> int:
        """LLM tokens (prompt + completion, from the API's `usage`) the key spent that day."""
        ...
    def add_token_usage(self, user_key: str, day: date, tokens: int) -> int:
        """Add `tokens` to the key's day; returns the day's new total (issue 15)."""
        ...


class DeepCardCache(Protocol):
    """Deep cards cached forever by (paper, version, language, model, prompt version), and
    the full text read for a paper version (so another language asks arXiv nothing)."""

    def get_deep_card(
        self, base_id: str, version: int, language: str, model: str, prompt_version: str
    ) -> DeepCard | None: ...
    def put_deep_card(
        self, base_id: str, version: int, card: DeepCard, prompt_version: str
    ) -> None: ...
    def get_fulltext(self, base_id: str, version: int) -> FullText | None: ...
    def put_fulltext(self, base_id: str, version: int, text: FullText) -> None: ...


class MetaStore(Protocol):
    """Small named values the bot keeps across runs, such as a hash of the commands a
    platform last registered (an unchanged table is not registered again at each start)."""

    def get_meta(self, key: str) -> str | None: ...
    def put_meta(self, key: str, value: str) -> None: ...


class ArchiveStore(Protocol):
    """What the web archive reads: the digests the bot planned and the cards it made.
    Read-only; the site never asks arXiv or the LLM for anything."""

    def planned_digests(self) -> dict[tuple[date, str], list[str]]:
        """(announcement day, topic name) → paper ids planned for it, over every chat."""
        ...
    def announcement_days(self) -> list[date]:
        """Days with a stored announcement, oldest first."""
        ...
    def best_cards(self, base_ids: Sequence[str], language: str) -> dict[str, CardText]:
        """Per paper its cached card in `language`, else in any language; missing: none."""
        ...


class FeedbackStore(Protocol):
    """Readers' 👍, 👎 and Save per (user, chat, paper): what the buttons write, what the
    reading list and relevance ranking read. 👍 and 👎 exclude each other; Save is
    independent of both."""

    def toggle_feedback(self, feedback: Feedback) -> bool:
        """Set the signal, or clear it when already set (a second press); True when it is
        now set. Setting UP clears the same user's DOWN in that chat and vice versa."""
        ...
    def feedback_state(self, user_key: str, chat_key: str, base_id: str) -> set[Signal]:
        """The signals this user has set on this paper in this chat."""
        ...
    def feedback_counts(self, chat_key: str, base_id: str) -> dict[Signal, int]:
        """How many users set each signal on this paper in this chat (absent: none)."""
        ...
    def feedback_for(
        self, *, chat_key: str | None = None, user_key: str | None = None
    ) -> list[Feedback]:
        """Every signal given in a chat, or by a user (in any chat), oldest first."""
        ...
    def saved_papers(self, user_key: str) -> list[Feedback]:
        """The user's reading list: one SAVE per paper (in whichever chat), newest first."""
        ...
    def saves_of(self, base_ids: Sequence[str]) -> list[Feedback]:
        """Every Save on these papers, by any user in any chat, oldest first (issue 12's
        version alerts find who saved a replaced paper with one query)."""
        ...
    def forget_feedback(self, user_key: str) -> int:
        """Delete every signal the user gave; returns how many."""
        ...


class Embedder(Protocol):
    """An embedding endpoint (OpenAI-compatible `/v1/embeddings`); raises UpstreamError."""

    @property
    def model(self) -> str: ...

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text, in order (the implementation batches the requests)."""
        ...


class RankingStore(Protocol):
    """What relevance ranking keeps (issue 12): paper embeddings once per (paper, version,
    model) as float32 bytes, each chat's followed authors and seed papers, and which
    version alerts were sent."""

    def get_embeddings(
        self, model: str, keys: Sequence[tuple[str, int]]
    ) -> dict[tuple[str, int], bytes]: ...
    def put_embeddings(self, model: str, vectors: Mapping[tuple[str, int], bytes]) -> None: ...
    def follow_author(self, chat_key: str, name: str, name_key: str) -> bool:
        """True when newly followed (False: the chat already follows that name key)."""
        ...
    def unfollow_author(self, chat_key: str, name_key: str) -> int: ...
    def followed_authors(self, chat_key: str) -> dict[str, str]:
        """Name key → the name as the chat typed it, in the order followed."""
        ...
    def add_seeds(self, chat_key: str, base_ids: Sequence[str]) -> int:
        """Store seed papers for the chat; returns how many were new."""
        ...
    def seeds(self, chat_key: str) -> list[str]: ...
    def all_follows(self) -> dict[str, dict[str, str]]:
        """Chat key → its followed authors (for version alerts)."""
        ...
    def mark_alert(self, chat_key: str, base_id: str, version: int) -> bool:
        """True only the first time (a version alert goes out once)."""
        ...


class Store(
    PaperStore, CardCache, ChatStore, Outbox, UsageStore, MetaStore, FeedbackStore,
    DeepCardCache, RankingStore, Protocol,
):
    """Every role at once: what the composition root opens and hands out piece by piece."""

    def close(self) -> None: ...
