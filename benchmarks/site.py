"""Scenario 8: the web archive for 30 days × 5 topics × 40 papers, then one more day.

A real SqliteStore file filled the way the bot fills it (a stored listing per day, a cached
card per paper, the outbox rows of each topic's digest), then `paperbot site`'s own code
path: read the archive, render every page and feed, write. The rebuild after one new
announcement day must rewrite only the files that day changed.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from adapters.web.config import WebConfig
from adapters.web.site import build_site
from benchmarks.report import Row, at_most, info, progress
from bot.models import Topic
from storage.store import SqliteStore
from tests.web_archive import add_day

NAME = "8 web archive"
LIMIT_SECONDS = 10.0
START = date(2026, 2, 1)


def _topics(count: int) -> list[Topic]:
    return [Topic(f"Topic_{n}", (f"cs.T{n}",), keywords=("reasoning",)) for n in range(count)]


def measure(days: int, topics: int, papers: int) -> dict[str, float]:
    chosen = _topics(topics)
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore.open(str(Path(tmp) / "bench.db"))
        try:
            for d in range(days):
                for n, topic in enumerate(chosen):  # every topic its own papers
                    add_day(store, START + timedelta(days=d), papers, topic, first=n * papers)
            out = Path(tmp) / "site"
            started = time.perf_counter()
            first = build_site(out, chosen, store, store, WebConfig(), "zh")
            full = time.perf_counter() - started
            pages = sum(1 for p in out.rglob("*.html"))
            biggest = max(p.stat().st_size for p in out.rglob("*.html"))
            add_day(store, START + timedelta(days=days), papers, chosen[0])
            started = time.perf_counter()
            second = build_site(out, chosen, store, store, WebConfig(), "zh")
            rebuild = time.perf_counter() - started
        finally:
            store.close()
    return {"full": full, "files": first.total, "pages": pages, "biggest": biggest,
            "rebuild": rebuild, "rewritten": len(second.written), "total": second.total,
            "new_papers": papers}


async def run(quick: bool) -> list[Row]:
    days, topics, papers = (5, 2, 10) if quick else (30, 5, 40)
    progress(f"{NAME}: {days} days × {topics} topics × {papers} papers")
    found = await asyncio.to_thread(measure, days, topics, papers)
    # One new day of one topic changes: its day page, the previous day's (its "newer"
    # link), the topic's index and month page, the site index, two feeds each for the topic
    # and for everything, and one page per new paper.
    expected = 9 + papers
    size = f"{days}×{topics}×{papers}"
    return [
        at_most(NAME, f"full build, {size}", round(found["full"], 3), "s", LIMIT_SECONDS,
                note=f"{found['files']:.0f} files, {found['pages']:.0f} pages"),
        info(NAME, "largest page", round(found["biggest"] / 1000, 1), "KB", 200),
        at_most(NAME, "files rewritten after one new day", found["rewritten"], "",
                expected, label="changed",
                note=f"of {found['total']:.0f}; rebuild {found['rebuild']:.2f} s"),
    ]
