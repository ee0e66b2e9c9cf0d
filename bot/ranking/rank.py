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
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from bot.models import Paper, RankedBy, Reason, Topic
from bot.ports import FeedbackStore, RankingStore
from bot.ranking import authors
from bot.ranking.embeddings import PaperVectors
from bot.ranking.lexical import bm25_index, bm25_scores, folded_keyword_hits, paper_text
from bot.ranking.profile import Audience, closest, opinions, rocchio, topic_trust

if TYPE_CHECKING:
    import numpy as np

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

    def __init__(self, size: int = 64) -> None:
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._size = size

    def get(self, key: Hashable) -> Any:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: Hashable, value: Any) -> Any:
        self._items[key] = value
        if len(self._items) > self._size:
            self._items.popitem(last=False)
        return value


@cache
def one_blas_thread() -> None:
    """Keep numpy's BLAS on one thread for the process. Each destination is one small
    matrix-vector product; on a shared machine OpenBLAS's extra threads wait for a core
    each time, which made ranking 2,000 × 1,000 three to four times slower."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


def topic_text(topic: Topic) -> str:
    """What the topic is about, in words: its description, else its name, and keywords."""
    head = topic.description or topic.name.replace("_", " ")
    return ". ".join(part for part in (head, ", ".join(topic.keywords)) if part)


def best_first(score: np.ndarray, limit: int | None) -> np.ndarray:
    """Indices of the `limit` highest scores, best first, ties in listing order: the first
    `limit` of a stable descending sort, without sorting every candidate."""
    import numpy as np

    size = score.shape[0]
    if limit is None or limit <= 0 or limit >= size:
        return np.argsort(-score, kind="stable")[:limit]
    kth = np.partition(score, size - limit)[size - limit]  # the limit-th highest score
    pool = np.flatnonzero(score >= kth)  # the kept ones and any tied with the last of them
    return pool[np.argsort(-score[pool], kind="stable")][:limit]


class Ranker:
    """Ranks a topic's papers for a destination (see the module docstring)."""

    def __init__(
        self, vectors: PaperVectors, ranking: RankingStore, feedback: FeedbackStore
    ) -> None:
        self._vectors = vectors
        self._ranking = ranking
        self._feedback = feedback
        self._memo = _Memo()
        self._last: _Candidates | None = None

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

    async def _shared(self, candidates: Sequence[Paper]) -> _Candidates:
        """What every destination ranking these candidates shares, made once."""
        last = self._last
        if last is not None and last.papers == list(candidates):  # same papers, the usual case
            return last
        # By identity: the memo keeps the papers alive, so no id is reused while it is kept.
        # Keyed by the ids' hash (hashing 2,000 ids is the cost) and checked on a hit.
        ids = tuple(map(id, candidates))
        key = ("c", len(ids), hash(ids))
        found = cast("_Candidates | None", self._memo.get(key))
        if found is None or found.ids != ids:
            found = self._memo.put(key, _Candidates(candidates,
                                                    await self._vectors.papers(candidates)))
        self._last = found
        return found

    async def rank(
        self, topic: Topic, candidates: Sequence[Paper], audience: Audience,
        limit: int | None = None,
    ) -> list[Ranked]:
        """The best `limit` (all when None) of `candidates`, best first (ties keep listing
        order), each with its reason."""
        import numpy as np

        one_blas_thread()  # after numpy is loaded, or threadpoolctl finds no BLAS to limit
        if not candidates:
            return []
        shared = await self._shared(candidates)
        query = topic_text(topic)
        seed_ids = [(s, 0) for s in (*topic.seed_papers, *self._ranking.seeds(audience.chat_key))]
        seed_names, seeds = await self._vectors.known(seed_ids)
        said = opinions(self._feedback, audience)
        liked_names, liked = await self._vectors.known(said.liked)
        _, disliked = await self._vectors.known(said.disliked)
        trust = topic_trust(said)
        profile = rocchio(await self._vectors.text(query), seeds, liked, disliked, trust)
        score = shared.matrix @ profile
        if not self._vectors.semantic:
            seed_text = " ".join(self._vectors.title_of(s) for s in seed_names)
            score += BM25_WEIGHT * trust * shared.bm25(f"{query} {seed_text}")
        hit_scores, matched = shared.keywords(topic.keywords)
        score += KEYWORD_WEIGHT * hit_scores
        followed = self.followed(audience)
        by = shared.followed(followed)
        if followed:
            score += FOLLOWED_BONUS * np.asarray([bool(b) for b in by], dtype=np.float32)
        order = best_first(score, limit)
        refs = [m for m in (seeds, liked) if m.shape[0]]
        near = closest(shared.matrix[order], np.concatenate(refs) if refs else seeds,
                       [*seed_names, *liked_names], CLOSE_ENOUGH[self.ranked_by])
        return [
            Ranked(
                candidates[i],
                float(score[i]),
                Reason(
                    keywords=matched[i][:MAX_REASON_KEYWORDS],
                    close_to=tuple(n for n in (near[rank],) if n),
                    authors=by[i],
                ),
            )
            for rank, i in enumerate(order.tolist())
        ]


class _Candidates:
    """One set of candidate papers: their vectors, and per topic their keyword hits and BM25
    scores, and per followed-author list who wrote them; computed once per set."""

    def __init__(self, papers: Sequence[Paper], matrix: np.ndarray) -> None:
        self.papers = list(papers)
        self.ids = tuple(map(id, papers))
        self.matrix = matrix
        self._hits: dict[tuple[str, ...], tuple[np.ndarray, list[tuple[str, ...]]]] = {}
        self._bm25: dict[str, np.ndarray] = {}
        self._index: Any = None
        self._families: dict[str, list[int]] | None = None
        self._folded: list[tuple[str, str]] | None = None

    def keywords(self, keywords: tuple[str, ...]) -> tuple[np.ndarray, list[tuple[str, ...]]]:
        import numpy as np

        if keywords not in self._hits:
            if self._folded is None:
                self._folded = [(p.title.casefold(), p.abstract.casefold()) for p in self.papers]
            hits = [folded_keyword_hits(keywords, t, a) for t, a in self._folded]
            raw = np.asarray([h[0] for h in hits], dtype=np.float32)
            top = float(raw.max()) if raw.size and raw.max() > 0 else 1.0
            self._hits[keywords] = (raw / top, [h[1] for h in hits])
        return self._hits[keywords]

    def bm25(self, query: str) -> np.ndarray:
        if query not in self._bm25:
            if self._index is None:
                self._index = bm25_index([paper_text(p) for p in self.papers])
            self._bm25[query] = bm25_scores(self._index, query)
        return self._bm25[query]

    def followed(self, followed: dict[str, str]) -> list[tuple[str, ...]]:
        found: list[tuple[str, ...]] = [()] * len(self.papers)
        if not followed:
            return found
        if self._families is None:  # family name → papers with such an author
            self._families = {}
            for i, paper in enumerate(self.papers):
                for author in paper.authors:
                    self._families.setdefault(authors.name_key(author).split(" ")[0], []).append(i)
        maybe = {i for key in followed for i in self._families.get(key.split(" ")[0], ())}
        for i in maybe:
            found[i] = authors.matches(followed, self.papers[i].authors)
        return found
