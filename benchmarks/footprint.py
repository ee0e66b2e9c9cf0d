"""Scenario 6: the real `paperbot` processes' start-up time and memory.

`paperbot run` starts with Telegram and Discord both connected to their stand-ins (and arXiv
and the LLM pointed at theirs); time to ready is from spawn to its "paperbot: ready" line, idle
memory is VmRSS from /proc a few seconds later. Peak memory of a 300-paper `paperbot digest`
is the kernel's own maximum RSS for that child (os.wait4), so no sample can miss the peak.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks import corpus
from benchmarks.report import Row, at_most, info, progress
from tests.cli_helpers import stand_in_env
from tests.conftest import ROOT
from tests.fakes.fake_arxiv import FakeArxiv
from tests.fakes.fake_discord import FakeDiscord
from tests.fakes.fake_llm import FakeLLM
from tests.fakes.fake_telegram import FakeTelegram

NAME = "6 footprint"
CONFIG = """
[llm]
model = "fake-model"

[[topics]]
name = "bench"
categories = ["cs.AI", "cs.LG", "cs.CL"]
max_papers = 500
"""


def vm_kb(pid: int, field: str) -> int | None:
    """A VmRSS / VmHWM line of /proc/<pid>/status, in kB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def reap(proc: subprocess.Popen[str], timeout: float) -> tuple[int, int]:
    """Wait for the child; returns (exit status, its peak RSS in kB: ru_maxrss, Linux)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, int(usage.ru_maxrss)
        time.sleep(0.05)
    proc.kill()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, int(usage.ru_maxrss)


def start_run(env: dict[str, str], config: Path) -> tuple[subprocess.Popen[str], float, list[str]]:
    """Spawn `paperbot run`; returns the process, seconds to "paperbot: ready", its stderr."""
    stderr: list[str] = []
    ready = threading.Event()
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(config)],
                            env=env, cwd=ROOT, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)

    def pump_out() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip() == "paperbot: ready":
                ready.set()

    def pump_err() -> None:
        assert proc.stderr is not None
        stderr.extend(line.rstrip() for line in proc.stderr)

    threading.Thread(target=pump_out, daemon=True).start()
    threading.Thread(target=pump_err, daemon=True).start()
    while not ready.wait(0.005):
        if proc.poll() is not None or time.perf_counter() - started > 60:
            proc.kill()
            raise RuntimeError("paperbot run never got ready: " + " | ".join(stderr[-5:]))
    return proc, time.perf_counter() - started, stderr


def measure(quick: bool) -> list[Row]:
    papers = 100 if quick else 300
    settle = 2.0 if quick else 5.0
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp, FakeArxiv() as arxiv, FakeLLM() as llm, \
            FakeTelegram() as telegram:
        discord = FakeDiscord()
        discord.start()
        try:
            corpus.serve(arxiv, corpus.papers(papers))
            config = Path(tmp) / "paperbot.toml"
            config.write_text(CONFIG, encoding="utf-8")
            env = stand_in_env(Path(tmp), arxiv, llm, key=True)
            env.update(
                TELEGRAM_BOT_TOKEN=telegram.token,
                PAPERBOT_TELEGRAM_BASE_URL=telegram.api_url,
                DISCORD_BOT_TOKEN="fake-token",
                PAPERBOT_DISCORD_API_BASE=discord.api_base,
                PAPERBOT_DISCORD_GATEWAY_URL=discord.gateway_url,
            )
            progress(f"{NAME}: starting `paperbot run` with Telegram and Discord")
            proc, to_ready, stderr = start_run(env, config)
            both = [ln for ln in stderr if ": started" in ln]
            time.sleep(settle)
            idle = vm_kb(proc.pid, "VmRSS")
            proc.send_signal(signal.SIGTERM)
            code, run_peak = reap(proc, 30)
            rows.append(at_most(NAME, "time to ready (run)", to_ready, "s", 2.0, label="2 s",
                                note=f"adapters started: {len(both)} of 2"))
            if idle is None:
                rows.append(info(NAME, "idle RSS (run)", None, "MB", 120.0,
                                 note="process gone before it could be measured"))
            else:
                rows.append(at_most(NAME, f"idle RSS (run, {settle:g} s after ready)",
                                    idle / 1024, "MB", 120.0, label="120 MB"))
            rows.append(info(NAME, "peak RSS (run, start to stop)", run_peak / 1024, "MB",
                             note=f"exit status {code} after SIGTERM"))

            progress(f"{NAME}: `paperbot digest` of {papers} papers")
            started = time.perf_counter()
            digest = subprocess.Popen(
                [sys.executable, "-m", "bot", "digest", "--config", str(config), "--lang", "zh",
                 "--format", "json", "--output", str(Path(tmp) / "digest.json")],
                env=env, cwd=ROOT, text=True, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
            code, peak = reap(digest, 180)
            took = time.perf_counter() - started
            rows.append(info(NAME, f"peak RSS ({papers}-paper digest)", peak / 1024, "MB", 120.0,
                             note=f"exit {code}, {took:.1f} s, {llm.count} LLM calls; "
                                  "reference: the idle target"))
        finally:
            discord.stop()
    return rows


async def run(quick: bool) -> list[Row]:
    """Blocking process management, so it runs off the event loop."""
    return await asyncio.to_thread(measure, quick)
