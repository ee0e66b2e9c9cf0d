"""Commands are registered only when they changed: the real adapters against the stand-ins,
with a real SqliteStore remembering what each bot last registered."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace

import pytest

from adapters import PlatformContext, entry
from adapters.discord import incoming as slash
from adapters.discord.adapter import DiscordAdapter
from adapters.discord.config import DiscordConfig
from adapters.registered_commands import RegisteredCommands, table_hash
from adapters.telegram import adapter as telegram_adapter
from adapters.telegram.adapter import TelegramAdapter
from adapters.telegram.config import TelegramConfig
from bot.commands.specs import COMMANDS
from bot.errors import UpstreamError
from bot.models import ChatRef, IncomingCommand, Reply
from storage.store import SqliteStore
from tests.fakes.fake_discord import FakeDiscord, restore_discord_endpoints
from tests.fakes.fake_telegram import FakeTelegram

SCOPES = ("default", "all_private_chats", "all_group_chats")
# One setMyCommands call per scope and menu language (default English, zh, ja).
MENUS = len(SCOPES) * len(telegram_adapter.MENU_LANGUAGES)
COMMANDS_PUT = ("PUT", "/applications/")


async def _handle(command: IncomingCommand) -> Reply:
    return Reply(text=f"ok {command.name}")


def _complete(kind: str, prefix: str, chat: ChatRef) -> list[str]:
    return []


def _renamed_help() -> tuple:
    """The command table with /help's description changed."""
    return tuple(replace(c, summary="Help, reworded") if c.name == "help" else c
                 for c in COMMANDS)


@pytest.fixture
def store() -> Iterator[SqliteStore]:
    s = SqliteStore.open(":memory:")
    yield s
    s.close()


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


async def _start_telegram(fake: FakeTelegram, store: SqliteStore | None) -> None:
    bot = TelegramAdapter(TelegramConfig(base_url=fake.api_url), fake.token, _handle,
                          poll_timeout=1, meta=store)
    await bot.start()
    await bot.stop()


def test_the_hash_ignores_key_order_and_sees_any_change() -> None:
    assert table_hash({"a": 1, "b": [1, 2]}) == table_hash({"b": [1, 2], "a": 1})
    assert table_hash({"a": 1, "b": [1, 2]}) != table_hash({"a": 1, "b": [2, 1]})


def test_remembered_per_platform_and_identity(store: SqliteStore) -> None:
    first = RegisteredCommands(store, "telegram", "1@x", ["t"])
    assert not first.unchanged
    first.remember()
    assert RegisteredCommands(store, "telegram", "1@x", ["t"]).unchanged
    assert not RegisteredCommands(store, "telegram", "2@x", ["t"]).unchanged
    assert not RegisteredCommands(store, "discord", "1@x", ["t"]).unchanged
    assert not RegisteredCommands(None, "telegram", "1@x", ["t"]).unchanged


async def test_telegram_restart_with_the_same_commands_makes_no_setmycommands_call(
    telegram: FakeTelegram, store: SqliteStore
) -> None:
    await _start_telegram(telegram, store)
    assert len(telegram.calls("setMyCommands")) == MENUS
    await _start_telegram(telegram, store)
    assert len(telegram.calls("setMyCommands")) == MENUS
    assert len(telegram.calls("getMe")) == 2  # the second start did run


async def test_telegram_changed_commands_are_registered_again(
    telegram: FakeTelegram, store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _start_telegram(telegram, store)
    monkeypatch.setattr(telegram_adapter, "COMMANDS", _renamed_help())
    await _start_telegram(telegram, store)
    assert len(telegram.calls("setMyCommands")) == 2 * MENUS
    for scope in SCOPES:
        menu = {c["command"]: c["description"] for c in telegram.my_commands(scope)}
        assert menu["help"] == "Help, reworded"
    await _start_telegram(telegram, store)
    assert len(telegram.calls("setMyCommands")) == 2 * MENUS


async def test_telegram_a_failed_scope_is_registered_at_the_next_start(
    telegram: FakeTelegram, store: SqliteStore
) -> None:
    telegram.fail_next("502", method="setMyCommands")
    await _start_telegram(telegram, store)
    await _start_telegram(telegram, store)
    assert len(telegram.calls("setMyCommands")) == 2 * MENUS
    assert all(telegram.my_commands(scope) for scope in SCOPES)


async def test_telegram_another_bot_or_no_memory_registers(
    telegram: FakeTelegram, store: SqliteStore
) -> None:
    await _start_telegram(telegram, store)
    with FakeTelegram(token="654321:OTHER-token") as other:
        await _start_telegram(other, store)
        assert len(other.calls("setMyCommands")) == MENUS
    await _start_telegram(telegram, None)
    assert len(telegram.calls("setMyCommands")) == 2 * MENUS


async def test_telegram_factory_hands_the_adapter_the_memory(
    telegram: FakeTelegram, store: SqliteStore
) -> None:
    context = PlatformContext(_handle, _complete, store)
    for _ in range(2):
        bot = entry("telegram").create(TelegramConfig(base_url=telegram.api_url),
                                       telegram.token, context)
        await bot.start()
        await bot.stop()
    assert len(telegram.calls("setMyCommands")) == MENUS


@pytest.fixture
async def discord_fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    restore_discord_endpoints(monkeypatch)
    server = FakeDiscord().start()
    yield server
    server.stop()


def _discord(fake: FakeDiscord, store: SqliteStore | None) -> DiscordAdapter:
    config = DiscordConfig(api_base=fake.api_base, gateway_url=fake.gateway_url)
    return DiscordAdapter(config, "fake-token", _handle, _complete, ready_timeout=10,
                          meta=store)


async def _start_discord(fake: FakeDiscord, store: SqliteStore | None) -> None:
    adapter = _discord(fake, store)
    await adapter.start()
    await adapter.stop()


async def test_discord_restart_with_the_same_commands_does_not_sync_and_still_answers(
    discord_fake: FakeDiscord, store: SqliteStore
) -> None:
    await _start_discord(discord_fake, store)
    assert len(discord_fake.requests_to(*COMMANDS_PUT)) == 1
    adapter = _discord(discord_fake, store)
    await adapter.start()
    try:
        assert len(discord_fake.requests_to(*COMMANDS_PUT)) == 1
        callback = await discord_fake.invoke("help").callback()
        assert callback["data"]["content"] == "ok help"
    finally:
        await adapter.stop()


async def test_discord_changed_commands_are_synced_again(
    discord_fake: FakeDiscord, store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _start_discord(discord_fake, store)
    monkeypatch.setattr(slash, "COMMANDS", _renamed_help())
    await _start_discord(discord_fake, store)
    assert len(discord_fake.requests_to(*COMMANDS_PUT)) == 2
    help_command = next(c for c in discord_fake.commands if c["name"] == "help")
    assert help_command["description"] == "Help, reworded"
    await _start_discord(discord_fake, store)
    assert len(discord_fake.requests_to(*COMMANDS_PUT)) == 2


async def test_discord_a_failed_sync_is_not_remembered(
    discord_fake: FakeDiscord, store: SqliteStore
) -> None:
    discord_fake.fail(*COMMANDS_PUT, 403)
    refused = _discord(discord_fake, store)
    with pytest.raises(UpstreamError):
        await refused.start()
    await refused.stop()
    assert discord_fake.commands == []
    await _start_discord(discord_fake, store)
    assert len(discord_fake.requests_to(*COMMANDS_PUT)) == 2 and discord_fake.commands
