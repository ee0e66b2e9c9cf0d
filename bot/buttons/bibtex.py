"""arXiv BibTeX entries for a reading list, written by bibtexparser:
`@misc{key, title, author, year, eprint, archivePrefix = {arXiv}, primaryClass, url}`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import bibtexparser
from bibtexparser.model import Block, Entry, Field

from bot.models import Paper

_SPECIAL = re.compile(r"(?<!\\)([&%#])")


def _value(text: str) -> str:
    """Text safe inside one pair of braces: LaTeX specials escaped, braces balanced."""
    text = " ".join(text.split())
    depth = 0
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            break
    if depth != 0:
        text = text.replace("{", "").replace("}", "")
    return _SPECIAL.sub(r"\\\1", text)


def _ascii_word(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def _year(paper: Paper) -> str:
    if paper.published is not None:
        return str(paper.published.year)
    match = re.match(r"(\d{2})\d{2}\.", paper.id) or re.search(r"/(\d{2})", paper.id)
    if match is None:
        return ""
    yy = int(match.group(1))
    return str(1900 + yy if yy >= 91 else 2000 + yy)


def cite_key(paper: Paper) -> str:
    """`vaswani2017attention`: first author's surname, year, first long title word."""
    surname = _ascii_word(paper.authors[0].split()[-1]) if paper.authors else "anon"
    words = [_ascii_word(w) for w in paper.title.split()]
    word = next((w for w in words if len(w) > 3), words[0] if words else "")
    return f"{surname or 'anon'}{_year(paper)}{word}"


def entry(paper: Paper, key: str) -> Entry:
    fields = [
        Field("title", _value(paper.title)),
        Field("author", " and ".join(_value(a) for a in paper.authors) or "Anonymous"),
        Field("year", _year(paper)),
        Field("eprint", paper.id),
        Field("archivePrefix", "arXiv"),
        Field("primaryClass", paper.primary_category),
        Field("url", paper.links.abs),
    ]
    if paper.doi:
        fields.append(Field("doi", _value(paper.doi)))
    return Entry("misc", key, [f for f in fields if f.value])


def bibtex(papers: Sequence[Paper]) -> str:
    """One entry per paper; keys made unique with a, b, c… as BibTeX users expect."""
    entries: list[Block] = []
    used: set[str] = set()
    for paper in papers:
        base = key = cite_key(paper)
        suffix = ord("a")
        while key in used:
            key = f"{base}{chr(suffix)}"
            suffix += 1
        used.add(key)
        entries.append(entry(paper, key))
    return str(bibtexparser.write_string(bibtexparser.Library(entries)))
