"""The ranking step between selection and cards: score a topic's matching papers for one
destination, keep the best first, and say why each is there.

score = similarity to the destination's profile (topic text, seeds, 👍/👎/Save; embeddings or
hashed words) + BM25 of the topic's text when ranking lexically + keyword hits (title counts
double) + a bonus for a followed author. Work shared by every destination of a topic (paper
vectors, BM25, keyword hits) is kept for the candidates last seen, so a thousand
destinations of one announcement cost little more than one.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bot.models import Paper, RankedBy, Reason, Topic
from bot.ports import FeedbackStore, RankingStore
from bot.ranking import authors
from bot.ranking.embeddings import PaperVectors
from bot.ranking.lexical import bm25_scores, keyword_hits, paper_text
from bot.ranking.profile import Audience, closest, opinions, rocchio, topic_trust

KEYWORD_WEIGHT = 0.15
BM25_WEIGHT = 0.5
FOLLOWED_BONUS = 2.0  # above any similarity: a followed author's paper is always kept
CLOSE_ENOUGH = {"semantic": 0.55, "keywords": 0.3}
MAX_REASON_KEYWORDS = 3


@dataclass(frozen=True)
class Ranked:
    """A paper, its place-deciding score (never shown) and the reason (shown)."""

    paper: Paper
    score: float
    reason: Reason


class _Memo:
    """A few recent results by key (the candidates of the topics being planned)."""

    def __init__(self, size: int = 8) -> None:
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._size = size

    def get(self, key: Hashable) -> Any:
        if key in self._items:
            self._items.move_to_end(key)
        return self._items.get(key)

    def put(self, key: Hashable, value: Any) -> Any:
        self._items[key] = value
        if len(self._items) > self._size:
            self._items.popitem(last=False)
        return value


def topic_text(topic: Topic) -> str:
    """What the topic is about, in words: its description, else its name, and keywords."""
    head = topic.description or topic.name.replace("_", " ")
    return ". ".join(part for part in (head, ", ".join(topic.keywords)) if part)


class Ranker:
    """Ranks a topic's papers for a destination (see the module docstring)."""

    def __init__(
        self, vectors: PaperVectors, ranking: RankingStore, feedback: FeedbackStore
    ) -> None:
        self._vectors = vectors
        self._ranking = ranking
        self._feedback = feedback
        self._memo = _Memo()

    @property
    def ranked_by(self) -> RankedBy:
        return "semantic" if self._vectors.semantic else "keywords"

    def followed(self, audience: Audience) -> dict[str, str]:
        return self._ranking.followed_authors(audience.chat_key)

    def by_followed(
        self, topic: Topic, papers: Sequence[Paper], audience: Audience, exclude: set[str]
    ) -> list[Paper]:
        """New papers in the topic's categories by a followed author, whatever its keywords."""
        followed = self.followed(audience)
        if not followed:
            return []
        wanted = set(topic.categories)
        return [
            p for p in papers
            if p.id not in exclude
            and p.announce_type not in ("replace", "replace-cross")
            and (wanted & set(p.categories) or p.primary_category in wanted)
            and authors.matches(followed, p.authors)
        ]

    async def rank(
        self, topic: Topic, candidates: Sequence[Paper], audience: Audience
    ) -> list[Ranked]:
        """`candidates`, best first (ties keep listing order), each with its reason."""
        if not candidates:
            return []
        ids = tuple((p.id, p.version) for p in candidates)
        query = topic_text(topic)
        matrix = self._memo.get(("m", ids))
        if matrix is None:
            matrix = self._memo.put(("m", ids), await self._vectors.papers(candidates))
        hits = self._memo.get(("k", topic.keywords, ids))
        if hits is None:
            hits = self._memo.put(("k", topic.keywords, ids),
                                  [keyword_hits(topic.keywords, p) for p in candidates])
        seed_ids = [(s, 0) for s in (*topic.seed_papers, *self._ranking.seeds(audience.chat_key))]
        seed_names, seeds = await self._vectors.known(seed_ids)
        said = opinions(self._feedback, audience)
        liked_names, liked = await self._vectors.known(said.liked)
        _, disliked = await self._vectors.known(said.disliked)
        trust = topic_trust(said)
        profile = rocchio(await self._vectors.text(query), seeds, liked, disliked, trust)
        score = matrix @ profile
        if not self._vectors.semantic:
            lexical = self._memo.get(("b", query, ids))
            if lexical is None:
                seed_text = " ".join(_seed_texts(self._vectors, seed_names))
                lexical = self._memo.put(
                    ("b", query, ids),
                    bm25_scores(f"{query} {seed_text}", [paper_text(p) for p in candidates]),
                )
            score = score + BM25_WEIGHT * trust * lexical
        top_hits = max((h[0] for h in hits), default=0.0) or 1.0
        score = score + KEYWORD_WEIGHT * np.asarray([h[0] for h in hits]) / top_hits
        followed = self.followed(audience)
        by = [authors.matches(followed, p.authors) for p in candidates]
        score = score + FOLLOWED_BONUS * np.asarray([bool(b) for b in by], dtype=np.float32)
        refs = np.concatenate([m for m in (seeds, liked) if m.shape[0]]) if (
            seeds.shape[0] or liked.shape[0]) else np.zeros((0, 1), dtype=np.float32)
        near = closest(matrix, refs, [*seed_names, *liked_names], CLOSE_ENOUGH[self.ranked_by])
        order = sorted(range(len(candidates)), key=lambda i: (-float(score[i]), i))
        return [
            Ranked(
                candidates[i],
                float(score[i]),
                Reason(
                    keywords=hits[i][1][:MAX_REASON_KEYWORDS],
                    close_to=tuple(n for n in (near[i],) if n),
                    authors=by[i],
                ),
            )
            for i in order
        ]


def _seed_texts(vectors: PaperVectors, seed_ids: Sequence[str]) -> list[str]:
    return [vectors.title_of(s) for s in seed_ids]
