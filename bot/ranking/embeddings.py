"""Paper vectors: embeddings from an OpenAI-compatible endpoint, each (paper, version, model)
asked for once ever and kept in the store; or hashed bag-of-words vectors when no embedding
endpoint is configured.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.config import Config, LLMConfig
from bot.errors import UpstreamError
from bot.models import Paper
from bot.ports import Embedder, PaperStore, RankingStore
from bot.ranking.lexical import hashed_vector, paper_text

if TYPE_CHECKING:
    import numpy as np
    import openai

log = logging.getLogger(__name__)
MAX_KEPT = 20_000  # paper vectors kept in memory between digests


class OpenAIEmbedder:
    """Implements bot.ports.Embedder over `/v1/embeddings`, `batch_size` texts a request."""

    def __init__(self, config: LLMConfig, api_key: str) -> None:
        self._config = config
        self._api_key = api_key
        self._sdk: openai.AsyncOpenAI | None = None
        self.calls = 0

    @property
    def model(self) -> str:
        return self._config.embedding_model

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        import openai

        if self._sdk is None:
            self._sdk = openai.AsyncOpenAI(
                base_url=self._config.embedding_base_url or self._config.base_url,
                api_key=self._api_key,
                timeout=self._config.timeout_seconds,
                max_retries=self._config.max_retries,
            )
        out: list[list[float]] = []
        size = self._config.embedding_batch_size
        for start in range(0, len(texts), size):
            batch = list(texts[start : start + size])
            try:
                answer = await self._sdk.embeddings.create(model=self.model, input=batch)
            except openai.APIError as exc:
                raise UpstreamError(f"embedding endpoint failed: {exc}") from None
            self.calls += 1
            vectors = sorted(answer.data, key=lambda d: d.index)
            if len(vectors) != len(batch):
                raise UpstreamError("embedding endpoint answered the wrong number of vectors")
            out.extend(list(v.embedding) for v in vectors)
        return out

    async def aclose(self) -> None:
        if self._sdk is not None:
            await self._sdk.close()


class _Stub:
    """A paper whose vector is already known: only its key is read."""

    def __init__(self, base_id: str, version: int) -> None:
        self.id, self.version = base_id, version


def make_embedder(config: Config) -> OpenAIEmbedder | None:
    """The configured embedder; None (rank by keywords) without `[llm] embedding_model`, or
    without a key for a hosted endpoint (a local one of its own needs none)."""
    llm = config.llm
    if not llm.embedding_model:
        return None
    key = config.secret(llm.embedding_api_key_env or llm.api_key_env)
    if key is None and llm.embedding_base_url:
        key = "none"  # Ollama, vLLM: the SDK insists on some key
    if key is None:
        log.warning("[llm] embedding_model is set but $%s is not: ranking by keywords",
                    llm.embedding_api_key_env or llm.api_key_env)
        return None
    return OpenAIEmbedder(llm, key)


def _unit(matrix: np.ndarray) -> np.ndarray:
    import numpy as np

    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


class PaperVectors:
    """Unit vectors of papers and texts in one space: the embedder's, or hashed words."""

    def __init__(
        self, store: RankingStore, papers: PaperStore, embedder: Embedder | None
    ) -> None:
        self._store = store
        self._paper_store = papers
        self._embedder = embedder
        self._texts: dict[str, np.ndarray] = {}  # query texts, per process
        self._papers: dict[tuple[str, int], np.ndarray] = {}

    @property
    def semantic(self) -> bool:
        return self._embedder is not None

    async def papers(self, papers: Sequence[Paper]) -> np.ndarray:
        """One row per paper; an embedding is asked for only if no run stored it before."""
        import numpy as np

        keys = [(p.id, p.version) for p in papers]
        if self._embedder is None:
            for p in papers:
                if (p.id, p.version) not in self._papers:
                    self._papers[(p.id, p.version)] = hashed_vector(paper_text(p))
            return self._stack(keys)
        model = self._embedder.model
        if len(self._papers) > MAX_KEPT:  # a long run: the store still has them
            self._papers.clear()
        missing = [k for k in dict.fromkeys(keys) if k not in self._papers]
        if missing:
            for key, blob in self._store.get_embeddings(model, missing).items():
                self._papers[key] = np.frombuffer(blob, dtype=np.float32)
        todo = {(p.id, p.version): p for p in papers if (p.id, p.version) not in self._papers}
        if todo:
            vectors = await self._embedder.embed([paper_text(p) for p in todo.values()])
            fresh = _unit(np.asarray(vectors, dtype=np.float32))
            made = dict(zip(todo, fresh, strict=True))
            self._store.put_embeddings(model, {k: v.tobytes() for k, v in made.items()})
            self._papers.update(made)
            log.info("embedded %d papers with %s", len(todo), model)
        return self._stack(keys)

    def _stack(self, keys: Sequence[tuple[str, int]]) -> np.ndarray:
        import numpy as np

        if not keys:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack([self._papers[k] for k in keys])

    async def known(self, keys: Sequence[tuple[str, int]]) -> tuple[list[str], np.ndarray]:
        """Vectors of stored papers by (id, version) (a liked or seed paper); ids unknown to
        the store are left out. Returns the ids found and their rows."""
        import numpy as np

        found: list[Paper] = []
        for base_id, version in dict.fromkeys(keys):
            if (base_id, version) in self._papers:
                found.append(_Stub(base_id, version))  # type: ignore[arg-type]
                continue
            paper = self._paper_store.get_paper(base_id, version or None)
            if paper is not None:
                found.append(paper)
        if not found:
            return [], np.zeros((0, 1), dtype=np.float32)
        return [p.id for p in found], await self.papers(found)

    def title_of(self, base_id: str) -> str:
        """A stored paper's title and abstract ("" when unknown), for a BM25 query."""
        paper = self._paper_store.get_paper(base_id)
        return paper_text(paper) if paper is not None else ""

    async def text(self, text: str) -> np.ndarray:
        """A topic's description and keywords as one unit vector (kept for the process)."""
        import numpy as np

        if text in self._texts:
            return self._texts[text]
        if self._embedder is None:
            self._texts[text] = hashed_vector(text)
        else:  # stored like a paper, under a key no arXiv id can have
            key = ("text:" + hashlib.sha256(text.encode()).hexdigest()[:32], 0)
            model = self._embedder.model
            blob = self._store.get_embeddings(model, [key]).get(key)
            if blob is None:
                [vector] = await self._embedder.embed([text])
                blob = _unit(np.asarray([vector], dtype=np.float32))[0].tobytes()
                self._store.put_embeddings(model, {key: blob})
            self._texts[text] = np.frombuffer(blob, dtype=np.float32)
        return self._texts[text]
