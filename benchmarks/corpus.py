"""Papers for the benchmarks: real 2026 arXiv entries, repeated under fresh ids when more are
needed, so titles and abstracts have the length and shape of a real announcement."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.models import Paper, Topic
from tests.cli_helpers import listing_papers
from tests.fakes.fake_arxiv import FakeArxiv

ANNOUNCED = date(2026, 9, 24)
TOPIC = Topic(name="bench", categories=("cs.AI", "cs.LG", "cs.CL"), max_papers=500)


def papers(count: int) -> list[Paper]:
    """`count` distinct new papers announced on ANNOUNCED, ids 2609.20000 onwards."""
    real = listing_papers()
    out: list[Paper] = []
    for i in range(count):
        base = real[i % len(real)]
        title = base.title if i < len(real) else f"{base.title} (part {i // len(real) + 1})"
        out.append(
            replace(
                base,
                id=f"2609.{20000 + i:05d}",
                version=1,
                title=title,
                categories=tuple(dict.fromkeys((*base.categories, "cs.AI"))),
                announce_type="new",
                announced=ANNOUNCED,
            )
        )
    return out


def serve(fake: FakeArxiv, listing: list[Paper]) -> None:
    """Make the fake list these papers in its RSS and know their metadata in the API."""
    fake.add_papers(listing)
    fake.set_listing(listing, ANNOUNCED)
