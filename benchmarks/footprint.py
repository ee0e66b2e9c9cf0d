"""Scenario 6: the real `paperbot` processes' start-up time and memory.

`paperbot run` starts with Telegram and Discord both connected to their stand-ins (and arXiv
and the LLM pointed at theirs); time to ready is from spawn to its "paperbot: ready" line, and
the CPU time it used until then (utime + stime from /proc) is shown beside it: on a shared
machine wall time follows the load, CPU time much less. Idle memory is VmRSS from /proc a few
seconds later; peak memory (e.g. of a 300-paper `paperbot digest`) is VmHWM, the kernel's
high-water mark for that process.

Every start uses the same database: the first registers the commands, the later ones find
them unchanged and skip setMyCommands and the Discord command sync, as a restart does.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import sysconfig
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


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time the process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reap(proc: subprocess.Popen[str], timeout: float) -> tuple[int, int]:
    """Wait for the child; returns (exit status, its peak RSS in kB).

    The peak is VmHWM sampled until exit (it only grows). The kernel's ru_maxrss from
    wait4() would be wrong here: it keeps the high-water mark of the benchmark process
    that forked the child, carried across exec.
    """
    deadline = time.monotonic() + timeout
    peak = 0
    while proc.poll() is None:
        peak = max(peak, vm_kb(proc.pid, "VmHWM") or 0)
        if time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            break
        time.sleep(0.02)
    return int(proc.returncode), peak


# What `paperbot run` imports before it is ready (openai, arxiv and feedparser come later).
IMPORTS = "import bot.main.cli, bot.main.run, adapters.telegram.adapter, adapters.discord.adapter"


def import_seconds(env: dict[str, str]) -> float:
    """What a bare interpreter needs to import what `paperbot run` imports before ready."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", IMPORTS], env=env, cwd=ROOT, check=True)
    return time.perf_counter() - started


def start_run(
    env: dict[str, str], config: Path
) -> tuple[subprocess.Popen[str], float, list[tuple[float, str]], float | None]:
    """Spawn `paperbot run`; returns the process, seconds to "paperbot: ready", its stderr
    lines with the seconds since spawn at which each arrived, and its CPU seconds by then."""
    stderr: list[tuple[float, str]] = []
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
        stderr.extend((time.perf_counter() - started, line.rstrip()) for line in proc.stderr)

    threading.Thread(target=pump_out, daemon=True).start()
    threading.Thread(target=pump_err, daemon=True).start()
    while not ready.wait(0.005):
        if proc.poll() is not None or time.perf_counter() - started > 60:
            proc.kill()
            raise RuntimeError(
                "paperbot run never got ready: " + " | ".join(ln for _, ln in stderr[-5:])
            )
    return proc, time.perf_counter() - started, stderr, cpu_seconds(proc.pid)


