"""Scenario 3: arXiv politeness with the real 3 s interval.

One daily listing through the real ArxivClient: the RSS request plus ceil(papers / batch_size)
API metadata batches. Gaps are measured where arXiv would see them, at FakeArxiv's arrival
times, and separately from the client's own record of request starts.
"""

from __future__ import annotations

import math

from benchmarks import corpus
from benchmarks.report import Row, at_least, at_most, info, progress
from bot.arxiv.source import ArxivClient
from bot.config import ArxivConfig
from tests.fakes.fake_arxiv import FakeArxiv

NAME = "3 arXiv politeness"
INTERVAL = 3.0
BATCH = 20


async def run(quick: bool) -> list[Row]:
    count = 20 if quick else 40
    listed = corpus.papers(count)
    with FakeArxiv() as arxiv:
        corpus.serve(arxiv, listed)
        client = ArxivClient(ArxivConfig(api_url=arxiv.api_url, rss_url=arxiv.rss_url,
                                         request_interval_seconds=INTERVAL, batch_size=BATCH))
        allowed = 1 + math.ceil(count / BATCH)
        progress(f"{NAME}: {count} papers, batch {BATCH}, {INTERVAL:g} s interval "
                 f"(expect ~{(allowed - 1) * INTERVAL:.0f} s)")
        try:
            listing = await client.listing(corpus.TOPIC.categories)
        finally:
            await client.aclose()
        seen = list(arxiv.requests)
        server_gaps = arxiv.gaps()
    client_gaps = client.pacer.gaps()
    with_meta = sum(1 for p in listing.papers if p.comment or len(p.authors) > 0)
    rows = [
        at_most(NAME, "requests per daily run", len(seen), "", allowed,
                label="1 + ceil(papers/batch)",
                note=f"{sum(r.kind == 'rss' for r in seen)} RSS + "
                     f"{sum(r.kind == 'api' for r in seen)} API for {count} papers; "
                     f"{with_meta} came back with metadata"),
    ]
    if server_gaps:
        smallest = min(server_gaps)
        i = server_gaps.index(smallest)
        note = f"between the {seen[i].kind} and {seen[i + 1].kind} requests"
        if smallest < INTERVAL:
            note += (f", {1000 * (INTERVAL - smallest):.1f} ms short: the pacer spaces request "
                     "starts in the client, so a slower send of the earlier request (e.g. a new "
                     "connection) narrows the gap arXiv sees")
        rows.append(at_least(NAME, "smallest gap seen by arXiv", smallest, "s",
                             INTERVAL, label="3 s", note=note))
        rows.append(info(NAME, "smallest gap between client starts", min(client_gaps), "s",
                         INTERVAL))
    return rows
