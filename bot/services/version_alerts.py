"""Version alerts (issue 12): when arXiv announces a replacement (v2, v3 …) of a paper a
user saved, or of a paper by an author a chat follows, that user (by DM: their private chat)
or that chat gets one line saying what changed since the version stored before.

Alerts are planned right after a listing is fetched, straight into the outbox with a dedupe
key per (chat, paper, version), then marked with `RankingStore.mark_alert`: a re-fetch or a
restart adds nothing, and a crash between the two re-enqueues (a no-op) instead of losing
the alert. A recipient who blocked the bot goes the existing RecipientGone way.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.i18n import N_, tr
from bot.models import ChatRef, OutgoingMessage, Paper, Reply
from bot.ports import (
    ChatStore,
    Clock,
    FeedbackStore,
    Listing,
    Outbox,
    PaperStore,
    RankingStore,
    Renderer,
)
from bot.ranking.authors import matches
from bot.ranking.reasons import BY_FOLLOWED, SEPARATOR

log = logging.getLogger(__name__)

NEW_VERSION = N_("{paper} ({title}) has a new version (v{version}): {changes}")
COMMENT_NOW = N_("comment now says: {comment}")
COMMENT_REMOVED = N_("comment removed")
COMMENT_SAME = N_("comment unchanged")
TITLE_CHANGED = N_("title changed")
TITLE_SAME = N_("title unchanged")
ABSTRACT_CHANGED = N_("abstract changed")
ABSTRACT_SAME = N_("abstract unchanged")
NOTHING_TO_COMPARE = N_("no earlier version stored to compare with")
_TITLE_CHARS = 80
_COMMENT_CHARS = 200


def _same(a: str | None, b: str | None) -> bool:
    return " ".join((a or "").split()).casefold() == " ".join((b or "").split()).casefold()


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class VersionAlert:
    """One chat's notice of a new version: the new paper, the stored version it is compared
    with (None: none stored), and the followed authors it is by (empty: a saved paper)."""

    chat: ChatRef
    language: str
    paper: Paper
    previous: Paper | None
    followed: tuple[str, ...] = ()

    @property
    def dedupe_key(self) -> str:
        return f"{self.chat.key}|alert|{self.paper.id}v{self.paper.version}"

    def changes(self) -> list[str]:
        """The msgids of what changed, comment first (the comment is what authors update)."""
        old, new = self.previous, self.paper
        if old is None:
            return [COMMENT_NOW, NOTHING_TO_COMPARE] if new.comment else [NOTHING_TO_COMPARE]
        if _same(old.comment, new.comment):
            comment = COMMENT_SAME
        else:
            comment = COMMENT_NOW if new.comment else COMMENT_REMOVED
        return [
            comment,
            TITLE_SAME if _same(old.title, new.title) else TITLE_CHANGED,
            ABSTRACT_SAME if _same(old.abstract, new.abstract) else ABSTRACT_CHANGED,
        ]

    def text(self) -> str:
        """The one line, in the chat's language."""
        lang = self.language
        parts = [tr(lang, m, comment=_short(self.paper.comment or "", _COMMENT_CHARS))
                 if m == COMMENT_NOW else tr(lang, m) for m in self.changes()]
        line = tr(lang, NEW_VERSION, paper=self.paper.id, title=_short(self.paper.title,
                  _TITLE_CHARS), version=self.paper.version, changes=SEPARATOR.join(parts))
        if self.followed:
            line += SEPARATOR + tr(lang, BY_FOLLOWED, names=", ".join(self.followed))
        return line

    def reply(self) -> Reply:
        return Reply(text=self.text())


class AlertStore(PaperStore, FeedbackStore, RankingStore, ChatStore, Outbox, Protocol):
    """The roles version alerts read and write."""


class VersionAlerts:
    """Finds and enqueues version alerts for one fetched listing."""

    def __init__(self, store: AlertStore, clock: Clock, default_language: str) -> None:
        self._store = store
        self._clock = clock
        self._default = default_language

    def _language(self, chat: ChatRef, languages: Mapping[str, str]) -> str:
        if chat.key in languages:
            return languages[chat.key]
        settings = self._store.get_settings(chat)
        return settings.language if settings is not None else self._default

    def _previous(self, paper: Paper) -> Paper | None:
        """The newest stored version before this one."""
        for version in range(paper.version - 1, 0, -1):
            found = self._store.get_paper(paper.id, version)
            if found is not None:
                return found
        return None

    def find(
        self, listing: Listing, platforms: Sequence[str],
        chats: Mapping[str, ChatRef] | None = None, languages: Mapping[str, str] | None = None,
    ) -> list[VersionAlert]:
        """Alerts for the listing's replacements, to chats on `platforms`: savers by DM,
        following chats (`chats` names known destinations by key) in place."""
        replaced = {p.id: p for p in listing.papers
                    if p.announce_type in ("replace", "replace-cross") and p.version > 1}
        if not replaced:
            return []
        langs = languages or {}
        wanted: dict[tuple[str, str], VersionAlert] = {}
        for save in self._store.saves_of(list(replaced)):
            paper = replaced[save.base_id]
            platform, _, user_id = save.user_key.partition(":")
            if platform not in platforms or save.version >= paper.version:
                continue
            chat = ChatRef(platform, user_id, is_private=True)
            wanted.setdefault((chat.key, paper.id), VersionAlert(
                chat, self._language(chat, langs), paper, self._previous(paper)))
        for chat_key, followed in self._store.all_follows().items():
            platform, _, chat_id = chat_key.partition(":")
            if platform not in platforms:
                continue
            chat = (chats or {}).get(chat_key) or ChatRef(platform, chat_id, is_private=False)
            for paper in replaced.values():
                names = matches(followed, paper.authors)
                if names and (chat_key, paper.id) not in wanted:
                    wanted[(chat_key, paper.id)] = VersionAlert(
                        chat, self._language(chat, langs), paper, self._previous(paper), names)
        return list(wanted.values())

    def enqueue(
        self, alerts: Sequence[VersionAlert], render: Mapping[str, Renderer],
        now: datetime | None = None,
    ) -> int:
        """Each alert into the outbox once, then marked sent-once; returns rows added."""
        now = now or self._clock.now()
        added = 0
        for alert in alerts:
            renderer = render.get(alert.chat.platform)
            if renderer is None or self._store.chat_gone(alert.chat):
                continue
            payloads = renderer.reply(alert.reply())
            key = alert.dedupe_key
            added += self._store.enqueue([
                OutgoingMessage(f"{key}|{seq}", alert.chat, payload, digest_key=key, seq=seq)
                for seq, payload in enumerate(payloads)
            ], now)
            if self._store.mark_alert(alert.chat.key, alert.paper.id, alert.paper.version):
                log.info("version alert %sv%d for %s", alert.paper.id, alert.paper.version,
                         alert.chat.key)
        return added
