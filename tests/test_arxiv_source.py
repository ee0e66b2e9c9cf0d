"""ArxivClient against the FakeArxiv stand-in: real HTTP on 127.0.0.1, faults injected."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.arxiv.feeds import parse_api_feed
from bot.arxiv.source import ArxivClient, window_query
from bot.config import ArxivConfig
from bot.errors import UpstreamError, UserError
from bot.models import ArxivId, Paper
from tests.fakes.fake_arxiv import SAMPLES, FakeArxiv, Fault

INTERVAL = 0.05


@pytest.fixture
def fake() -> Iterator[FakeArxiv]:
    with FakeArxiv() as server:
        yield server


def _config(fake: FakeArxiv, **overrides: object) -> ArxivConfig:
    values: dict[str, object] = {
        "api_url": fake.api_url,
        "rss_url": fake.rss_url,
        "request_interval_seconds": INTERVAL,
        "timeout_seconds": 2.0,
        "batch_size": 3,
        "max_retries": 2,
    }
    values.update(overrides)
    return ArxivConfig(**values)  # type: ignore[arg-type]


@pytest.fixture
async def client(fake: FakeArxiv) -> AsyncIterator[ArxivClient]:
    async with ArxivClient(_config(fake)) as arxiv:
        yield arxiv


def _sample_papers(name: str) -> list[Paper]:
    path = next((SAMPLES / "api").glob(f"{name}*"))
    return list(parse_api_feed(path.read_bytes()).papers)


def _as_listed(papers: list[Paper], kinds: tuple[str, ...] = ("new",)) -> list[Paper]:
    """What RSS says about papers: no comment, announce type and date set."""
    return [
        replace(p, comment=None, journal_ref=None, announce_type=kinds[i % len(kinds)],  # type: ignore[arg-type]
                announced=date(2026, 9, 24), published=None, updated=None)
        for i, p in enumerate(papers)
    ]


async def test_listing_is_one_rss_request_plus_metadata_batches(
    fake: FakeArxiv, client: ArxivClient
) -> None:
    papers = _sample_papers("kuhnhomeuk")[:7]
    fake.set_listing(_as_listed(papers, ("new", "cross", "replace")))
    listing = await client.listing(["cs.AI", "cs.LG"])

    assert [r.path for r in fake.requests if r.kind == "rss"] == ["/rss/cs.AI+cs.LG"]
    assert len(fake.api_requests()) == math.ceil(7 / 3)
    assert client.requests_made == 1 + math.ceil(7 / 3)
    assert listing.announced == date(2026, 9, 24)
    assert listing.categories == ("cs.AI", "cs.LG")
    assert [p.id for p in listing.papers] == [p.id for p in papers]
    for merged, original in zip(listing.papers, papers, strict=True):
        assert merged.comment == original.comment  # comment only comes from the API
        assert merged.authors == original.authors
        assert merged.published == original.published
        assert merged.announced == date(2026, 9, 24)
    assert [p.announce_type for p in listing.papers[:3]] == ["new", "cross", "replace"]
    assert any(p.comment for p in listing.papers)


async def test_requests_start_at_least_the_interval_apart(
    fake: FakeArxiv, client: ArxivClient
) -> None:
    fake.set_listing(_as_listed(_sample_papers("kuhnhomeuk")[:10]))
    await client.listing(["cs.AI"])
    await client.papers([ArxivId("1707.08567"), ArxivId("hep-ex/0307015")])
    assert client.requests_made == 1 + 4 + 1
    assert min(client.pacer.gaps()) >= INTERVAL
    assert min(fake.gaps()) >= INTERVAL * 0.8  # arrival times jitter a little


async def test_papers_by_id_old_style_versions_and_unknown(client: ArxivClient) -> None:
    found = await client.papers(
        [ArxivId("hep-ex/0307015"), ArxivId("1111.2011", 2), ArxivId("0808.05394"),
         ArxivId("astro-ph/0601001")]
    )
    assert set(found) == {"hep-ex/0307015", "1111.2011", "astro-ph/0601001"}
    assert found["1111.2011"].version == 2
    assert found["1111.2011"].comment == "8 pages, 3 figures. Published version"


async def test_error_feed_drops_only_the_bad_id(fake: FakeArxiv, client: ArxivClient) -> None:
    found = await client.papers([ArxivId("1707.08567"), ArxivId("abc"), ArxivId("1605.08386")])
    assert set(found) == {"1707.08567", "1605.08386"}
    assert [r.query["id_list"] for r in fake.api_requests()] == [
        "1707.08567,abc,1605.08386",
        "1707.08567,1605.08386",
    ]


@pytest.mark.parametrize(
    "fault", [Fault.http(503), Fault.http(500), Fault.empty_page(), Fault.malformed()],
    ids=["503", "500", "empty-page", "malformed"],
)
async def test_api_faults_are_retried(
    fake: FakeArxiv, client: ArxivClient, fault: Fault, caplog: pytest.LogCaptureFixture
) -> None:
    fake.fail_next(fault)
    found = await client.papers([ArxivId("1707.08567")])
    assert set(found) == {"1707.08567"}
    assert len(fake.api_requests()) == 2
    assert fake.api_requests()[0].fault == fault
    assert any(r.levelname == "WARNING" and "try 1 of 3" in r.getMessage() for r in caplog.records)


async def test_timeout_triggers_a_retry(fake: FakeArxiv) -> None:
    fake.fail_next(Fault.slow(1.5, only="api"))
    async with ArxivClient(_config(fake, timeout_seconds=0.3)) as client:
        started = time.monotonic()
        found = await client.papers([ArxivId("1707.08567")])
    assert "1707.08567" in found
    assert len(fake.api_requests()) == 2
    assert time.monotonic() - started < 1.4  # gave up on the slow answer, did not wait it out


async def test_retries_give_up_with_upstream_error(fake: FakeArxiv, client: ArxivClient) -> None:
    fake.fail_next(*[Fault.http(503)] * 5)
    with pytest.raises(UpstreamError, match="after 3 tries: HTTP 503"):
        await client.papers([ArxivId("1707.08567")])
    assert len(fake.api_requests()) == 3  # max_retries=2 → 3 attempts


async def test_backoff_grows_and_honours_retry_after(fake: FakeArxiv, client: ArxivClient) -> None:
    fake.fail_next(Fault.http(503), Fault.http(503, retry_after=0.4))
    await client.papers([ArxivId("1707.08567")])
    first, second = fake.gaps()
    assert first >= INTERVAL * 0.8  # exponential from the interval: 1×, 2×, …
    assert second >= 0.4 * 0.9  # Retry-After wins when longer


async def test_rss_faults_are_retried(fake: FakeArxiv, client: ArxivClient) -> None:
    fake.fail_next(Fault.http(502, only="rss"), Fault.malformed(only="rss"))
    listing = await client.listing(["cs.LG"])
    assert len(listing.papers) == 4  # the real layareader sample
    assert [r.kind for r in fake.requests][:3] == ["rss", "rss", "rss"]


async def test_real_listing_keeps_items_the_api_does_not_know_yet(
    fake: FakeArxiv, client: ArxivClient
) -> None:
    listing = await client.listing(["cs.LG", "cs.AI", "cs.CL", "stat.ML"])
    assert listing.announced == date(2026, 9, 24)
    kinds = [p.announce_type for p in listing.papers]
    assert kinds == ["new", "new", "cross", "replace"]
    assert listing.papers[3].version == 3 and listing.papers[0].comment is None
    assert len(fake.api_requests()) == 2  # 4 ids in batches of 3, all missing: API lag


async def test_empty_listing_is_announced_none_without_api_calls(
    fake: FakeArxiv, client: ArxivClient
) -> None:
    fake.set_listing_xml((SAMPLES / "rss" / "aioarxiv__rss2_test_archive_empty_2024-11-28.xml")
                         .read_bytes())
    listing = await client.listing(["cs.CL"])
    assert (listing.announced, listing.papers) == (None, ())
    assert fake.api_requests() == []


async def test_bad_archive_error_feed_is_a_user_error(fake: FakeArxiv, client: ArxivClient) -> None:
    fake.set_listing_xml(
        (SAMPLES / "rss" / "aioarxiv__rss2_error_bad_archive_astroph_2024-11-28.xml").read_bytes()
    )
    with pytest.raises(UserError, match="Bad archive 'astroph'"):
        await client.listing(["astroph"])
    assert len(fake.requests) == 1  # an error feed is not retried


def _window_paper(n: int, published: datetime, category: str) -> Paper:
    return Paper(
        id=f"2611.{n:05d}", version=1, title=f"Paper {n}", authors=("A. Author",),
        abstract="Text.", categories=(category,), primary_category=category,
        published=published, updated=published,
    )


async def test_papers_in_window_pages_through_one_query(
    fake: FakeArxiv, client: ArxivClient
) -> None:
    start = datetime(2026, 11, 19, 20, 0, tzinfo=UTC)
    end = start + timedelta(days=1)
    inside = [_window_paper(i, start + timedelta(hours=i), "cs.CL") for i in range(7)]
    fake.window_papers = [
        *inside,
        _window_paper(50, start + timedelta(hours=2), "math.GT"),  # other category
        _window_paper(51, start - timedelta(minutes=1), "cs.CL"),  # before the window
        _window_paper(52, end, "cs.CL"),  # end is exclusive
    ]
    found = await client.papers_in_window(["cs.CL", "cs.AI"], start, end)
    assert [p.id for p in found] == [p.id for p in inside]
    queries = [r.query for r in fake.api_requests()]
    assert len(queries) == math.ceil(7 / 3)
    assert {q["search_query"] for q in queries} == {
        "(cat:cs.CL OR cat:cs.AI) AND submittedDate:[202611192000 TO 202611201959]"
    }
    assert [q["start"] for q in queries] == ["0", "3", "6"]


def test_window_query_expands_bare_archives() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    query = window_query(["cs", "hep-th"], start, start + timedelta(hours=1))
    assert query == "(cat:cs.* OR cat:hep-th) AND submittedDate:[202601010000 TO 202601010059]"


def test_samples_exist() -> None:
    assert Path(SAMPLES, "SOURCES.md").is_file()


async def test_concurrent_callers_share_one_pace(fake: FakeArxiv, client: ArxivClient) -> None:
    fake.set_listing(_as_listed(_sample_papers("kuhnhomeuk")[:4]))
    await asyncio.gather(
        client.listing(["cs.AI"]),
        client.papers([ArxivId("1707.08567")]),
        client.papers_in_window(["cs.CL"], datetime(2026, 1, 1, tzinfo=UTC),
                                datetime(2026, 1, 2, tzinfo=UTC)),
    )
    assert client.requests_made == len(fake.requests) == 1 + 2 + 1 + 1
    assert min(client.pacer.gaps()) >= INTERVAL
    assert min(fake.gaps()) >= INTERVAL * 0.8


async def test_listing_newer_than_the_api_keeps_the_listed_version(
    fake: FakeArxiv, client: ArxivClient
) -> None:
    [paper] = _sample_papers("arxivpy__id_1707.08567")
    listed = replace(paper, version=2, title="Revised title", comment=None,
                     announce_type="replace-cross", announced=date(2026, 9, 24))
    fake.set_listing([listed])
    [merged] = (await client.listing(["cs.IT"])).papers
    assert (merged.version, merged.title, merged.announce_type) == (2, "Revised title",
                                                                    "replace-cross")
    assert merged.primary_category == "cs.IT" and merged.published == paper.published


@pytest.mark.parametrize("trailing", ["/", ""], ids=["with-slash", "without-slash"])
async def test_rss_url_works_with_or_without_trailing_slash(
    fake: FakeArxiv, trailing: str
) -> None:
    rss_url = fake.rss_url.rstrip("/") + trailing
    async with ArxivClient(_config(fake, rss_url=rss_url)) as client:
        listing = await client.listing(["cs.CL", "cs.AI"])
    assert len(listing.papers) == 4
    assert [r.path for r in fake.requests if r.kind == "rss"] == ["/rss/cs.CL+cs.AI"]


def _no_category_blame(exc: BaseException) -> None:
    assert not isinstance(exc, UserError)
    assert "categor" not in str(exc).lower()


async def test_http_error_names_the_url_not_the_categories(fake: FakeArxiv) -> None:
    wrong = fake.rss_url.replace("/rss/", "/feeds/")  # the stand-in answers 404 there
    async with ArxivClient(_config(fake, rss_url=wrong)) as client:
        with pytest.raises(UpstreamError) as caught:
            await client.listing(["cs.CL"])
    _no_category_blame(caught.value)
    assert f"{wrong}cs.CL" in str(caught.value) and "HTTP 404" in str(caught.value)


@pytest.mark.parametrize(
    "fault", [Fault.http(404, only="rss"), Fault.http(403, only="rss")], ids=["404", "403"]
)
async def test_rss_client_errors_are_not_category_errors(
    fake: FakeArxiv, client: ArxivClient, fault: Fault
) -> None:
    fake.fail_next(fault)
    with pytest.raises(UpstreamError) as caught:
        await client.listing(["cs.CL"])
    _no_category_blame(caught.value)
    assert f"{fake.rss_url}cs.CL" in str(caught.value)
    assert f"HTTP {fault.status}" in str(caught.value)


async def test_unparseable_listing_after_retries_names_the_url(
    fake: FakeArxiv, client: ArxivClient
) -> None:
    fake.fail_next(*[Fault.malformed(only="rss")] * 3)
    with pytest.raises(UpstreamError) as caught:
        await client.listing(["cs.CL"])
    _no_category_blame(caught.value)
    assert f"{fake.rss_url}cs.CL" in str(caught.value) and "malformed" in str(caught.value)


async def test_rss_timeout_names_the_url(fake: FakeArxiv) -> None:
    fake.fail_next(*[Fault.slow(1.0, only="rss")] * 3)
    async with ArxivClient(_config(fake, timeout_seconds=0.2, max_retries=0)) as client:
        with pytest.raises(UpstreamError) as caught:
            await client.listing(["cs.CL"])
    _no_category_blame(caught.value)
    assert f"{fake.rss_url}cs.CL" in str(caught.value) and "no answer" in str(caught.value)


async def test_failed_metadata_leaves_the_listing_whole(
    fake: FakeArxiv, client: ArxivClient
) -> None:
    papers = _sample_papers("kuhnhomeuk")[:7]
    fake.set_listing(_as_listed(papers))
    fake.fail_next(*[Fault.http(503, only="api")] * 3)  # the first batch fails all 3 tries
    listing = await client.listing(["cs.AI"])
    assert [p.id for p in listing.papers] == [p.id for p in papers]
    first, rest = listing.papers[:3], listing.papers[3:]
    assert all(p.published is None and p.comment is None and p.title for p in first)
    assert all(p.published is not None for p in rest)  # later batches still merged


async def test_lookups_from_several_users_share_one_request(
    fake: FakeArxiv, client: ArxivClient
) -> None:
    ids = ["1707.08567", "1605.08386", "hep-ex/0307015"]
    found = await asyncio.gather(
        *(client.lookup(f"telegram:{n}", [ArxivId(i)]) for n, i in enumerate(ids))
    )
    assert [list(f) for f in found] == [[i] for i in ids]
    assert len(fake.api_requests()) == 1
    assert sorted(fake.api_requests()[0].query["id_list"].split(",")) == sorted(ids)
