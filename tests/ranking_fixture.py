"""A labelled ranking fixture from the real samples in ../shared/arxiv-samples.

The 28 Nov 2024 all-archives listing's computer-science papers, in listing order: the 200
listed are the 14 RELEVANT ones and the first 186 others. The topic is 3D reconstruction and
generation; RELEVANT are the papers among the 200 labelled (by reading each title and
abstract) as about that, 14 of them. Two more such papers are the topic's seed papers.
"""

from __future__ import annotations

from functools import cache

from bot.models import Paper, Topic
from tests.samples import all_sample_papers

SEEDS = ("2411.18625", "2411.18548")  # Textured Gaussians; PhyCAGE 3D asset generation
RELEVANT = frozenset({
    "2411.17763", "2411.17772", "2411.17788", "2411.17945", "2411.17982", "2411.18011",
    "2411.18066", "2411.18072", "2411.18135", "2411.18197", "2411.18311", "2411.18473",
    "2411.18613", "2411.18624",
})
TOPIC = Topic(
    name="3D",
    categories=("cs.CV", "cs.RO", "cs.GR", "cs.LG", "cs.AI", "cs.CL", "cs.CR", "cs.DC",
                "cs.SE", "cs.HC", "cs.IR", "cs.NI", "cs.DS", "cs.CC", "cs.NE", "cs.MA",
                "cs.CY", "cs.DB", "cs.IT", "cs.LO", "cs.PL", "cs.SD", "cs.SI", "cs.CE",
                "cs.ET", "cs.FL", "cs.GT", "cs.MM", "cs.MS", "cs.NA", "cs.OS", "cs.PF",
                "cs.SC", "cs.SY", "cs.AR", "cs.CG", "cs.DL", "cs.DM", "cs.GL", "cs.OH"),
    description="3D reconstruction and generation: Gaussian splatting, neural radiance "
    "fields, text-to-3D and image-to-3D generation, 3D scenes, shapes and assets",
    seed_papers=SEEDS,
    max_papers=10,
)


@cache
def _cs_listing() -> tuple[Paper, ...]:
    seen: dict[str, Paper] = {}
    for paper in all_sample_papers():
        if (paper.id.startswith("2411.") and paper.announce_type == "new"
                and paper.primary_category.startswith("cs.")):
            seen.setdefault(paper.id, paper)
    return tuple(seen.values())


def seed_papers() -> list[Paper]:
    by_id = {p.id: p for p in _cs_listing()}
    return [by_id[s] for s in SEEDS]


def listed() -> list[Paper]:
    """The 200 papers to rank, in listing order; RELEVANT are among them."""
    papers = [p for p in _cs_listing() if p.id not in SEEDS]
    others = {p.id for p in [q for q in papers if q.id not in RELEVANT][: 200 - len(RELEVANT)]}
    return [p for p in papers if p.id in RELEVANT or p.id in others]


def precision_at(ranked_ids: list[str], k: int = 10) -> float:
    return sum(i in RELEVANT for i in ranked_ids[:k]) / k
