"""A platform defined inside this test runs a channel digest and a command with no change to
`bot/`: registering it by name, with its own config section, is all a new platform needs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

import adapters
from adapters import PlatformContext, PlatformEntry
from bot.config import EnvName, Section, parse_config
from bot.main.app import build
from bot.main.run import _start_adapters, post_digests
from bot.models import ChatRef, Digest, IncomingCommand, Reply
from bot.ports import Capabilities
from tests.cli_helpers import listing_papers
from tests.conftest import ROOT


class MemoConfig(Section):
    """`[memo]`: only where its token lives, like any real platform."""

    token_env: EnvName = "MEMO_TOKEN"


class MemoRenderer:
    """Renders to plain dicts a test can read: which papers went where."""

    def reply(self, reply: Reply) -> list[dict[str, Any]]:
        return [{"text": reply.text, "cards": [c.paper.id for c in reply.cards]}]

    def digest(self, digest: Digest) -> list[dict[str, Any]]:
        return [{"topic": digest.topic, "papers": [c.paper.id for c in digest.cards]}]


class MemoPlatform:
    """Records what it is asked to send."""

    name = "memo"
    capabilities = Capabilities(buttons=False, direct_messages=False, max_message_chars=10_000)
    built: ClassVar[list[MemoPlatform]] = []

    def __init__(self, token: str, context: PlatformContext) -> None:
        self.token = token
        self.context = context
        self.renderer = MemoRenderer()
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.running = False
        MemoPlatform.built.append(self)

    async def start(self) -> None:
        self.running = True

    async def stop(self) -> None:
        self.running = False

    async def send(self, chat: ChatRef, payload: dict[str, Any], *, plain: bool = False) -> str:
        assert self.running, "the core sends only through a started platform"
        self.sent.append((chat.chat_id, payload))
        return str(len(self.sent))


def _create(section: Any, token: str | None, context: PlatformContext) -> MemoPlatform:
    assert isinstance(section, MemoConfig) and token
    return MemoPlatform(token, context)


def _check_chat(chat: str) -> str:
    if not chat.startswith("room-"):
        raise ValueError("a memo chat is room-<name>")
    return chat


@pytest.fixture
def memo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("MEMO_TOKEN", "memo-secret")
    MemoPlatform.built.clear()
    adapters.register(PlatformEntry("memo", MemoConfig, MemoRenderer, _create, _check_chat))
    yield
    adapters.unregister("memo")


def _config(tmp_path: Path, fake_arxiv: Any) -> Any:
    raw = {
        "bot": {"database": str(tmp_path / "memo.db")},
        "arxiv": {
            "api_url": fake_arxiv.api_url,
            "rss_url": fake_arxiv.rss_url,
            "request_interval_seconds": 0.01,
        },
        "memo": {"token_env": "MEMO_TOKEN"},
        "topics": [{"name": "Agents", "categories": ["cs.AI", "cs.LG"]}],
        "channels": [{"platform": "memo", "chat": "room-lab", "topics": ["Agents"]}],
    }
    platforms = {n: (e.section, e.check_chat) for n, e in adapters.registered().items()}
    return parse_config(raw, "memo.toml", {}, platforms)


async def test_a_platform_defined_in_a_test_gets_a_channel_digest(
    memo: None, tmp_path: Path, fake_arxiv: Any
) -> None:
    papers = listing_papers()
    fake_arxiv.set_listing(papers)
    config = _config(tmp_path, fake_arxiv)
    assert config.platform("memo") == MemoConfig()

    assert await post_digests(config, None, None) == 0

    [platform] = MemoPlatform.built
    assert platform.token == "memo-secret"
    chats = {chat for chat, _ in platform.sent}
    assert chats == {"room-lab"}
    posted = [pid for _, payload in platform.sent for pid in payload.get("papers", [])]
    assert posted and len(posted) == len(set(posted))
    assert set(posted) <= {p.id for p in papers}

    # A second post repeats nothing: the outbox is the platform's as much as Telegram's.
    MemoPlatform.built.clear()
    assert await post_digests(config, None, None) == 0
    assert MemoPlatform.built[0].sent == []


async def test_a_platform_defined_in_a_test_answers_commands(
    memo: None, tmp_path: Path, fake_arxiv: Any
) -> None:
    config = _config(tmp_path, fake_arxiv)
    async with build(config) as parts:
        platforms = await _start_adapters(config, parts)
        assert set(platforms) == {"memo"}  # Telegram and Discord have no token here
        platform = MemoPlatform.built[0]
        chat = ChatRef("memo", "room-lab", is_private=True)
        reply = await platform.context.handle(
            IncomingCommand("summarize", "1706.03762 en", chat, "u1")
        )
        [payload] = platform.renderer.reply(reply)
        assert payload["cards"] == ["1706.03762"]
        subscribed = await platform.context.handle(
            IncomingCommand("subscribe", "cs.CV", chat, "u1")
        )
        assert not subscribed.is_error and "cs.CV" in subscribed.text
        for started in platforms.values():
            await started.stop()


def test_the_core_never_names_a_platform() -> None:
    """The proof above needed no edit in bot/: no module there names a platform either."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "bot").rglob("*.py")
        if path.relative_to(ROOT).parts[:2] != ("bot", "main")
        for word in ('"telegram"', '"discord"', '"console"', '"memo"')
        if word in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
