"""Papers by id, from the store first and arXiv second; clear answers for missing ones."""

from __future__ import annotations

from bot.errors import UserError
from bot.models import ArxivId, Paper
from bot.ports import ArxivSource, PaperStore


class PaperService:
    """One paper at the version asked for: `1706.03762v1` is v1, `1706.03762` the newest."""

    def __init__(self, store: PaperStore, source: ArxivSource) -> None:
        self._store = store
        self._source = source

    async def get(self, arxiv_id: ArxivId) -> Paper:
        """The paper at the requested version (or the newest we know); raises UserError."""
        stored = self._store.get_paper(arxiv_id.base, arxiv_id.version)
        if stored is None:
            found = (await self._source.papers([arxiv_id])).get(arxiv_id.base)
            if found is None or arxiv_id.version not in (None, found.version):
                raise UserError(
                    f"arXiv has no paper {arxiv_id}.",
                    "Check the id (e.g. 1706.03762) or paste the arxiv.org link.",
                )
            self._store.upsert_papers([found], latest=arxiv_id.version is None)
            stored = found
        if stored.withdrawn:
            raise UserError(
                f"{stored.id} was withdrawn by its authors, so there is nothing to summarize.",
                f"arXiv's note: {stored.comment}" if stored.comment else None,
            )
        return stored
