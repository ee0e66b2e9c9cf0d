"""What ranking says to readers, in their language: why a card is in the digest, how many
matching papers the digest shows, and how it was ranked. Never a bare score."""

from __future__ import annotations

from bot.i18n import N_, tr, trn
from bot.models import Digest, Reason

MATCHES = N_("matches: {keywords}")
CLOSE_TO = N_("close to {papers}")
BY_FOLLOWED = N_("by an author you follow ({names})")
BY_KEYWORDS = N_("ranked by keywords; configure embeddings for semantic ranking")
SEPARATOR = " · "


def reason_line(language: str, reason: Reason | None) -> str:
    """One short line ("matches: GRPO, reasoning · close to 2501.12948"), "" for none."""
    if not reason:
        return ""
    parts: list[str] = []
    if reason.authors:
        parts.append(tr(language, BY_FOLLOWED, names=", ".join(reason.authors)))
    if reason.keywords:
        parts.append(tr(language, MATCHES, keywords=", ".join(reason.keywords)))
    if reason.close_to:
        parts.append(tr(language, CLOSE_TO, papers=", ".join(reason.close_to)))
    return SEPARATOR.join(parts)


def ranking_header(digest: Digest) -> str:
    """"12 of 187 matching papers, ranked by relevance" for a ranked digest, else ""."""
    if digest.ranked_by is None or not digest.cards:
        return ""
    return trn(digest.language, "{shown} of {n} matching paper, ranked by relevance",
               "{shown} of {n} matching papers, ranked by relevance", digest.matched,
               shown=len(digest.cards))


def ranking_footer(digest: Digest) -> str:
    """The note that a digest was ranked without embeddings, else ""."""
    if digest.ranked_by != "keywords" or not digest.cards:
        return ""
    return tr(digest.language, BY_KEYWORDS)
