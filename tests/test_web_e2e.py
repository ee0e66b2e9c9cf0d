"""End to end: `paperbot site` after `paperbot digest`, and `paperbot run` serving the
archive it rebuilds after a channel's digest, against the arXiv, LLM and Telegram stand-ins."""

from __future__ import annotations

import re
import signal
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli_helpers import (
    Process,
    listing_papers,
    paperbot,
    slot_in,
    stand_in_env,
    wait_for,
)
from tests.conftest import ROOT
from tests.fakes.fake_telegram import FakeTelegram

pytestmark = pytest.mark.e2e
CHANNEL = -1001000000001


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_site_after_a_digest_publishes_its_papers(tmp_path: Path, fake_arxiv, fake_llm) -> None:
    papers = listing_papers()
    fake_arxiv.set_listing(papers)
    env = stand_in_env(tmp_path, fake_arxiv, fake_llm, key=True)
    digest = paperbot("digest", "--config", "config.example.toml", "--format", "json", env=env)
    assert digest.returncode == 0, digest.stderr
    out = tmp_path / "site"
    result = paperbot("site", "--config", "config.example.toml", "--output", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert re.search(r"paperbot: wrote .*site: \d+ files, \d+ written", result.stderr)
    assert result.stdout == ""
    days = sorted((out / "topics" / "R1_Reasoning").glob("20??-??-??.html"))
    assert len(days) == 1
    page = days[0].read_text(encoding="utf-8")
    published = set(re.findall(r'href="\.\./\.\./papers/([^"]+)\.html"', page))
    assert published and published <= {p.id for p in papers}
    assert (out / "atom.xml").exists() and (out / "feed.json").exists()
    again = paperbot("site", "--config", "config.example.toml", "--output", str(out), env=env)
    assert ", 0 written," in again.stderr


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


def test_run_serves_the_archive_and_rebuilds_it_after_a_digest(
    tmp_path: Path, fake_arxiv, fake_llm, telegram
) -> None:
    fake_arxiv.set_listing(listing_papers())
    port = _free_port()
    config = tmp_path / "paperbot.toml"
    example = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    config.write_text(
        example.replace('listen = ""', f'listen = "127.0.0.1:{port}"')
        .replace('output = "site"', f'output = "{tmp_path / "site"}"')
        .replace('\nbase_url = ""', f'\nbase_url = "http://127.0.0.1:{port}/"', 1)
        + f'\n[[channels]]\nplatform = "telegram"\nchat = "{CHANNEL}"\n'
        f'topics = ["R1_Reasoning"]\ntime = "{slot_in(20)}"\ntimezone = "Asia/Shanghai"\n'
        'style = "full"\n',  # a card per paper, each with its archive link
        encoding="utf-8",
    )
    env = stand_in_env(tmp_path, fake_arxiv, fake_llm, key=True)
    env.update(TELEGRAM_BOT_TOKEN=telegram.token, PAPERBOT_TELEGRAM_BASE_URL=telegram.api_url)
    env.pop("DISCORD_BOT_TOKEN", None)
    bot = Process(["run", "--config", str(config)], env)
    base = f"http://127.0.0.1:{port}"
    try:
        bot.wait_ready()
        index = wait_for(lambda: _fetch(base + "/")[0] == 200 and _fetch(base + "/")[1], 20,
                         "the site built at start")
        assert "R1_Reasoning" in str(index)
        wait_for(lambda: telegram.sent_messages(CHANNEL), 60, "the channel digest")

        def day_page() -> str:
            status, body = _fetch(base + "/topics/R1_Reasoning/")
            links = re.findall(r'href="(20\d\d-\d\d-\d\d\.html)"', body) if status == 200 else []
            return links[0] if links else ""

        day = wait_for(day_page, 30, "the rebuilt topic page")
        status, body = _fetch(f"{base}/topics/R1_Reasoning/{day}")
        assert status == 200 and "更新" in body and "arxiv.org/abs/" in body
        # `[web] base_url`: each digest card links to its paper's page, and the page is there.
        cards = wait_for(lambda: [m["text"] for m in telegram.sent_messages(CHANNEL)
                                  if "arxiv.org/abs/" in m["text"]], 30, "the digest's cards")
        page_link = rf'href="({re.escape(base)}/papers/[^"]+\.html)">存档<'
        pages = [re.search(page_link, c) for c in cards]
        assert cards and all(pages), cards[0]
        status, body = _fetch(pages[0].group(1))  # type: ignore[union-attr]
        assert status == 200 and "arxiv.org/abs/" in body
        status, body = _fetch(base + "/no/such/page.html")
        assert status == 404 and "页面不存在" in body
        status, body = _fetch(base + "/%2e%2e/paperbot.toml")
        assert status == 404 and "telegram" not in body
        assert bot.stop() == 0
    finally:
        bot.stop(signal.SIGKILL)
