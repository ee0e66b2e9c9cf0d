"""The composition root: the one place that builds concrete parts and wires them together."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.arxiv.source import ArxivClient
from bot.commands.context import Core
from bot.config import Config
from bot.llm import make_llm
from bot.ports import LLM
from bot.scheduling import SystemClock
from bot.services.cards import CardService
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


def open_store(db_path: str) -> SqliteStore:
    """Open (creating its folder if needed) the SQLite store; done once at start."""
    if db_path != ":memory:":
        Path(db_path).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return SqliteStore.open(db_path)


@asynccontextmanager
async def build(config: Config, clock: SystemClock | None = None) -> AsyncIterator[Parts]:
    """Build store, arXiv client, LLM and services; close them all on exit."""
    clock = clock or SystemClock()
    store = open_store(config.bot.database)
    source = ArxivClient(config.arxiv)
    llm = make_llm(config.llm, config.llm_api_key)
    cards = CardService(store, llm)
    core = Core(
        config=config,
        store=store,
        clock=clock,
        papers=PaperService(store, source),
        cards=cards,
        translations=TranslationService(store, llm),
        digests=DigestService(store, source, cards, clock),
    )
    try:
        yield Parts(config, store, source, llm, core)
    finally:
        for closer in (getattr(source, "aclose", None), getattr(llm, "aclose", None)):
            if closer is not None:
                try:
                    await closer()
                except Exception:  # closing must not hide the real outcome
                    log.debug("error while closing", exc_info=True)
        store.close()
