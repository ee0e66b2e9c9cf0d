"""Keeps the benchmark harness from rotting: the smallest scenario runs end to end, and the
table judges numbers the way the README says. The full benchmarks are `python -m benchmarks`."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import command_path
from benchmarks.__main__ import main
from benchmarks.report import at_least, at_most, blocked, table


async def test_cached_summarize_runs_through_the_real_router_without_network() -> None:
    found = await command_path.measure(iterations=200)
    assert found["wrong"] == 0  # every reply carried the cached card
    assert found["network"] == 0  # neither arXiv nor the LLM stand-in was asked
    assert 0 < found["p50"] <= found["p99"] < 1.0
    assert found["per_second"] > 0


def test_verdicts_follow_the_numbers() -> None:
    assert at_most("s", "latency", 4.9, "s", 4.0, 1.25, "ideal").verdict == "pass"
    assert at_most("s", "latency", 5.1, "s", 4.0, 1.25, "ideal").verdict == "MISS"
    assert at_least("s", "rate", 26.0, "msg/s", 30.0, 0.9).verdict == "MISS"
    assert at_least("s", "rate", 27.5, "msg/s", 30.0, 0.9).verdict == "pass"
    assert at_most("s", "calls", 0, "", 0, label="0").verdict == "pass"
    assert at_most("s", "calls", 1, "", 0, label="0").verdict == "MISS"
    text = table([at_most("s", "latency", 5.1, "s", 4.0, 1.25, "ideal"),
                  blocked("t", "scenario", "RuntimeError: boom")])
    assert "| MISS" in text and "| blocked" in text and "RuntimeError: boom" in text


def test_cli_writes_the_table_as_json(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "results.json"
    assert main(["--quick", "--only", "5", "--json", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["mode"] == "quick" and data["machine"]["nproc"] >= 1
    metrics = {row["metric"]: row for row in data["rows"]}
    assert metrics["p99 latency"]["unit"] == "ms"
    assert metrics["wrong replies + network calls"]["verdict"] == "pass"
    assert "| 5 command path" in capsys.readouterr().out
