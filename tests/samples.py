"""Every real arXiv record in ../shared/arxiv-samples as Papers, for rendering tests."""

from __future__ import annotations

from functools import cache

from bot.arxiv.feeds import parse_api_feed, parse_listing
from bot.models import Paper
from tests.conftest import SAMPLES


@cache
def all_sample_papers() -> tuple[Paper, ...]:
    papers: list[Paper] = []
    for folder in ("api", "api_edited", "api_entries"):
        for path in sorted((SAMPLES / folder).glob("*.xml")):
            papers.extend(parse_api_feed(path.read_bytes()).papers)
    for folder in ("rss", "rss_edited"):
        for path in sorted((SAMPLES / folder).glob("*.xml")):
            papers.extend(parse_listing(path.read_bytes()).papers)
    return tuple(papers)
