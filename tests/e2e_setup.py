"""Setups shared by the tests that run the whole bot against the stand-ins: `paperbot run`
in a subprocess (a config with one channel, the platforms' environment, the process kept
running for a module), and the real composition built in-process with full-text stand-ins."""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from bot.config import ArxivConfig, Config, LLMConfig
from bot.main.app import Parts, build
from tests.cli_helpers import Process, slot_in
from tests.conftest import ROOT
from tests.fakes.fake_arxiv import FakeArxiv
from tests.fakes.fake_discord import FakeDiscord
from tests.fakes.fake_fulltext import fixture_papers
from tests.fakes.fake_llm import FakeLLM
from tests.fakes.fake_telegram import FakeTelegram
from tests.fakes.ports import FixedClock


def channel_config(tmp_path: Path, platform: str, chat: str, seconds: float) -> Path:
    """config.example.toml plus one R1_Reasoning channel whose daily slot is `seconds` of
    real time ahead (English, Asia/Shanghai)."""
    path = tmp_path / "paperbot.toml"
    example = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    path.write_text(example + f"""
[[channels]]
platform = "{platform}"
chat = "{chat}"
topics = ["R1_Reasoning"]
time = "{slot_in(seconds)}"
timezone = "Asia/Shanghai"
language = "en"
""", encoding="utf-8")
    return path


def start_run(config: Path, env: dict[str, str]) -> Process:
    """`paperbot run --config <config>`, returned once it says it is ready."""
    bot = Process(["run", "--config", str(config)], env)
    bot.wait_ready()
    return bot


@contextmanager
def running(config: Path, env: dict[str, str]) -> Iterator[Process]:
    """`start_run` for a `with` block: on leaving it the bot must stop cleanly (exit 0);
    killed whatever happens."""
    process = Process(["run", "--config", str(config)], env)
    try:
        process.wait_ready()
        yield process
        assert process.stop() == 0, "\n".join(process.stderr)
    finally:
        process.stop(signal.SIGKILL)


def platform_env(
    env: dict[str, str],
    telegram: FakeTelegram | None = None,
    discord: FakeDiscord | None = None,
) -> dict[str, str]:
    """Point `env` at the given platform stand-ins; a platform not given gets no token, so
    the bot does not start it. Returns `env`, changed in place."""
    if telegram is None:
        env.pop("TELEGRAM_BOT_TOKEN", None)
    else:
        env.update(TELEGRAM_BOT_TOKEN=telegram.token, PAPERBOT_TELEGRAM_BASE_URL=telegram.api_url)
    if discord is None:
        env.pop("DISCORD_BOT_TOKEN", None)
    else:
        env.update(DISCORD_BOT_TOKEN=discord.token, PAPERBOT_DISCORD_API_BASE=discord.api_base,
                   PAPERBOT_DISCORD_GATEWAY_URL=discord.gateway_url)
    return env


def fulltext_env(env: dict[str, str], arxiv: FakeArxiv) -> dict[str, str]:
    """Full texts from the arXiv stand-in's HTML and PDF fixtures, the bot speaking English.
    Returns `env`, changed in place."""
    env.update(
        PAPERBOT_ARXIV_HTML_BASE_URL=arxiv.html_base_url,
        PAPERBOT_ARXIV_PDF_BASE_URL=arxiv.pdf_base_url,
        PAPERBOT_BOT_LANGUAGE="en",
    )
    return env


@asynccontextmanager
async def fulltext_parts(arxiv: FakeArxiv, llm: FakeLLM, **arxiv_options: Any
                         ) -> AsyncIterator[Parts]:
    """The real composition (in-memory database, English, a fixed clock) against the stand-ins,
    with the full-text fixture papers stored as a daily run would (their licences come from
    the listing). `arxiv_options` override ArxivConfig fields. Needs OPENAI_API_KEY set."""
    config = Config(
        arxiv=ArxivConfig(api_url=arxiv.api_url, rss_url=arxiv.rss_url,
                          html_base_url=arxiv.html_base_url, pdf_base_url=arxiv.pdf_base_url,
                          request_interval_seconds=0.01, max_retries=1, **arxiv_options),
        llm=LLMConfig(base_url=llm.base_url, max_retries=0),
    )
    config = config.model_copy(update={"bot": config.bot.model_copy(
        update={"database": ":memory:", "language": "en"})})
    async with build(config, FixedClock()) as parts:
        parts.store.upsert_papers(fixture_papers())
        yield parts
