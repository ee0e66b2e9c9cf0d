"""Papers by id, from the store first and arXiv second; clear answers for missing ones."""

from __future__ import annotations

from bot.errors import UserError
from bot.models import ArxivId, Paper
from bot.ports import ArxivSource, PaperStore


class PaperService:
    def __init__(self, store: PaperStore, source: ArxivSource) -> None:
        self._store = store
        self._source = source

    async def get(self, arxiv_id: ArxivId) -> Paper:
        """The paper at the requested version (or the newest we know); raises UserError."""
        stored = self._store.get_paper(arxiv_id.base)
        if stored is None or (arxiv_id.version is not None and stored.version < arxiv_id.version):
            found = await self._source.papers([arxiv_id])
            paper = found.get(arxiv_id.base)
            if paper is None:
                raise UserError(
                    f"arXiv has no paper {arxiv_id}.",
                    "Check the id (e.g. 1706.03762) or paste the arxiv.org link.",
                )
            self._store.upsert_papers([paper])
            stored = paper
        if stored.withdrawn:
            raise UserError(
                f"{stored.id} was withdrawn by its authors, so there is nothing to summarize.",
                f"arXiv's note: {stored.comment}" if stored.comment else None,
            )
        return stored
