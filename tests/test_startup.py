"""Start-up: what `paperbot run` imports before it is ready, and how it times that."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from tests.conftest import ROOT

# Each takes from a tenth of a second to seconds to import; none is needed before the
# platforms connect, so each loads where it is first used (numpy, bm25s and threadpoolctl
# when a digest is first ranked).
LATE = ("openai", "arxiv", "feedparser", "lxml", "requests", "tqdm", "telegram", "discord",
        "numpy", "bm25s", "threadpoolctl")


def _python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=True)
    return done.stdout


def test_the_cli_and_the_run_module_import_no_sdk() -> None:
    loaded = json.loads(_python(
        "import json, sys, bot.main.cli, bot.main.run\n"
        f"print(json.dumps([m for m in {LATE!r} if m in sys.modules]))"
    ))
    assert loaded == []


def test_building_the_parts_imports_no_sdk() -> None:
    """The LLM client and the arXiv client are made before the platforms start."""
    loaded = json.loads(_python(
        "import json, sys\n"
        "from bot.arxiv.source import ArxivClient\n"
        "from bot.config import ArxivConfig, LLMConfig\n"
        "from bot.llm import make_llm\n"
        "make_llm(LLMConfig(), 'sk-test'); ArxivClient(ArxivConfig())\n"
        f"print(json.dumps([m for m in {LATE!r} if m in sys.modules]))"
    ))
    assert loaded == []


def test_seconds_since_start_counts_from_the_process_start() -> None:
    started = time.monotonic()
    age = float(_python(
        "import time; time.sleep(0.3)\n"
        "from bot.main.run import seconds_since_start; print(seconds_since_start())"
    ))
    assert 0.3 <= age <= time.monotonic() - started + 0.05
