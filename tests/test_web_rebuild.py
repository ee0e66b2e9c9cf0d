"""`paperbot run`'s rebuild of the web archive reads the database off the event loop: with
thousands of papers the read takes about a second, and commands must not wait for it."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any

import bot.main.web as web_wiring
from bot.config import parse_config
from bot.main.app import build
from tests.web_archive import TOPIC, add_day


async def test_the_rebuild_reads_the_store_in_a_worker_thread_with_its_own_connection(
    tmp_path: Path, monkeypatch: Any
) -> None:
    config = parse_config(
        {"bot": {"database": str(tmp_path / "p.db")},
         "topics": [{"name": TOPIC.name, "categories": list(TOPIC.categories),
                     "keywords": list(TOPIC.keywords)}]},
        "test", env={},
    )
    readers: list[tuple[str, object]] = []
    real_collect = web_wiring.collect

    def spying_collect(topics: Any, papers: Any, archive: Any, language: str) -> Any:
        readers.append((threading.current_thread().name, papers))
        return real_collect(topics, papers, archive, language)

    monkeypatch.setattr(web_wiring, "collect", spying_collect)
    async with build(config) as parts:
        papers = add_day(parts.store, date(2026, 3, 23), 3)  # written by the bot's connection
        report = await web_wiring.build_site(parts, tmp_path / "site")
        [(thread, store)] = readers
        assert thread != threading.main_thread().name and store is not parts.store
        assert report.total > 0
        page = (tmp_path / "site" / "papers" / f"{papers[0].id}.html").read_text("utf-8")
        assert "Scaling reasoning with O(n log n) search, part 0" in page
