"""The composition root: the one place that builds concrete parts and wires them together."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import cast

from bot.arxiv.source import ArxivClient
from bot.commands.context import Core
from bot.config import Config
from bot.errors import ConfigError, UserError
from bot.fulltext.fetch import FullTextFetcher
from bot.llm import make_llm
from bot.ports import LLM, Clock, TextLLM
from bot.ranking.embeddings import PaperVectors, make_embedder
from bot.ranking.rank import Ranker
from bot.scheduling import OffsetClock, SystemClock
from bot.services.cards import CardService
from bot.services.chat_events import ChatEventHub
from bot.services.deep import DeepService
from bot.services.digests import DigestService
from bot.services.papers import PaperService
from bot.services.translations import TranslationService
from storage.lock import DatabaseBusy, DatabaseLock
from storage.store import SqliteStore

log = logging.getLogger(__name__)


@dataclass
class Parts:
    config: Config
    store: SqliteStore
    source: ArxivClient
    llm: LLM
    core: Core
    events: ChatEventHub


def clock_from_env(env: Mapping[str, str] = os.environ) -> Clock:
    """The system clock, or one that runs from `PAPERBOT_NOW` (ISO time) for replays and tests."""
    start = env.get("PAPERBOT_NOW", "").strip()
    if not start:
        return SystemClock()
    try:
        moment = datetime.fromisoformat(start)
    except ValueError:
        raise ConfigError(
            f"environment variable PAPERBOT_NOW: not an ISO time: {start!r}"
        ) from None
    if moment.tzinfo is None:
        raise ConfigError("PAPERBOT_NOW: give a time zone, e.g. 2026-11-23T01:00Z")
    return OffsetClock(moment)


def _database_file(db_path: str) -> Path:
    """The database's path with its folder made; ConfigError (one line) when it cannot be."""
    path = Path(db_path).expanduser()
    if path.is_dir():
        raise ConfigError(f"[bot] database: {db_path} is a directory; give a file path")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"[bot] database: cannot create the folder of {db_path}: {exc.strerror or exc}"
        ) from None
    return path


def open_store(db_path: str) -> SqliteStore:
    """Open (creating its folder if needed) the SQLite store; done once at start."""
    if db_path != ":memory:":
        db_path = str(_database_file(db_path))
    try:
        return SqliteStore.open(db_path)
    except (OSError, sqlite3.Error) as exc:
        raise ConfigError(f"[bot] database: cannot open {db_path}: {exc}") from None


def lock_database(db_path: str) -> AbstractContextManager[object]:
    """Claim the database for this `paperbot run` now; leaving the context releases it.

    A second run on the same database gets a UserError naming the holder's pid.
    """
    if db_path == ":memory:":
        return nullcontext()
    path = _database_file(db_path)
    lock = DatabaseLock(str(path))
    try:
        lock.acquire()
    except DatabaseBusy as exc:
        raise UserError(
            f"{exc}.", "Only one `paperbot run` may use a database; stop the other first."
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"[bot] database: cannot create the lock file {lock.path}: {exc.strerror or exc}"
        ) from None
    return lock


@asynccontextmanager
async def build(config: Config, clock: Clock | None = None) -> AsyncIterator[Parts]:
    """Build store, arXiv client, LLM and services; close them all on exit."""
    clock = clock or clock_from_env()
    store = open_store(config.bot.database)
    source = ArxivClient(config.arxiv)
    llm = make_llm(config.llm, config.llm_api_key)
    cards = CardService(store, llm)
    embedder = make_embedder(config)
    ranker = Ranker(PaperVectors(store, store, embedder), store, store)
    events = ChatEventHub()
    fulltext = FullTextFetcher(config.arxiv, source.pacer, source.gate)
    completer = None if llm.offline else cast("TextLLM | None", getattr(llm, "complete", None)
                                              and llm)
    deep = DeepService(store, fulltext, completer, config.llm.deep_token_budget)
    core = Core(
        config=config,
        store=store,
        clock=clock,
        papers=PaperService(store, source),
        cards=cards,
        translations=TranslationService(store, llm),
        digests=DigestService(store, source, cards, clock, ranker, store),
        events=events,
        deep=deep,
        ranking=store,
    )
    try:
        yield Parts(config, store, source, llm, core, events)
    finally:
        closers = (source, llm, embedder, fulltext)
        for closer in (getattr(c, "aclose", None) for c in closers):
            if closer is not None:
                try:
                    await closer()
                except Exception:  # closing must not hide the real outcome
                    log.debug("error while closing", exc_info=True)
        store.close()
