"""One card per paper and language within a run: when the LLM fails for a paper and then
recovers, every destination planned in the same run gets the same (fallback) card, and the
next run tries the LLM again."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from bot.models import Digest, Paper
from bot.services.cards import CardService
from bot.services.daily import DailyCycle
from bot.services.digests import DigestService
from tests.fakes.ports import ListingRenderer, ScriptedLLM
from tests.test_daily import ALICE, BOB, CAROL, LANGUAGE, TUESDAY_SLOT, World, cl


@dataclass
class RecoveringLLM(ScriptedLLM):
    """Fails each id in `fail_ids` once, then answers: an outage that ends mid-run."""

    async def card(self, paper: Paper, language: str, glossary: Any = ()) -> Any:
        try:
            return await super().card(paper, language)
        finally:
            self.fail_ids.discard(paper.id)


class SourceRenderer(ListingRenderer):
    """Also lists each card's source ("llm" or "unavailable")."""

    def digest(self, digest: Digest) -> list[dict[str, Any]]:
        [payload] = super().digest(digest)
        return [{**payload, "sources": [c.text.source for c in digest.cards]}]


@pytest.fixture
def world() -> Iterator[World]:
    w = World(TUESDAY_SLOT)
    w.llm = RecoveringLLM(fail_ids={"2411.00002"})
    cards = CardService(w.store, w.llm)
    w.cycle = DailyCycle(
        w.config, w.store, w.store, w.store, w.source,
        DigestService(w.store, w.source, cards, w.clock),
        {"telegram": SourceRenderer()}, w.clock,
    )
    w.announce(TUESDAY_SLOT.date(), cl("2411.00001"), cl("2411.00002"))
    for chat in (ALICE, BOB, CAROL):
        w.subscribe(chat, LANGUAGE)
    yield w
    w.store.close()


def sources(world: World) -> dict[str, list[str]]:
    return {
        chat.chat_id: [s for p in world.outbox(chat) for s in p["sources"]]
        for chat in (ALICE, BOB, CAROL)
    }


async def test_post_gives_every_destination_the_first_outcome(world: World) -> None:
    await world.cycle.post(world.cycle.destinations())
    assert sources(world) == {c: ["llm", "unavailable"] for c in ("1001", "1002", "1003")}
    assert world.llm.calls == 2, "the failed paper was not asked again within the run"


async def test_overlapping_slots_share_one_outcome(world: World) -> None:
    """Bob's slot starts after Alice's card failed but while her digest is still being made:
    it gets the same fallback, not a retry."""
    gate, failed = asyncio.Event(), asyncio.Event()
    llm_card = world.llm.card

    async def slow_first(paper: Paper, language: str, *args: Any, **kwargs: Any) -> Any:
        if paper.id == "2411.00001":
            await gate.wait()
        try:
            return await llm_card(paper, language, *args, **kwargs)
        finally:
            if paper.id == "2411.00002":
                failed.set()

    world.llm.card = slow_first  # type: ignore[method-assign]
    await world.cycle.fetch()
    alice = asyncio.create_task(world.cycle.serve(ALICE.key))
    await asyncio.wait_for(failed.wait(), 10)  # a broken fake must fail, not hang the suite
    await asyncio.sleep(0.01)  # Alice's fallback card is made; her first paper still waits
    bob = asyncio.create_task(world.cycle.serve(BOB.key))
    await asyncio.sleep(0.01)
    gate.set()
    await asyncio.gather(alice, bob)
    assert sources(world)["1001"] == sources(world)["1002"] == ["llm", "unavailable"]


async def test_slots_in_turn_are_runs_of_their_own(world: World) -> None:
    """A later slot is a new run: the LLM is asked again and the card is complete."""
    await world.cycle.fetch()
    await world.cycle.serve(ALICE.key)
    await world.cycle.serve(BOB.key)
    assert sources(world)["1001"] == ["llm", "unavailable"]
    assert sources(world)["1002"] == ["llm", "llm"]


async def test_a_reader_asking_is_not_held_to_the_runs_fallback(world: World) -> None:
    cards = CardService(world.store, world.llm)
    paper = cl("2411.00002")
    with cards.one_run():
        [first] = await cards.cards([paper], "en")
        asked = await cards.card(paper, "en")  # /summarize retries
        [again] = await cards.cards([paper], "en")
    assert (first.text.source, asked.text.source, again.text.source) == (
        "unavailable", "llm", "unavailable")
