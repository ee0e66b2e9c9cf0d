"""/forget and translation retention, through the router with the real SQLite store."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import parse_config
from bot.main.app import build
from bot.main.run import Service
from bot.models import OutgoingMessage
from tests.fakes.ports import FixedClock
from tests.test_commands import GROUP, PRIVATE, Harness


@pytest.fixture
def bot() -> Iterator[Harness]:
    harness = Harness()
    yield harness
    harness.store.close()


async def test_forget_in_a_private_chat_deletes_everything_about_the_user(bot: Harness) -> None:
    await bot.send("/subscribe cs.CL")
    await bot.send("/settings lang ja")
    await bot.send("/translate my secret plan")
    bot.store.enqueue([OutgoingMessage(f"{PRIVATE.key}|d|0", PRIVATE, {"text": "x"}, "d")],
                      bot.core.clock.now())
    today = bot.core.clock.now().date()
    assert bot.store.llm_usage("telegram:7", today) == 1 and bot.llm.calls == 1

    reply = await bot.send("/forget")
    assert not reply.is_error
    # Said in the chat's language, set to Japanese above.
    assert reply.text.startswith(
        "このチャットの設定、購読 1 件、送信待ちのダイジェスト 1 件、ここに送った論文の記録、"
        "あなたのテキストの保存済み翻訳 1 件と利用回数を削除しました。"
    )
    assert "残るもの:キャッシュされた論文の要約" in reply.text
    assert bot.store.get_settings(PRIVATE) is None and bot.store.subscriptions(PRIVATE) == []
    assert bot.store.pending_count() == 0
    assert bot.store.llm_usage("telegram:7", today) == 0
    await bot.send("/translate my secret plan")
    assert bot.llm.calls == 2  # the stored translation was gone


async def test_forget_in_a_group_deletes_only_the_askers_own_data(bot: Harness) -> None:
    await bot.send("/subscribe cs.CL", chat=GROUP, admin=True)
    await bot.send("/translate shared words", chat=GROUP, user="7")
    await bot.send("/translate other words", chat=GROUP, user="8")
    await bot.send("/translate shared words", chat=GROUP, user="8")  # cache hit, noted for 8

    reply = await bot.send("/forget", chat=GROUP, user="8", admin=False)
    assert not reply.is_error and reply.ephemeral
    assert "Deleted 2 stored translations of your text" in reply.text
    assert "send /forget to me there" in reply.text
    assert [s.topic.name for s in bot.store.subscriptions(GROUP)] == ["cs.CL"]
    await bot.send("/translate other words", chat=GROUP, user="7")
    await bot.send("/translate shared words", chat=GROUP, user="7")
    assert bot.llm.calls == 4


async def test_run_expires_old_translations_at_start(tmp_path: Path) -> None:
    config = parse_config(
        {"bot": {"database": str(tmp_path / "p.db"), "translation_retention_days": 7}}, "t", {}
    )
    clock = FixedClock()
    async with build(config, clock) as parts:
        parts.store._now = lambda: clock.at - timedelta(days=8)  # the store's own clock
        parts.store.put_translation("stale", "s", "telegram:1")
        parts.store._now = lambda: clock.at - timedelta(days=6)
        parts.store.put_translation("fresh", "f", "telegram:1")
        service = Service(parts, {})
        purging = asyncio.create_task(service._expire_translations_daily())
        await asyncio.sleep(0)
        assert parts.store.get_translation("stale") is None
        assert parts.store.get_translation("fresh") == "f"
        service.stop()
        await asyncio.wait_for(purging, 5)
