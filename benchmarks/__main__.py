"""`python -m benchmarks [--quick] [--json PATH] [--only N ...]`: run every scenario against the
local stand-ins, print one table on stdout (progress on stderr) and write it as JSON.

Exit status is 0 even when a target is missed: a benchmark reports, it does not gate.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path

from benchmarks import (
    abuse,
    arxiv_politeness,
    buttons,
    cards_latency,
    command_path,
    fanout,
    footprint,
    llm_cost,
    r1_restarts,
    r2_faults,
    ranking,
    site,
)
from benchmarks.report import Row, blocked, machine, progress, table, write_json

Scenario = tuple[str, Callable[[bool], Awaitable[list[Row]]]]
SCENARIOS: list[Scenario] = [
    (cards_latency.NAME, cards_latency.run),
    (llm_cost.NAME, llm_cost.run),
    (arxiv_politeness.NAME, arxiv_politeness.run),
    (fanout.NAME, fanout.run),
    (command_path.NAME, command_path.run),
    (footprint.NAME, footprint.run),
    (r1_restarts.NAME, r1_restarts.run),
    (r2_faults.NAME, r2_faults.run),
    (abuse.NAME, abuse.run),
    (site.NAME, site.run),
    (buttons.NAME, buttons.run),
    (ranking.NAME, ranking.run),
]
DEFAULT_JSON = Path(__file__).resolve().parent / "results.json"


async def run_all(quick: bool, only: set[str]) -> list[Row]:
    rows: list[Row] = []
    for name, scenario in SCENARIOS:
        if only and name.split()[0] not in only:
            continue
        started = time.monotonic()
        progress(f"{name}: starting")
        try:
            found = await scenario(quick)
        except Exception as exc:  # a broken scenario is reported, the others still run
            traceback.print_exc()
            found = [blocked(name, "scenario", f"{type(exc).__name__}: {exc}")]
        rows.extend(found)
        progress(f"{name}: done in {time.monotonic() - started:.1f} s")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="reduced sizes, about a minute")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, metavar="PATH",
                        help=f"where to write the results (default: {DEFAULT_JSON.name})")
    parser.add_argument("--only", nargs="*", default=[], metavar="N",
                        help="run only these scenario numbers (1-7)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    load_before = machine()["loadavg"]
    rows = asyncio.run(run_all(args.quick, set(args.only)))
    duration = time.monotonic() - started
    print(table(rows))
    info = machine()
    print(f"\n{'quick' if args.quick else 'full'} run, {duration:.0f} s on {info['nproc']} × "
          f"{info['cpu']}, {info['memory_mb']} MB RAM, Python {info['python']}; load average "
          f"{load_before} before, {info['loadavg']} after")
    write_json(args.json, rows, {"mode": "quick" if args.quick else "full",
                                 "duration_seconds": round(duration, 1),
                                 "loadavg_before": load_before})
    progress(f"wrote {args.json}")
    return 0


def quiet_logging() -> None:
    """The product logs retries and rate limits; the table is what matters here."""
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    # PTB logs every 429 with a traceback; scenario 4 counts them at the stand-in instead.
    logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)


if __name__ == "__main__":
    quiet_logging()
    raise SystemExit(main())
