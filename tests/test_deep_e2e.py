"""Issue 15 end to end: the real `paperbot run` process, on Telegram and on Discord at once,
answers `/summarize <id> full` with a deep card from the fixture paper's real LaTeXML HTML,
its figure as a photo / embed image (CC BY, licence read from the listing a /digest stored),
a "Figures" link under arXiv's licence, and /usage with calls and tokens. A second ask makes
no LLM call and no arXiv request, counted at the stand-ins."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.cli_helpers import stand_in_env, wait_for
from tests.conftest import ROOT
from tests.e2e_setup import fulltext_env, platform_env, running
from tests.fakes.fake_arxiv import FakeArxiv
from tests.fakes.fake_discord import FakeDiscord
from tests.fakes.fake_fulltext import HTML_ARXIV, HTML_CC_BY, SECTION_LABELS, fixture_papers
from tests.fakes.fake_llm import FakeLLM
from tests.fakes.fake_telegram import FakeTelegram

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals"),
]

USER = 5151
DM_CHANNEL = "900000000000000400"
TAKEAWAY = re.compile(r"^\d\. .*\((§[^)]*)\)$", re.MULTILINE)


@dataclass
class Bot:
    telegram: FakeTelegram
    discord: FakeDiscord
    arxiv: FakeArxiv
    llm: FakeLLM


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    tmp = tmp_path_factory.mktemp("deep-e2e")
    with FakeArxiv() as arxiv, FakeLLM() as llm, FakeTelegram() as telegram:
        arxiv.set_listing(fixture_papers())
        arxiv.add_papers(fixture_papers())
        discord = FakeDiscord().start()
        env = platform_env(stand_in_env(tmp, arxiv, llm, key=True), telegram, discord)
        try:
            with running(ROOT / "config.example.toml", fulltext_env(env, arxiv)):
                yield Bot(telegram, discord, arxiv, llm)
        finally:
            discord.stop()


def telegram_ask(bot: Bot, text: str, settle: float = 1.0) -> list[dict[str, Any]]:
    """Send as the user in their private chat; the new messages and photos once settled."""
    before = len(bot.telegram.sent_messages(USER)) + len(bot.telegram.sent_photos(USER))

    def new() -> list[dict[str, Any]]:
        sent = bot.telegram.sent_messages(USER) + bot.telegram.sent_photos(USER)
        return sorted(sent, key=lambda m: m["message_id"])[before:]

    bot.telegram.user_sends(USER, text, user_id=USER)
    wait_for(lambda: new(), 30, f"an answer to {text}")
    last, since = new(), time.monotonic()
    while time.monotonic() - since < settle:
        time.sleep(0.1)
        if new() != last:
            last, since = new(), time.monotonic()
    return last


def test_telegram_deep_card_with_a_photo_then_free_from_the_cache(bot: Bot) -> None:
    telegram_ask(bot, "/subscribe cs.CL")
    telegram_ask(bot, "/digest")  # stores the listing, and the papers' licences with it
    wait_for(lambda: any("[5/5]" in m["text"] for m in bot.telegram.sent_messages(USER)), 30,
             "the whole digest")
    calls, requests = bot.llm.count, len(bot.arxiv.requests)
    photos = len(bot.telegram.sent_photos(USER))
    sent = telegram_ask(bot, f"/summarize {HTML_CC_BY} full")
    text = "\n".join(m.get("text", "") for m in sent)
    assert "Source: from the full text (HTML)" in text
    named = TAKEAWAY.findall(text)
    assert 5 <= len(named) <= 7 and set(named) <= set(SECTION_LABELS), text
    # The photo comes last, after the paced text messages.
    wait_for(lambda: len(bot.telegram.sent_photos(USER)) == photos + 1, 10, "the photo")
    [photo] = bot.telegram.sent_photos(USER)[photos:]
    assert photo["photo"] == f"{bot.arxiv.html_base_url}/{HTML_CC_BY}v1/routing.png"
    assert photo["caption"].startswith("Figure 1: Tokens are routed")
    assert len(photo["caption"]) <= 1024
    assert bot.llm.count == calls + 1
    assert [r.kind for r in bot.arxiv.requests[requests:]] == ["html"]
    answered = bot.llm.requests[-1].at
    assert min(m["at"] for m in sent) - answered < 3, "the card came > 3 s after the LLM"

    calls, requests = bot.llm.count, len(bot.arxiv.requests)
    again = telegram_ask(bot, f"/summarize {HTML_CC_BY} full")
    wait_for(lambda: len(bot.telegram.sent_photos(USER)) == photos + 2, 10, "the photo")
    assert "\n".join(m.get("text", "") for m in again if "text" in m) in text
    assert (bot.llm.count, len(bot.arxiv.requests)) == (calls, requests)

    usage = "\n".join(m["text"] for m in telegram_ask(bot, "/usage"))
    assert re.search(r"LLM calls: \d+ of 30", usage) and "arXiv lookups:" in usage
    tokens = int(re.search(r"LLM tokens: ([\d,]+)", usage)[1].replace(",", ""))  # type: ignore[index]
    assert tokens > 0


def test_telegram_arxiv_licence_gets_a_link_not_a_photo(bot: Bot) -> None:
    sent = telegram_ask(bot, f"/summarize {HTML_ARXIV} full")
    assert not [m for m in sent if "photo" in m]
    text = "\n".join(m["text"] for m in sent)
    assert f"Figures: {bot.arxiv.html_base_url}/{HTML_ARXIV}v1" in text


def _answers(inv: Any) -> list[dict[str, Any]]:
    wait_for(lambda: any(f["method"] != "DELETE" for f in inv.followups), 30, "an answer")
    time.sleep(0.5)
    return [f for f in inv.followups if f["method"] != "DELETE"]


def test_discord_deep_card_with_an_embed_image_in_any_language(bot: Bot) -> None:
    wait_for(lambda: bot.discord.commands, 30, "registered commands")
    calls, requests = bot.llm.count, len(bot.arxiv.requests)
    inv = bot.discord.invoke("summarize", {"id": HTML_CC_BY, "full": "full", "lang": "ja"},
                             guild=False, channel_id=DM_CHANNEL)
    messages = _answers(inv)
    text = "\n".join(m.get("content") or "" for m in messages)
    assert "from the full text (HTML)" in text and "[ja]" in text
    named = TAKEAWAY.findall(text.replace("\\", ""))
    assert named and set(named) <= set(SECTION_LABELS), text
    images = [e["image"]["url"] for m in messages for e in m.get("embeds", []) if "image" in e]
    assert images == [f"{bot.arxiv.html_base_url}/{HTML_CC_BY}v1/routing.png"]
    # The text was read for Telegram's ask already: only the LLM is asked, in Japanese.
    assert (bot.llm.count, len(bot.arxiv.requests)) == (calls + 1, requests)
    inv = bot.discord.invoke("usage", guild=False, channel_id=DM_CHANNEL)
    usage = "\n".join(m.get("content") or "" for m in _answers_any(inv))
    assert "LLM tokens:" in usage


def _answers_any(inv: Any) -> list[dict[str, Any]]:
    wait_for(lambda: inv.callbacks, 30, "an answer")
    time.sleep(0.3)
    first = inv.callbacks[0]
    shown = [first["data"]] if first["type"] == 4 else []
    return shown + [f for f in inv.followups if f["method"] != "DELETE"]
