"""The on-demand lookup queue with a fixed clock: fair across users, coalesced, daily first.

The pacer's clock and sleep are a fake time that only moves when something waits, so these
run in microseconds and every instant is exact. `fetch` is an in-memory arXiv that starts each
request through the pacer, like the real client's transport does.
"""

from __future__ import annotations

import asyncio
import itertools
import math

import pytest

from bot.arxiv.ids import parse_arxiv_id
from bot.arxiv.lookups import LookupQueue
from bot.arxiv.pacing import RequestPacer, TransientArxivError
from bot.errors import UpstreamError
from bot.models import ArxivId, Paper
from tests.fakes.ports import paper

INTERVAL = 3.0


class FakeTime:
    """A monotonic clock that advances by exactly what is slept."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


class MemoryArxiv:
    """Answers id_list requests from memory; notes when each started and what it held."""

    def __init__(self, pacer: RequestPacer, time: FakeTime) -> None:
        self.pacer = pacer
        self.time = time
        self.requests: list[tuple[float, list[str]]] = []
        self.faults = 0
        self.on_request: list[object] = []

    async def fetch(self, ids: list[str]) -> list[Paper]:
        await self.pacer.wait("api", ",".join(ids))
        self.requests.append((self.time.now, ids))
        for hook in self.on_request:
            hook()  # type: ignore[operator]
        await asyncio.sleep(0)  # let anything the hook started run, as a real request would
        if self.faults:
            self.faults -= 1
            raise TransientArxivError("HTTP 503")
        return [paper(parse_arxiv_id(i).base) for i in ids if not i.startswith("0000.")]


@pytest.fixture
def world() -> tuple[LookupQueue, MemoryArxiv, FakeTime]:
    time = FakeTime()
    pacer = RequestPacer(INTERVAL, clock=time.clock, sleep=time.sleep)
    arxiv = MemoryArxiv(pacer, time)
    queue = LookupQueue(arxiv.fetch, pacer, asyncio.Lock(), batch_size=5, max_attempts=3)
    return queue, arxiv, time


def _ids(prefix: str, count: int) -> list[ArxivId]:
    return [ArxivId(f"{prefix}.{n:05d}") for n in range(1, count + 1)]


def _assert_paced(arxiv: MemoryArxiv) -> None:
    starts = [t for t, _ in arxiv.requests]
    assert all(b - a >= INTERVAL for a, b in itertools.pairwise(starts))


async def test_one_users_flood_does_not_delay_another_users_one(world) -> None:
    queue, arxiv, time = world
    answered: dict[str, float] = {}

    async def ask(who: str, ids: list[ArxivId]) -> None:
        found = await queue.lookup(who, ids)
        assert set(found) == {i.base for i in ids}
        answered[who] = time.now

    tasks: list[asyncio.Task[None]] = []

    def second_user_arrives() -> None:
        if len(arxiv.requests) == 1:  # while the flood's first request is out
            tasks.append(asyncio.create_task(ask("bob", [ArxivId("1706.03762")])))

    arxiv.on_request.append(second_user_arrives)
    await asyncio.gather(ask("alice", _ids("2501", 200)), *tasks)
    await asyncio.gather(*tasks)

    assert set(answered) == {"alice", "bob"}
    # Bob's one id rode the very next request, 3 s (+ arrival margin) after the first.
    assert "1706.03762" in arxiv.requests[1][1]
    assert arxiv.requests[1][0] == pytest.approx(INTERVAL + 0.1)
    assert len(arxiv.requests) == math.ceil(201 / 5)  # every request full: nothing wasted
    _assert_paced(arxiv)


async def test_waiting_lookups_go_out_together(world) -> None:
    queue, arxiv, time = world
    first = await queue.lookup("u0", [ArxivId("2501.00001")])
    assert list(first) == ["2501.00001"] and time.now == 0.0
    # Four users ask while the next slot is 3 s away: one request, when the slot opens.
    found = await asyncio.gather(
        *(queue.lookup(f"u{n}", [ArxivId(f"2502.0000{n}")]) for n in range(1, 5))
    )
    assert [list(f) for f in found] == [[f"2502.0000{n}"] for n in range(1, 5)]
    assert len(arxiv.requests) == 2
    assert sorted(arxiv.requests[1][1]) == [f"2502.0000{n}" for n in range(1, 5)]
    assert arxiv.requests[1][0] == pytest.approx(INTERVAL + 0.1)


async def test_twenty_users_at_once_share_one_slot_each_batch(world) -> None:
    queue, arxiv, time = world
    found = await asyncio.gather(
        *(queue.lookup(f"u{n}", [ArxivId(f"2503.{n:05d}")]) for n in range(20))
    )
    assert all(len(f) == 1 for f in found)
    assert len(arxiv.requests) == 4  # 20 ids / batch of 5, not 20 requests
    assert time.now == pytest.approx(3 * (INTERVAL + 0.1))
    _assert_paced(arxiv)


async def test_the_same_paper_for_many_users_is_asked_once(world) -> None:
    queue, arxiv, _ = world
    found = await asyncio.gather(
        *(queue.lookup(f"u{n}", [ArxivId("1706.03762")]) for n in range(12))
    )
    assert all(list(f) == ["1706.03762"] for f in found)
    assert len(arxiv.requests) == 1


async def test_daily_fetch_goes_first(world) -> None:
    queue, arxiv, time = world
    async with queue.daily():
        waiting = asyncio.create_task(queue.lookup("u1", [ArxivId("2501.00001")]))
        for _ in range(20):
            await asyncio.sleep(0)
        await time.sleep(60)  # the daily fetch takes its time
        assert arxiv.requests == [] and not waiting.done()
    assert list(await waiting) == ["2501.00001"]
    assert len(arxiv.requests) == 1


async def test_faults_retry_at_later_slots_then_fail_clearly(world) -> None:
    queue, arxiv, _ = world
    arxiv.faults = 1
    assert list(await queue.lookup("u1", [ArxivId("2501.00001")])) == ["2501.00001"]
    assert len(arxiv.requests) == 2
    arxiv.faults = 3
    with pytest.raises(UpstreamError, match=r"2501.00002 failed after 3 tries"):
        await queue.lookup("u1", [ArxivId("2501.00002")])
    assert len(arxiv.requests) == 5
    _assert_paced(arxiv)


async def test_unknown_ids_are_simply_absent(world) -> None:
    queue, arxiv, _ = world
    found = await queue.lookup("u1", [ArxivId("0000.00001"), ArxivId("2501.00001")])
    assert list(found) == ["2501.00001"] and len(arxiv.requests) == 1
