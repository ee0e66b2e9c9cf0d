"""The composition root: the one place that builds concrete parts and wires them together."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.arxiv.source import ArxivClient
from bot.commands.context import Core
from bot.config import Config
from bot.errors import ConfigError
from bot.llm import make_llm
from bot.ports import LLM, Clock
from bot.scheduling import OffsetClock, SystemClock
from bot.services.cards import CardService
from bot.services.chat_events import ChatEventHub
from bot.services.digests import DigestService
from bot.services.papers import PaperService
from bot.services.translations import TranslationService
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


def open_store(db_path: str) -> SqliteStore:
    """Open (creating its folder if needed) the SQLite store; done once at start."""
    if db_path != ":memory:":
        Path(db_path).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return SqliteStore.open(db_path)


@asynccontextmanager
async def build(config: Config, clock: Clock | None = None) -> AsyncIterator[Parts]:
    """Build store, arXiv client, LLM and services; close them all on exit."""
    clock = clock or clock_from_env()
    store = open_store(config.bot.database)
    source = ArxivClient(config.arxiv)
    llm = make_llm(config.llm, config.llm_api_key)
    cards = CardService(store, llm)
    events = ChatEventHub()
    core = Core(
        config=config,
        store=store,
        clock=clock,
        papers=PaperService(store, source),
        cards=cards,
        translations=TranslationService(store, llm),
        digests=DigestService(store, source, cards, clock),
        events=events,
    )
    try:
        yield Parts(config, store, source, llm, core, events)
    finally:
        for closer in (getattr(source, "aclose", None), getattr(llm, "aclose", None)):
            if closer is not None:
                try:
                    await closer()
                except Exception:  # closing must not hide the real outcome
                    log.debug("error while closing", exc_info=True)
        store.close()
