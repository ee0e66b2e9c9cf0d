"""Every real arXiv sample parses, with the counts SOURCES.md records, and the tricky cases hold."""

from __future__ import annotations

import functools
import re
from collections import Counter
from datetime import date
from pathlib import Path

import arxiv
import pytest

from bot.arxiv.feeds import (
    ApiFeed,
    ListingFeed,
    api_envelope,
    papers_from_results,
    parse_api_feed,
    parse_listing,
)
from bot.models import Paper

SAMPLES = Path(__file__).resolve().parent.parent.parent / "shared" / "arxiv-samples"
API_DIRS = ("api", "api_edited", "api_entries")
LISTING_DIRS = ("rss", "rss_edited")


def _files(dirs: tuple[str, ...]) -> list[Path]:
    return sorted(p for d in dirs for p in (SAMPLES / d).iterdir() if p.suffix == ".xml")


def _documented_counts() -> dict[str, int]:
    """file name → entries, from the provenance tables in SOURCES.md."""
    rows = re.findall(r"^\| `([^`]+\.xml)` \| (\d+) \|", (SAMPLES / "SOURCES.md").read_text(),
                      re.MULTILINE)
    return {name: int(n) for name, n in rows}


@functools.cache
def _parsed_api(path: Path) -> ApiFeed:
    return parse_api_feed(path.read_bytes())


@functools.cache
def _parsed_listing(path: Path) -> ListingFeed:
    return parse_listing(path.read_bytes())


def _api(name: str) -> ApiFeed:
    return _parsed_api(next(p for p in _files(API_DIRS) if p.name.startswith(name)))


def _listing(name: str) -> ListingFeed:
    return _parsed_listing(next(p for p in _files(LISTING_DIRS) if p.name.startswith(name)))


@pytest.fixture(scope="module")
def all_api_papers() -> list[Paper]:
    return [p for f in _files(API_DIRS) for p in _parsed_api(f).papers]


def test_every_sample_is_documented_and_counts_match() -> None:
    counts = _documented_counts()
    files = _files(API_DIRS) + _files(LISTING_DIRS)
    assert len(files) == 50 and {f.name for f in files} == set(counts)
    for path in _files(API_DIRS):
        envelope, feed = api_envelope(path.read_bytes()), _parsed_api(path)
        assert envelope.entries == counts[path.name], path.name
        assert len(feed.papers) == envelope.entries - (1 if feed.error else 0), path.name
    for path in _files(LISTING_DIRS):
        assert len(_parsed_listing(path).papers) == counts[path.name], path.name


def test_totals_over_all_api_samples(all_api_papers: list[Paper]) -> None:
    feeds = [_parsed_api(f) for f in _files(API_DIRS)]
    entries = sum(api_envelope(f.read_bytes()).entries for f in _files(API_DIRS))
    assert entries == 2434
    assert sum(1 for f in feeds if f.error) == 2
    assert len(all_api_papers) == 2432
    assert len({(p.id, p.version) for p in all_api_papers}) == 2294
    assert all(p.title and p.categories and p.primary_category for p in all_api_papers)
    assert all(p.published and p.updated for p in all_api_papers)


def test_listing_totals() -> None:
    total = sum(len(_parsed_listing(f).papers) for f in _files(LISTING_DIRS))
    assert total == 1504 + 4 + 3 + 3


def test_paging_header_of_each_api_style() -> None:
    page = _api("arxivpy__q_testing_s10_m10")
    assert (page.total_results, page.start_index, page.items_per_page) == (214881, 10, 10)
    old = _api("arxivpy2016__id_list_1111.2011v2")  # opensearch ns declared on each element
    assert (old.total_results, old.start_index, old.items_per_page) == (1, 0, 10)
    manual = _api("arxivdocs__manual_typical_response")  # 2007: xmlns on every element
    assert (manual.total_results, len(manual.papers)) == (1000, 1)
    short = _api("udsy19__")
    assert (short.items_per_page, len(short.papers)) == (3, 2)


def test_error_feeds_give_a_clear_error_and_no_papers() -> None:
    assert _api("arxivpy__id_abc").error == "incorrect id format for abc"
    manual = _api("arxivdocs__manual_error")
    assert manual.error == "incorrect id format for 1234.12345" and manual.papers == ()


def test_nonexistent_and_missing_ids_are_just_absent() -> None:
    assert _api("arxivpy__id_0000.0000").papers == ()
    assert _api("arxivpy__id_0000.0000").error is None
    both = _api("arxivpy__id_0808.05394_1707.08567")
    assert [p.id for p in both.papers] == ["1707.08567"]


def test_malformed_body_is_reported_not_empty() -> None:
    for body in (b"<html><body>Service Unavailable</body></html>", b"<feed><entry>", b""):
        assert api_envelope(body).malformed
        assert parse_api_feed(body).error and parse_api_feed(body).papers == ()


def test_old_style_ids_and_versions(all_api_papers: list[Paper]) -> None:
    by_key = {(p.id, p.version) for p in all_api_papers}
    assert ("astro-ph/0601001", 1) in by_key
    assert ("q-bio/0509018", 2) in by_key
    assert ("hep-ex/0307015", 1) in by_key  # no version in its entry id → 1
    assert ("1410.5420", 35) in by_key
    assert sum(1 for p in all_api_papers if "/" in p.id) >= 28


