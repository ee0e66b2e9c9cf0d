"""A PDF's text (pypdf) cut into numbered sections at its headings ("3.2 Results").

PDFs have no structure to read, so headings are found as short lines that start with a
section number, in increasing order (which keeps table rows and page numbers out). Text
before the first heading (title, authors, abstract) is dropped: the abstract is in the
paper's metadata already. A PDF with no headings is one section, "Full text".
"""

from __future__ import annotations

import io
import logging
import re

from bot.fulltext.models import FullText, Section

log = logging.getLogger(__name__)

_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,2})\.?\s+([A-Z][^\n]{1,80})$")
_PAGE_NUMBER = re.compile(r"^\s*\d{1,4}\s*$")
MAX_HEADING_WORDS = 10


def _key(number: str) -> tuple[int, ...]:
    return tuple(int(n) for n in number.split("."))


def _heading(line: str, last: tuple[int, ...]) -> tuple[str, str] | None:
    match = _HEADING.match(line.strip())
    if match is None:
        return None
    number, title = match.group(1), match.group(2).strip()
    if len(title.split()) > MAX_HEADING_WORDS or title.endswith((".", ",", ";")):
        return None
    if _key(number) <= last or (last and _key(number)[0] > last[0] + 1):
        return None
    return number, title


def split_sections(text: str) -> tuple[Section, ...]:
    """Sections at the numbered headings of `text`, in order."""
    sections: list[Section] = []
    current: tuple[str, str] | None = None
    lines: list[str] = []
    last: tuple[int, ...] = ()
    for line in text.splitlines():
        if _PAGE_NUMBER.match(line):
            continue
        found = _heading(line, last)
        if found is None:
            lines.append(line)
            continue
        if current is not None:
            sections.append(Section(*current, _join(lines)))
        current, lines, last = found, [], _key(found[0])
    if current is not None:
        sections.append(Section(*current, _join(lines)))
    elif text.strip():
        sections.append(Section("", "Full text", _join(lines)))
    return tuple(sections)


def _join(lines: list[str]) -> str:
    """One paragraph per run of lines; hyphenated line breaks ("com-\\npute") rejoined."""
    text = "\n".join(lines)
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    return " ".join(text.split())


def read_pdf(data: bytes) -> FullText:
    """The PDF's sections; an unreadable PDF is "abstract only", said so."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PyPdfError, ValueError, OSError) as exc:
        log.warning("PDF unreadable: %s", exc)
        return FullText.abstract_only("unreadable")
    sections = split_sections(text)
    if not any(s.text for s in sections):
        return FullText.abstract_only("unreadable")
    return FullText("pdf", sections)
