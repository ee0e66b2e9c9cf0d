"""Values of the full-text path: a paper's sections, its first figure, and the deep card."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TextSource = Literal["html", "pdf", "abstract"]
"""Where a deep card's text came from; "abstract" when the full text could not be read."""

AbstractReason = Literal["", "no_full_text", "error_page", "too_large", "unreadable"]


@dataclass(frozen=True)
class Section:
    """One numbered section (or subsection) of a paper: "4.2", "Results", its text."""

    number: str
    title: str
    text: str

    @property
    def label(self) -> str:
        """How a takeaway names it: "§4.2 Results" (or just the title when unnumbered)."""
        return f"§{self.number} {self.title}".strip() if self.number else self.title


@dataclass(frozen=True)
class Figure:
    """A paper's first figure: an absolute image URL and its caption."""

    url: str
    caption: str


@dataclass(frozen=True)
class FullText:
    """What was read of a paper: its sections from HTML or PDF, or nothing and why."""

    source: TextSource
    sections: tuple[Section, ...] = ()
    figure: Figure | None = None
    reason: AbstractReason = ""
    page_url: str = ""  # the HTML page (for the "Figures" link), "" when there is none

    @classmethod
    def abstract_only(cls, reason: AbstractReason, page_url: str = "") -> FullText:
        return cls("abstract", (), None, reason, page_url)


@dataclass(frozen=True)
class Takeaway:
    """One point of a deep card and the section it comes from ("§4.2 Results")."""

    text: str
    section: str


@dataclass(frozen=True)
class DeepCard:
    """A deep summary of one paper in one language, and what it was made from."""

    problem: str
    method: str
    results: str
    limitations: str
    takeaways: tuple[Takeaway, ...]
    source: TextSource
    language: str
    model: str = ""
    reason: AbstractReason = ""
    figure: Figure | None = None
    page_url: str = ""
