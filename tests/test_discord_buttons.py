"""Buttons on Discord (issue 11): the core's rows as components within Discord's limits, the
stand-in refusing what Discord refuses, and the real DiscordAdapter answering presses on the
stand-in: quick answers as the response, slow ones deferred first, expired and forgotten
presses never raising; replies' files uploaded as attachments."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest

from adapters.discord.adapter import DiscordAdapter
from adapters.discord.components import components
from adapters.discord.config import DiscordConfig
from adapters.discord.render import DiscordRenderer
from bot.buttons.keyboards import paper_buttons
from bot.models import (
    Attachment,
    Button,
    ButtonAnswer,
    ButtonPress,
    ChatRef,
    IncomingCommand,
    Paper,
    Reply,
    Signal,
)
from tests.fakes.discord_components import Posted, validate_components
from tests.fakes.fake_discord import (
    CHANNEL_ID,
    EPHEMERAL,
    USER_ID,
    FakeDiscord,
    restore_discord_endpoints,
)

PAPER = Paper("1706.03762", 7, "Attention Is All You Need", ("Ashish Vaswani",),
              "The dominant sequence transduction models...", ("cs.CL",), "cs.CL")
ROWS = paper_buttons(PAPER, "en", state=frozenset({Signal.UP}))


def test_paper_rows_become_valid_components_with_a_link_button() -> None:
    rows = components(ROWS)
    assert validate_components(rows) == {}
    buttons = [b for row in rows for b in row["components"]]
    pdf = next(b for b in buttons if b["label"] == "PDF")
    assert pdf == {"type": 2, "style": 5, "label": "PDF", "url": PAPER.links.pdf}
    up = next(b for b in buttons if b["label"].startswith("👍"))
    assert up["label"] == "👍 ✓" and up["style"] == 3 and up["custom_id"].startswith("u:")


def test_components_stay_within_discords_limits_whatever_the_rows() -> None:
    wide = tuple(tuple(Button("x" * 200, data=f"s:1706.0376{i}v1") for i in range(7))
                 for _ in range(7))
    rows = components((*wide, (Button("long", data="s" * 101),)))
    assert validate_components(rows) == {}
    assert len(rows) == 5 and all(len(r["components"]) == 5 for r in rows)


@pytest.mark.parametrize("rows", [
    [{"type": 1, "components": [{"type": 2, "style": 1, "label": "a", "custom_id": "a"}]}] * 6,
    [{"type": 1, "components": [{"type": 2, "style": 1, "label": "a", "custom_id": "a"}] * 6}],
    [{"type": 1, "components": [{"type": 2, "style": 1, "label": "a", "custom_id": "a" * 101}]}],
    [{"type": 1, "components": [{"type": 2, "style": 1, "label": "a" * 81, "custom_id": "a"}]}],
    [{"type": 1, "components": [{"type": 2, "style": 5, "label": "a", "custom_id": "a",
                                 "url": "https://arxiv.org"}]}],
    [{"type": 1, "components": [{"type": 2, "style": 1, "label": "a"}]}],
])
def test_the_stand_in_refuses_what_discord_refuses(rows: list) -> None:
    assert validate_components(rows) != {}


def test_a_reply_carries_its_buttons_and_its_file() -> None:
    reply = Reply(text="3 papers", buttons=ROWS,
                  attachment=Attachment("saved.bib", "@misc{a,}", "application/x-bibtex"))
    (message,) = DiscordRenderer().reply(reply)
    assert message["components"] == components(ROWS)
    assert message["file"] == {"filename": "saved.bib", "content": "@misc{a,}",
                               "mime": "application/x-bibtex"}


class Presses:
    """An in-test press handler: answers after `delay` seconds with `answer`."""

    def __init__(self) -> None:
        self.delay = 0.0
        self.answer = ButtonAnswer(toast="ok")
        self.seen: list[ButtonPress] = []

    async def __call__(self, press: ButtonPress) -> ButtonAnswer:
        self.seen.append(press)
        await asyncio.sleep(self.delay)
        return self.answer


async def _reply(command: IncomingCommand) -> Reply:
    return Reply(text="ok")


def _complete(kind: str, prefix: str, chat: ChatRef) -> list[str]:
    return []


@pytest.fixture
def fake() -> Iterator[FakeDiscord]:
    server = FakeDiscord().start()
    yield server
    server.stop()


@pytest.fixture
async def presses_adapter(fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch
                          ) -> AsyncIterator[tuple[Presses, DiscordAdapter]]:
    restore_discord_endpoints(monkeypatch)
    presses = Presses()
    config = DiscordConfig(api_base=fake.api_base, gateway_url=fake.gateway_url)
    adapter = DiscordAdapter(config, "fake-token", _reply, _complete, press=presses,
                             guild_ready_timeout=0.05, ready_timeout=10)
    await adapter.start()
    yield presses, adapter
    await adapter.stop()


async def _card_message(fake: FakeDiscord, adapter: DiscordAdapter) -> Posted:
    payload = {"content": "a card", "embeds": [], "components": components(ROWS)}
    await adapter.send(ChatRef("discord", CHANNEL_ID, is_private=False), payload)
    return fake.posted(CHANNEL_ID)[-1]


async def test_a_quick_depth_answer_is_the_ephemeral_response(
        fake: FakeDiscord, presses_adapter: tuple[Presses, DiscordAdapter]) -> None:
    presses, adapter = presses_adapter
    message = await _card_message(fake, adapter)
    presses.answer = ButtonAnswer(toast="", reply=Reply(text="Summary: …", buttons=ROWS),
                                  show="chat")
    inv = fake.press(message, "s:1706.03762v7:en", user_id=USER_ID)
    first = await inv.callback()
    assert first["type"] == 4 and first["data"]["flags"] & EPHEMERAL
    assert first["data"]["components"] == components(ROWS)
    assert inv.acked_after is not None and inv.acked_after < 3
    [press] = presses.seen
    assert press == ButtonPress("s:1706.03762v7:en", ChatRef("discord", CHANNEL_ID, False),
                                USER_ID, locale="en-US")


async def test_a_slow_depth_answer_is_deferred_ephemerally_then_followed(
        fake: FakeDiscord, presses_adapter: tuple[Presses, DiscordAdapter]) -> None:
    presses, adapter = presses_adapter
    message = await _card_message(fake, adapter)
    presses.delay = 2.5  # the LLM is making the card
    presses.answer = ButtonAnswer(toast="", reply=Reply(text="Summary: …"), show="private")
    inv = fake.press(message, "s:1706.03762v7:en", user_id=USER_ID)
    first = await inv.callback()
    assert first["type"] == 5 and first["data"]["flags"] & EPHEMERAL
    assert inv.acked_after is not None and inv.acked_after < 3
    [followup] = await inv.followup(within=5)
    assert followup["content"] == "Summary: …" and followup["flags"] & EPHEMERAL


async def test_a_toggle_redraws_the_pressed_message_quick_or_slow(
        fake: FakeDiscord, presses_adapter: tuple[Presses, DiscordAdapter]) -> None:
    presses, adapter = presses_adapter
    message = await _card_message(fake, adapter)
    counted = paper_buttons(PAPER, "en", counts={Signal.UP: 1})
    presses.answer = ButtonAnswer(toast="👍 Noted", buttons=counted)
    inv = fake.press(message, "u:1706.03762v7:en", user_id=USER_ID)
    assert (await inv.callback())["type"] == 7
    [toast] = await inv.followup()
    assert toast["content"] == "👍 Noted" and toast["flags"] & EPHEMERAL
    assert message.body["components"] == components(counted)

    presses.delay = 2.5
    cleared = paper_buttons(PAPER, "en")
    presses.answer = ButtonAnswer(toast="👍 removed.", buttons=cleared)
    slow = fake.press(message, "u:1706.03762v7:en", user_id=USER_ID)
    assert (await slow.callback())["type"] == 6
    await slow.followup(count=2, within=5)
    assert slow.followups[0]["method"] == "PATCH"  # @original: the pressed message
    assert message.body["components"] == components(cleared)


async def test_forgotten_and_deleted_never_raise(
        fake: FakeDiscord, presses_adapter: tuple[Presses, DiscordAdapter],
        caplog: pytest.LogCaptureFixture) -> None:
    presses, adapter = presses_adapter
    message = await _card_message(fake, adapter)
    presses.answer = ButtonAnswer(toast="👍 Noted", buttons=ROWS)
    forgotten = fake.press(message, "u:1706.03762v7:en", user_id=USER_ID, known=False)
    fake.delete_message(message.id)
    gone = fake.press(message, "u:1706.03762v7:en", user_id=USER_ID)
    toast = await gone.callback()  # the redraw failed; the toast still answers
    assert toast["type"] == 4 and toast["data"]["content"] == "👍 Noted"
    await fake.wait_until(lambda: len(presses.seen) == 2)
    await asyncio.sleep(0.2)
    assert not forgotten.callbacks
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


async def test_a_file_is_uploaded_as_an_attachment(
        fake: FakeDiscord, presses_adapter: tuple[Presses, DiscordAdapter]) -> None:
    _, adapter = presses_adapter
    (payload,) = DiscordRenderer().reply(Reply(
        text="Your reading list", attachment=Attachment("saved.bib", "@misc{x,}")))
    await adapter.send(ChatRef("discord", CHANNEL_ID, is_private=False), payload)
    [upload] = fake.messages[CHANNEL_ID][-1]["files"]
    assert (upload["filename"], upload["content"]) == ("saved.bib", b"@misc{x,}")


def test_content_presses_defer_with_a_loading_state_and_toggles_do_not() -> None:
    from adapters.discord.buttons import is_depth
    from bot.buttons.payload import Action, Payload, encode

    def data(action: Action) -> str:
        return encode(Payload(action, "2411.00002", 1, "en"))

    assert all(is_depth(data(a)) for a in (Action.SUMMARY, Action.ABSTRACT, Action.DEEP))
    assert not any(is_depth(data(a)) for a in (Action.UP, Action.DOWN, Action.SAVE))
