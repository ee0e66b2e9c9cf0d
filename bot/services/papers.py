"""Papers by id, from the store first and arXiv second; clear answers for missing ones.

A paper stored from a listing whose metadata request failed has no `published` date (only the
API gives one): it is complete enough to show, and asked for again (`refresh`) when it is
about to be summarised, so its comment ("withdrawn", "17 pages") reaches the card.
"""

from __future__ import annotations

import logging

from bot.errors import UpstreamError, UserError
from bot.models import ArxivId, Paper
from bot.ports import ArxivSource, PaperStore

log = logging.getLogger(__name__)


def has_metadata(paper: Paper) -> bool:
    """False for a paper known only from a listing (RSS has no comment or dates)."""
    return paper.published is not None


class PaperService:
    """One paper at the version asked for: `1706.03762v1` is v1, `1706.03762` the newest."""

    def __init__(self, store: PaperStore, source: ArxivSource) -> None:
        self._store = store
        self._source = source

    def stored(self, arxiv_id: ArxivId) -> Paper | None:
        """The paper from the store alone: no arXiv request (so nothing to charge)."""
        return self._store.get_paper(arxiv_id.base, arxiv_id.version)

    def needs_lookup(self, arxiv_id: ArxivId, refresh: bool = False) -> bool:
        """True when `get` would ask arXiv: not stored, or (with `refresh`) metadata missing."""
        stored = self.stored(arxiv_id)
        return stored is None or (refresh and not has_metadata(stored))

    async def get(self, arxiv_id: ArxivId, requester: str = "", refresh: bool = False) -> Paper:
        """The paper at the requested version (or the newest we know); raises UserError.

        arXiv is asked through the fair per-requester queue; `refresh` also asks for a stored
        paper whose metadata is missing, keeping the stored text if arXiv fails again.
        """
        stored = self.stored(arxiv_id)
        if stored is None or (refresh and not has_metadata(stored)):
            try:
                found = (await self._source.lookup(requester, [arxiv_id])).get(arxiv_id.base)
            except UpstreamError:
                if stored is None:
                    raise
                log.warning("metadata of %s still unavailable; using the listing's", arxiv_id)
                found = None
            if found is not None and arxiv_id.version in (None, found.version):
                self._store.upsert_papers([found], latest=arxiv_id.version is None)
                stored = found
            elif stored is None:
                raise UserError(
                    "arXiv has no paper {id}.",
                    "Check the id (e.g. 1706.03762) or paste the arxiv.org link.",
                    id=str(arxiv_id),
                )
        if stored.withdrawn:
            raise UserError(
                "{id} was withdrawn by its authors, so there is nothing to summarize.",
                "arXiv's note: {note}" if stored.comment else None,
                id=stored.id,
                note=stored.comment or "",
            )
        return stored