def bytecode_envs(env: dict[str, str], tmp: Path) -> dict[str, dict[str, str]]:
    """Python with no bytecode cache at all (an install without .pyc files on a host with
    PYTHONDONTWRITEBYTECODE=1: every module is compiled at each start), as installed
    (PYTHONDONTWRITEBYTECODE=1 and the .pyc files `uv sync` wrote, see [tool.uv]
    compile-bytecode; paperbot's own modules are compiled at each start), and with a warm
    cache for everything. The caches of the first and last live under `tmp`
    (PYTHONPYCACHEPREFIX, which Python then reads instead of __pycache__), so the shared
    venv is left alone."""
    cold = {**env, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": str(tmp / "none")}
    installed = {**env, "PYTHONDONTWRITEBYTECODE": "1"}
    installed.pop("PYTHONPYCACHEPREFIX", None)
    warm = {**env, "PYTHONPYCACHEPREFIX": str(tmp / "pycache")}
    warm.pop("PYTHONDONTWRITEBYTECODE", None)
    return {"no bytecode cache": cold, "as installed": installed, "bytecode cache warm": warm}


def installed_pyc() -> int:
    """How many .pyc files the venv's packages came with (0: installed without them)."""
    return sum(1 for _ in Path(sysconfig.get_paths()["purelib"]).rglob("*.pyc"))


def registrations(telegram: FakeTelegram, discord: FakeDiscord) -> tuple[int, int]:
    """setMyCommands calls and Discord command syncs the stand-ins have seen so far."""
    return len(telegram.calls("setMyCommands")), len(discord.requests_to("PUT", "/applications/"))


def run_rows(label: str, env: dict[str, str], config: Path, settle: float,
             telegram: FakeTelegram, discord: FakeDiscord) -> list[Row]:
    """Start `paperbot run`, wait for ready, let it idle, read its memory, stop it."""
    progress(f"{NAME}: `paperbot run` with Telegram and Discord, {label}")
    before = registrations(telegram, discord)
    proc, to_ready, stderr, cpu = start_run(env, config)
    after = registrations(telegram, discord)
    time.sleep(settle)
    # read after the pause: stderr is read on its own thread and may trail "ready" on stdout
    started = [f"{ln.split(': started')[0].split()[-1]} at {t:.1f} s"
               for t, ln in stderr if ": started" in ln]
    idle = vm_kb(proc.pid, "VmRSS")
    proc.send_signal(signal.SIGTERM)
    code, peak = reap(proc, 30)
    rows = [at_most(NAME, f"time to ready, {label}", to_ready, "s", 2.0, label="2 s",
                    note=f"adapters started: {', '.join(started) or 'none'}; setMyCommands "
                         f"{after[0] - before[0]}, Discord command syncs {after[1] - before[1]}"),
            info(NAME, f"CPU time to ready, {label}", cpu, "s", 2.0,
                 note="utime + stime of the process when it printed ready")]
    if idle is None:
        rows.append(info(NAME, f"idle RSS, {label}", None, "MB", 120.0,
                         note="the process was gone before it could be measured"))
    else:
        rows.append(at_most(NAME, f"idle RSS {settle:g} s after ready, {label}", idle / 1024,
                            "MB", 120.0, label="120 MB"))
    rows.append(info(NAME, f"peak RSS start to stop, {label}", peak / 1024, "MB",
                     note=f"exit status {code} after SIGTERM; includes the start-up fetch"))
    return rows


def measure(quick: bool) -> list[Row]:
    papers = 50 if quick else 300
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
            envs = bytecode_envs(env, Path(tmp))
            pyc = installed_pyc()
            if quick:  # the cold start only: warming the cache costs another cold import
                envs = {"no bytecode cache": envs["no bytecode cache"]}
            else:
                import_seconds(envs["bytecode cache warm"])  # fills the warm cache
                for label, e in envs.items():
                    seconds = import_seconds(e)
                    note = f"python -c '{IMPORTS}'"
                    if label == "as installed":
                        note += f"; the venv holds {pyc:,} .pyc files"
                    rows.append(info(NAME, f"imports alone, {label}", seconds, "s", 2.0,
                                     note=note))
            for label, e in envs.items():
                rows.extend(run_rows(label, e, config, settle, telegram, discord))
            label, last = list(envs.items())[-1]
            progress(f"{NAME}: `paperbot digest` of {papers} papers, {label}")
            started = time.perf_counter()
            digest = subprocess.Popen(
                [sys.executable, "-m", "bot", "digest", "--config", str(config), "--lang", "zh",
                 "--format", "json", "--output", str(Path(tmp) / "digest.json")],
                env=last, cwd=ROOT, text=True, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
            calls_before = llm.count
            code, peak = reap(digest, 180)
            took = time.perf_counter() - started
            rows.append(info(NAME, f"peak RSS, {papers}-paper digest", peak / 1024, "MB",
                             note=f"exit {code}, {took:.1f} s, {llm.count - calls_before} "
                                  "LLM calls"))
        finally:
            discord.stop()
    return rows


async def run(quick: bool) -> list[Row]:
    """Blocking process management, so it runs off the event loop."""
    return await asyncio.to_thread(measure, quick)
