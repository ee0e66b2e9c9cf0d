"""Scenario R2: the real `paperbot digest` while 30 % of arXiv and LLM requests fail.

Each of 10 runs is a fresh process on a fresh database (no card cache to hide behind), for a
20-paper announcement of real 2026 papers. The stand-ins draw every request's fate from one
seeded sequence: 30 % of arXiv requests answer 503, 429 with Retry-After, a non-feed body, or
(API only) an empty page; 30 % of LLM requests answer 500, 429, prose without JSON, truncated
JSON or a body that is not JSON. Counted from each run's JSON output: whether the digest came
out, how many papers it holds, and whether each card is complete or labelled as a fallback.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.r1_restarts import with_bytecode_cache
from benchmarks.report import Row, at_least, at_most, info, progress
from tests.cli_helpers import listing_papers, stand_in_env
from tests.conftest import ROOT
from tests.fakes.fake_arxiv import FakeArxiv, Fault
from tests.fakes.fake_llm import FakeLLM

NAME = "R2 arXiv + LLM faults"
RATE = 0.3
SEED = 11
CONFIG = """
[llm]
model = "fake-model"

[[topics]]
name = "bench"
categories = ["cs.AI", "cs.LG"]
max_papers = 100
"""
ARXIV_FAULTS = (
    Fault.http(503),
    Fault.http(429, retry_after=0.05),
    Fault.malformed(),
    Fault.empty_page(only="api"),  # an empty RSS feed is arXiv's "not announced yet"
)
LLM_FAULTS = ("server_error", "rate_limit", "garbage", "truncated", "malformed_body")
LEAKS = ("<think>", "```", '{"')  # what a card must never show a reader


def inject(arxiv: FakeArxiv, llm: FakeLLM, requests: int) -> None:
    """Queue each request's fate: a fault with probability RATE, else a normal answer."""
    rng = random.Random(SEED)
    for _ in range(requests):
        arxiv.fail_next(rng.choice(ARXIV_FAULTS) if rng.random() < RATE else Fault.slow(0))
        if rng.random() < RATE:
            llm.script(rng.choice(LLM_FAULTS), retry_after=0.1)
        else:
            llm.script("ok")


def judge(card: dict[str, Any]) -> str:
    """"complete", "fallback" (labelled: not from the LLM) or "broken" (shown as a summary
    but empty or leaking the LLM's raw output)."""
    if card["summary_source"] != "llm":
        return "fallback"
    text = " ".join([card["summary"] or "", *card["key_takeaways"]])
    if not card["summary"] or not card["key_takeaways"] or any(x in text for x in LEAKS):
        return "broken"
    return "complete"


def digest(env: dict[str, str], config: Path, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "digest", "--format", "json", "--config", str(config)],
        env={**env, "PAPERBOT_BOT_DATABASE": str(db)}, cwd=ROOT, capture_output=True,
        text=True, timeout=300, check=False,
    )


async def run(quick: bool) -> list[Row]:
    runs, size = (3, 10) if quick else (10, 20)
    papers = listing_papers()[:size]
    outcomes: Counter[str] = Counter()
    posted = 0
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp_dir, FakeArxiv() as arxiv, FakeLLM() as llm:
        tmp = Path(tmp_dir)
        arxiv.set_listing(papers, papers[0].published.date() if papers[0].published else None)
        inject(arxiv, llm, 200 * runs)
        config = tmp / "paperbot.toml"
        config.write_text(CONFIG, encoding="utf-8")
        env = with_bytecode_cache(stand_in_env(tmp, arxiv, llm, key=True), tmp)
        progress(f"{NAME}: {runs} runs of a {size}-paper digest, {RATE:.0%} of arXiv and LLM "
                 "requests faulted")
        started = time.monotonic()
        completed = 0
        for n in range(runs):
            done = digest(env, config, tmp / f"run{n}.db")
            topics = json.loads(done.stdout)["topics"] if done.returncode == 0 else []
            cards = [c for t in topics for c in t["papers"]]
            if done.returncode == 0 and cards and all(t["announced"] for t in topics):
                completed += 1
            else:
                last = (done.stderr.strip().splitlines() or ["no output"])[-1]
                failures.append(f"run {n + 1}: exit {done.returncode}, {len(cards)} cards: "
                                f"{last[:120]}")
            posted += len(cards)
            outcomes.update(judge(c) for c in cards)
        wall = time.monotonic() - started
        arxiv_faults = sum(1 for r in arxiv.requests if r.fault and r.fault.kind != "slow")
        llm_faults = sum(1 for r in llm.requests if r.answered != "ok")
        arxiv_total, llm_total = len(arxiv.requests), llm.count
    for line in failures:
        progress(f"{NAME}: {line}")
    return [
        at_least(NAME, "digests completed", completed, "", runs, label=f"{runs}/{runs}",
                 note="; ".join(failures) or f"every run printed its {size}-paper digest"),
        at_least(NAME, "papers in the digests", posted, "", runs * size, label="all",
                 note=f"{runs} runs × {size} papers"),
        info(NAME, "cards complete", outcomes["complete"], "", runs * size),
        info(NAME, "cards labelled fallback", outcomes["fallback"], "", runs * size,
             note="summary unavailable: the card keeps title, abstract and links"),
        at_most(NAME, "cards incomplete but not labelled", outcomes["broken"], "", 0,
                label="0", note="an empty summary or raw LLM output shown as a summary"),
        info(NAME, "arXiv requests faulted", 100 * arxiv_faults / max(arxiv_total, 1), "%",
             100 * RATE, note=f"{arxiv_faults} of {arxiv_total}"),
        info(NAME, "LLM requests faulted", 100 * llm_faults / max(llm_total, 1), "%",
             100 * RATE, note=f"{llm_faults} of {llm_total}"),
        info(NAME, "wall time", wall, "s",
             note=f"{runs} processes, bytecode cache warm after the first"),
    ]
