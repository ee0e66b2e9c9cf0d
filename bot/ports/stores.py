"""Store roles for what the bot fetched and made (papers, cards, deep cards, the archive,
named values), and `Store`, every role at once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from bot.fulltext.models import DeepCard, FullText
from bot.models import CardText, Paper
from bot.ports.chat_stores import ChatStore, FeedbackStore, RankingStore, UsageStore
from bot.ports.outbox import Outbox
from bot.ports.sources import Listing


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


class Store(
    PaperStore, CardCache, ChatStore, Outbox, UsageStore, MetaStore, FeedbackStore,
    DeepCardCache, RankingStore, Protocol,
):
    """Every role at once: what the composition root opens and hands out piece by piece."""

    def close(self) -> None: ...