def test_whitespace_is_normalised_and_latex_kept() -> None:
    paper = _api("arxivpy2016__id_list_1111.2011v2").papers[0]
    assert paper.title == (
        "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit"
    )
    assert paper.abstract.startswith("Theoretical description of anisotropic systems, such as")
    assert "\n" not in paper.abstract and "  " not in paper.abstract
    assert paper.comment == "8 pages, 3 figures. Published version"
    assert paper.journal_ref == "Phys. Rev. B 85, 115117 (2012)"
    assert paper.doi == "10.1103/PhysRevB.85.115117"
    assert _api("arxivpy__id_2104.12255v1").papers[0].title == "0"


def test_collection_entries_latex_non_ascii_and_withdrawn() -> None:
    papers = _api("stringologytimes").papers
    titles = {p.title for p in papers}
    assert "Selection on $X_1+X_2+\\cdots + X_m$ with layer-ordered heaps" in titles
    assert any("Büchler" in a for p in papers for a in p.authors)
    withdrawn = {p.id: p for p in papers if p.withdrawn}
    assert len(withdrawn) == 5 and withdrawn["2108.04458"].version == 2
    # ACM/MSC classes appear as <category> terms in old entries: they are not categories
    assert all(re.match(r"^[a-z]", c) for p in papers for c in p.categories)


def test_long_author_lists() -> None:
    proceedings = _api("arxivpy__id_1707.08567").papers[0]
    assert len(proceedings.authors) == 34 and proceedings.authors[0] == "Kees A. Schouhamer Immink"
    nova = next(p for p in _listing("aioarxiv__rss2_all").papers if p.id == "2403.07266")
    assert len(nova.authors) == 207 and nova.authors[0] == "NOvA Collaboration"


def test_rss2_listing_items() -> None:
    listing = _listing("layareader")
    assert listing.announced == date(2026, 9, 24) and listing.error is None
    first, _, cross, replaced = listing.papers
    assert (first.id, first.version, first.announce_type) == ("2609.26811", 1, "new")
    assert first.abstract.startswith("Local learning trains each layer")
    assert first.authors == ("Fabien Polly",) and first.announced == date(2026, 9, 24)
    assert (cross.announce_type, cross.primary_category) == ("cross", "stat.ME")
    assert cross.categories == ("stat.ME", "stat.AP", "stat.ML")
    assert cross.doi == "10.1093/bioinformatics/btac431"
    assert (replaced.id, replaced.version, replaced.announce_type) == ("2009.13987", 3, "replace")


def test_all_archives_listing() -> None:
    listing = _listing("aioarxiv__rss2_all")
    kinds = Counter(p.announce_type for p in listing.papers)
    assert sum(kinds.values()) == 1504 and set(kinds) == {"new", "cross", "replace"}
    assert listing.announced == date(2024, 11, 28)  # "Thu, 28 Nov 2024 00:00:00 -0500"
    assert all(not p.abstract.startswith("arXiv:") for p in listing.papers)
    assert all("Announce Type" not in p.abstract for p in listing.papers)
    assert any('Schr\\"odinger' in p.title for p in listing.papers)


def test_atom_listing() -> None:
    listing = _listing("paperforge")
    assert listing.announced == date(2026, 9, 25)
    smiles, cross, replaced = listing.papers
    assert (smiles.id, smiles.version, smiles.announce_type) == ("2609.28553", 1, "new")
    assert smiles.journal_ref and smiles.journal_ref.startswith("2026 International Conference")
    assert len(smiles.authors) == 6 and smiles.abstract.startswith("Drug toxicity prediction")
    assert (cross.primary_category, cross.announce_type) == ("hep-ph", "cross")
    assert (replaced.id, replaced.version) == ("2401.08875", 3)


def test_rdf_listing() -> None:
    listing = _listing("physbiblio")
    new, cross, updated = listing.papers
    assert (new.id, new.version, new.announce_type) == ("2107.03419", 1, "new")
    assert new.title.startswith("Observation of excited $\\Omega_c^0$ baryons")
    assert not new.title.endswith(")") and new.primary_category == "hep-ex"
    assert new.authors[-1] == "et al. (909 additional authors not shown)"
    assert (cross.announce_type, cross.primary_category) == ("cross", "math.GR")
    assert (updated.announce_type, updated.version) == ("replace", 2)
    assert updated.authors[0] == "Partha Pratim Bhaduri" and len(updated.authors) == 5
    assert listing.announced == date(2021, 7, 8)


def test_rss_error_feed_and_empty_listing() -> None:
    error = _listing("aioarxiv__rss2_error")
    assert error.papers == () and error.error and error.error.startswith("Bad archive 'astroph'")
    empty = _listing("aioarxiv__rss2_test_archive_empty")
    assert (empty.papers, empty.announced, empty.error) == ((), None, None)


def test_malformed_listing_is_an_error() -> None:
    assert parse_listing(b"<html><body>502 Bad Gateway").error is not None


def test_an_entry_without_a_usable_id_is_skipped_not_fatal() -> None:
    good = arxiv.Result(
        entry_id="http://arxiv.org/abs/2501.00001v2", title="T", categories=["cs.CL"]
    )
    bad = arxiv.Result(entry_id="http://arxiv.org/abs/garbage", title="X")
    [paper] = papers_from_results([bad, good])
    assert (paper.id, paper.version, paper.primary_category) == ("2501.00001", 2, "cs.CL")
