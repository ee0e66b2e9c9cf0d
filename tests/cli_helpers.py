"""Run the real `paperbot` command in a subprocess against the stand-ins."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.arxiv.feeds import parse_api_feed
from bot.models import Paper
from tests.conftest import ROOT, SAMPLES

LISTING_SAMPLE = SAMPLES / "api" / "ikevinxie__q_cat_cs.AI_OR_cs.LG_m50_2026.xml"


def listing_papers() -> list[Paper]:
    """Fifty real 2026 cs.AI/cs.LG papers, announced as new (the API stand-in knows them)."""
    papers = parse_api_feed(LISTING_SAMPLE.read_bytes()).papers
    return [replace(p, announce_type="new") for p in papers]


def stand_in_env(
    tmp_path: Path, fake_arxiv: object, fake_llm: object | None = None, key: bool = False
) -> dict[str, str]:
    """Only URLs and the database are overridden: the config file stays as the user has it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOT_")}
    env.pop("OPENAI_API_KEY", None)
    env.update(
        PAPERBOT_ARXIV_API_URL=fake_arxiv.api_url,  # type: ignore[attr-defined]
        PAPERBOT_ARXIV_RSS_URL=fake_arxiv.rss_url,  # type: ignore[attr-defined]
        PAPERBOT_ARXIV_REQUEST_INTERVAL_SECONDS="0.01",
        PAPERBOT_BOT_DATABASE=str(tmp_path / "paperbot.db"),
    )
    if fake_llm is not None:
        env["PAPERBOT_LLM_BASE_URL"] = fake_llm.base_url  # type: ignore[attr-defined]
    if key:
        env["OPENAI_API_KEY"] = "test-key"
    return env


def paperbot(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def wait_for(condition: Callable[[], object], timeout: float = 30, what: str = "") -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what or condition}")


class Process:
    """`paperbot run` in a subprocess, with its stderr collected for assertions."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", *args],
            env=env,
            cwd=ROOT,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        for stream, sink in ((self.proc.stdout, self.stdout), (self.proc.stderr, self.stderr)):
            threading.Thread(target=self._pump, args=(stream, sink), daemon=True).start()

    @staticmethod
    def _pump(stream, sink: list[str]) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            sink.append(line.rstrip("\n"))

    def wait_ready(self, timeout: float = 60) -> None:
        wait_for(
            lambda: "paperbot: ready" in self.stdout or self.proc.poll() is not None,
            timeout,
            "paperbot: ready",
        )
        assert self.proc.poll() is None, "\n".join(self.stderr)

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(30)


def slot_in(seconds: float, tz: str = "Asia/Shanghai") -> str:
    """A daily time `seconds` of real time ahead (APScheduler fires on the real clock)."""
    return (datetime.now(ZoneInfo(tz)) + timedelta(seconds=seconds)).strftime("%H:%M:%S")
