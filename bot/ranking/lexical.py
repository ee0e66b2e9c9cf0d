"""Lexical signals: the topic's keywords in title (weighs more) and abstract, BM25 (bm25s)
of the topic's text over title + abstract, and hashed bag-of-words vectors that stand in for
embeddings when none are configured (so feedback still moves papers).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from bot.models import Paper

if TYPE_CHECKING:
    import numpy as np

TITLE_WEIGHT = 2.0
ABSTRACT_WEIGHT = 1.0
HASH_DIM = 1024
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
_STOP = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is",
    "it", "its", "of", "on", "or", "our", "that", "the", "this", "to", "we", "which", "with",
    "via", "using", "use", "based", "can", "these", "their", "than", "into", "over", "new",
))


def paper_text(paper: Paper) -> str:
    return f"{paper.title}\n{paper.abstract}"


@lru_cache(maxsize=512)
def keyword_pattern(keyword: str) -> re.Pattern[str]:
    """Whole-word, case-insensitive, spaces and hyphens alike (as Topic.matches does)."""
    needle = re.escape(keyword.casefold()).replace(r"\ ", r"[\s\-]+").replace(r"\-", r"[\s\-]+")
    return re.compile(rf"(?<!\w){needle}(?!\w)")


@lru_cache(maxsize=512)
def _anchor(keyword: str) -> str:
    """The longest literal piece every match of the keyword's pattern contains."""
    return max(re.split(r"[\s\-]+", keyword.casefold()), key=len)


def keyword_hits(keywords: Sequence[str], paper: Paper) -> tuple[float, tuple[str, ...]]:
    """A score (title hits count double) and the keywords that matched, in topic order."""
    return folded_keyword_hits(keywords, paper.title.casefold(), paper.abstract.casefold())


def folded_keyword_hits(
    keywords: Sequence[str], title: str, abstract: str
) -> tuple[float, tuple[str, ...]]:
    """`keyword_hits` of an already casefolded title and abstract."""
    score, matched = 0.0, []
    for keyword in keywords:
        pattern, anchor = keyword_pattern(keyword), _anchor(keyword)
        # A substring test is far cheaper than the regex and rules most papers out.
        in_title = anchor in title and pattern.search(title) is not None
        in_abstract = anchor in abstract and pattern.search(abstract) is not None
        if in_title or in_abstract:
            matched.append(keyword)
            score += TITLE_WEIGHT * in_title + ABSTRACT_WEIGHT * in_abstract
    return score, tuple(matched)


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.casefold()) if w not in _STOP and len(w) > 1]


def bm25_index(documents: Sequence[str]) -> Any:
    """A BM25 index (bm25s) of the documents, built once per set of candidates."""
    import bm25s  # about 0.2 s: only when a digest is ranked lexically

    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(w, len(vocab)) for w in (words(d) or ["\u2205"])]
           for d in documents]
    index = bm25s.BM25()
    index.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=False)
    return index


def bm25_scores(index: Any, query: str) -> np.ndarray:
    """BM25 of `query` against each indexed document, scaled to [0, 1] (zeros: no hit)."""
    import numpy as np

    tokens = words(query)
    if not tokens:  # bm25s fails on an empty query ("C", "R & D": only short or stop words)
        return np.zeros(int(index.scores["num_docs"]), dtype=np.float32)
    scores = np.asarray(index.get_scores(tokens), dtype=np.float32)
    top = float(scores.max()) if scores.size else 0.0
    return scores / top if top > 0 else scores


def hashed_vector(text: str, dim: int = HASH_DIM) -> np.ndarray:
    """A normalised bag of words hashed into `dim` buckets (log-scaled counts)."""
    import numpy as np

    vector = np.zeros(dim, dtype=np.float32)
    for word in words(text):
        vector[zlib.crc32(word.encode()) % dim] += 1.0
    np.log1p(vector, out=vector)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def hashed_matrix(texts: Sequence[str], dim: int = HASH_DIM) -> np.ndarray:
    import numpy as np

    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    return np.stack([hashed_vector(t, dim) for t in texts])
