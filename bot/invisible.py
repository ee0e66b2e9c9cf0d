"""Characters a reader cannot see but a parser does: zero-width spaces and joiners, the
byte-order mark and the bidirectional controls. Pasted ids and codes often carry them
(copied from PDFs and chat clients), and echoing them back can reorder a reply's text."""

from __future__ import annotations

_JOINERS = (0x200C, 0x200D)  # ZWNJ, ZWJ: part of emoji sequences and Persian/Indic words
_INVISIBLE = (
    0x200B,  # zero-width space
    *_JOINERS,
    0x2060,  # word joiner
    0xFEFF,  # byte-order mark / zero-width no-break space
    0x200E, 0x200F,  # left-to-right and right-to-left marks
    *range(0x202A, 0x202F),  # embeddings and overrides, U+202A-202E
    *range(0x2066, 0x206A),  # isolates, U+2066-2069
)
_ALL = dict.fromkeys(_INVISIBLE)
_ALL_BUT_JOINERS = dict.fromkeys(c for c in _INVISIBLE if c not in _JOINERS)


def strip_invisible(text: str, *, keep_joiners: bool = False) -> str:
    """`text` without invisible and bidi-control characters.

    `keep_joiners` keeps ZWJ/ZWNJ, which free text needs (👩‍💻, Persian words); ids,
    codes and names never do."""
    return text.translate(_ALL_BUT_JOINERS if keep_joiners else _ALL)
