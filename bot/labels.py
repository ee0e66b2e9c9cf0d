"""Words every renderer puts on a card, in the card's language (English as fallback).

Shared so Telegram, Discord and the console say the same things. The words themselves are
msgids in the one catalogue (bot.i18n); this module only names them for the renderers.
"""

from __future__ import annotations

from datetime import datetime

from bot.calendar import skipped_holiday
from bot.i18n import N_, Message, tr
from bot.models import CardText, QuietReason

_LABELS: dict[str, str] = {
    "authors": N_("Authors"),
    "categories": N_("Categories"),
    "comment": N_("Comment"),
    "summary": N_("Summary"),
    "takeaways": N_("Key Takeaways"),
    "title_translation": N_("Title"),
    "abstract_translation": N_("Abstract (translated)"),
    "abstract": N_("Abstract"),
    "links": N_("Links"),
    "web": N_("Archive"),
    "offline": N_("offline summary (no LLM configured): extracted from the abstract"),
    "unavailable": N_(
        "summary unavailable: the language model did not answer; the original abstract follows"
    ),
    "papers": N_("papers"),
    "announced": N_("announced"),
    "more_authors": N_("more"),
    "omitted": N_("more matching papers not shown"),
    "title": N_("Title"),
    "truncated": N_("shortened to fit; full text"),
    "abstract_cut": N_("original abstract shortened to fit; full text"),
    "continued": N_("cont."),
    "quiet_no_announcement": N_(
        "arXiv has not announced new papers for these categories yet (there are no "
        "announcements on Fridays, Saturdays and arXiv holidays)."
    ),
    "quiet_no_match": N_("No new papers matched {topic} in this announcement."),
    "quiet_quiet_day": N_(
        "arXiv did not announce new papers today (no announcements on Fridays, Saturdays and "
        "arXiv holidays)."
    ),
}

NOTICE = N_(
    "Summaries and translations are machine-generated and may contain errors: use them to "
    "pre-screen papers, not as a substitute for reading them."
)
HOLIDAY = N_("arXiv does not announce new papers today: {holiday}.")


def label(language: str, key: str) -> str:
    """`key` in `language` ("zh", "zh-tw", "en-US"…), else English."""
    return tr(language, _LABELS[key])


def notice(language: str) -> str:
    """The machine-generated notice every card and digest carries."""
    return tr(language, NOTICE)


def quiet_text(
    language: str, reason: QuietReason, topic: str, at: datetime | None = None
) -> str:
    """Why a digest is empty, in the reader's language; a quiet day `at` which an arXiv
    holiday skipped the announcement names the holiday."""
    name = skipped_holiday(at) if at is not None and reason == "quiet_day" else None
    if name is not None:
        return tr(language, HOLIDAY, holiday=Message(name))
    return tr(language, _LABELS[f"quiet_{reason}"], topic=topic)


def status_line(text: CardText) -> str | None:
    """The visible line that says a card is not an LLM summary, or None when it is."""
    if text.source == "offline":
        return label(text.language, "offline")
    if text.source == "unavailable":
        return label(text.language, "unavailable")
    return None
