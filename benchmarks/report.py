"""Benchmark results: one row per measured quantity, judged against its ideal or limit.

Verdicts are computed here from the numbers, never chosen by a scenario, so a miss shows up
as MISS in the table and the JSON however the scenario was written.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal, TextIO

Verdict = Literal["pass", "MISS", "blocked", "info"]


@dataclass(frozen=True)
class Row:
    scenario: str
    metric: str
    measured: float | None
    unit: str
    reference: float | None  # the ideal or the limit the measurement is compared with
    target: str  # how it is judged, e.g. "≤ 1.25× ideal"
    verdict: Verdict
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.measured is None or not self.reference:
            return None
        return self.measured / self.reference


def at_most(scenario: str, metric: str, measured: float, unit: str, reference: float,
            factor: float = 1.0, label: str = "limit", note: str = "") -> Row:
    """Pass when measured ≤ factor × reference (latency, memory, calls, requests)."""
    target = f"≤ {factor:g}× {label}" if factor != 1.0 else f"≤ {label}"
    ok = measured <= reference * factor + 1e-9
    return Row(scenario, metric, measured, unit, reference, target, "pass" if ok else "MISS", note)


def at_least(scenario: str, metric: str, measured: float, unit: str, reference: float,
             factor: float = 1.0, label: str = "limit", note: str = "") -> Row:
    """Pass when measured ≥ factor × reference (throughput, politeness gaps)."""
    target = f"≥ {factor:g}× {label}" if factor != 1.0 else f"≥ {label}"
    ok = measured >= reference * factor - 1e-9
    return Row(scenario, metric, measured, unit, reference, target, "pass" if ok else "MISS", note)


def info(scenario: str, metric: str, measured: float | None, unit: str,
         reference: float | None = None, note: str = "") -> Row:
    """A number worth reading that has no target of its own."""
    return Row(scenario, metric, measured, unit, reference, "", "info", note)


def blocked(scenario: str, metric: str, reason: str) -> Row:
    return Row(scenario, metric, None, "", None, "", "blocked", reason)


def machine() -> dict[str, Any]:
    """nproc, CPU model and memory, so numbers can be compared with the machine they ran on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    mem_mb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_mb = int(line.split()[1]) // 1024
    except OSError:
        pass
    try:
        load = Path("/proc/loadavg").read_text().split()[:3]
    except OSError:
        load = []
    return {
        "nproc": os.cpu_count(),
        "loadavg": " ".join(load),  # other work on the machine skews timings
        "cpu": cpu,
        "memory_mb": mem_mb,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }


def _num(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.4g}"
    return f"{text} {unit}".strip()


def table(rows: list[Row]) -> str:
    """A Markdown table (readable in a terminal and pasteable into the README)."""
    head = ["scenario", "metric", "measured", "ideal / limit", "ratio", "target", "verdict"]
    body = [
        [
            r.scenario,
            r.metric,
            _num(r.measured, r.unit),
            _num(r.reference, r.unit),
            "—" if r.ratio is None else f"{r.ratio:.2f}",
            r.target or "—",
            r.verdict,
        ]
        for r in rows
    ]
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    out = [line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out.extend(line(b) for b in body)
    notes = [f"- {r.scenario} / {r.metric}: {r.note}" for r in rows if r.note]
    return "\n".join(out + (["", *notes] if notes else []))


def write_json(path: Path, rows: list[Row], meta: dict[str, Any]) -> None:
    data = {**meta, "machine": machine(),
            "rows": [{**asdict(r), "ratio": r.ratio} for r in rows]}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def progress(message: str, stream: TextIO | None = None) -> None:
    """Progress goes to stderr so stdout holds only the table."""
    print(f"[bench] {message}", file=stream or sys.stderr, flush=True)
