"""Parse and normalise arXiv identifiers and links, so every command accepts what people paste.

New style `YYMM.NNNNN` (`YYMM.NNNN` before 2015), old style `archive[.SUBJ]/YYMMNNN`, each with
an optional `vN`; `arXiv:` prefixes; arxiv.org abs/pdf/html links; papers.cool and Hugging Face
paper pages. Old-style subject classes (`math.GT/0309136`) are not part of the identifier:
arXiv itself answers with `math/0309136`, so that is the base we keep.
"""

from __future__ import annotations

import re

from bot.arxiv.categories import ARCHIVES
from bot.errors import UserError
from bot.i18n import N_
from bot.invisible import strip_invisible
from bot.models import ArxivId

_NEW = r"(?P<new>(?P<yy>\d{2})(?P<mm>\d{2})\.(?P<num>\d{4,5}))"
_OLD = (
    r"(?P<old>(?P<archive>[a-z]+(?:-[a-z]+)?)(?:\.(?P<subj>[a-z]{2}))?/"
    r"(?P<oyy>\d{2})(?P<omm>\d{2})(?P<onum>\d{3}))"
)
_ID = rf"(?:{_NEW}|{_OLD})(?:v(?P<version>\d{{1,3}}))?"
_URL_PREFIX = (
    r"(?:https?://)?(?:(?:www|export)\.)?arxiv\.org/(?:abs|pdf|html)/"
    r"|(?:https?://)?(?:www\.)?papers\.cool/arxiv/"
    r"|(?:https?://)?(?:www\.)?huggingface\.co/papers/"
)
_FULL = re.compile(
    rf"^\s*(?:arxiv:\s*|{_URL_PREFIX})?{_ID}(?:\.pdf)?/?(?:[?#]\S*)?\s*$", re.IGNORECASE
)
# What people mean as an id even when it is not a valid one (`9999.99999`, `hep-th/99`):
# such a word is answered with what is wrong with it, never treated as text.
_SHAPED = re.compile(
    rf"^\s*(?:(?:arxiv:\s*|{_URL_PREFIX})\S+"
    r"|(?:\d{4}\.\d{4,6}|[a-z]+(?:-[a-z]+)?(?:\.[a-z]{2})?/\d{5,9})(?:v\d+)?(?:\.pdf)?/?)\s*$",
    re.IGNORECASE,
)
_ANYWHERE = re.compile(
    rf"(?<![\w./-])(?:arxiv:\s*|{_URL_PREFIX})?{_ID}(?![\w-]|\.\d)", re.IGNORECASE
)
# Archives that existed before 2007 but were later merged into today's ones.
_LEGACY_ARCHIVES = frozenset(
    {
        "acc-phys", "adap-org", "alg-geom", "ao-sci", "atom-ph", "bayes-an", "chao-dyn",
        "chem-ph", "cmp-lg", "comp-gas", "dg-ga", "funct-an", "mtrl-th", "patt-sol",
        "plasm-ph", "q-alg", "solv-int", "supr-con",
    }
)
_HINT = N_("Use an id like 2502.11190 or hep-th/9901001, or an arxiv.org link.")


def parse_arxiv_id(text: str) -> ArxivId:
    """The id in `text` (an id, `arXiv:` id or link), or UserError saying what was wrong.

    Invisible and bidi-control characters (pasted along with ids) are ignored."""
    text = strip_invisible(text or "")
    if not text.strip():
        raise UserError("No arXiv id given.", _HINT)
    match = _FULL.match(text)
    if match is None:
        raise UserError("'{text}' is not an arXiv id.", _HINT, text=_shorten(text))
    return _from_match(match, text)


def find_arxiv_id(text: str) -> ArxivId | None:
    """The first valid id or arXiv link inside free text, or None when there is none."""
    for match in _ANYWHERE.finditer(strip_invisible(text or "")):
        try:
            return _from_match(match, match.group(0))
        except UserError:
            continue
    return None


def looks_like_arxiv_id(text: str) -> bool:
    """Whether `text` is meant as one id or arXiv link, valid or not (`9999.99999`)."""
    return _SHAPED.match(strip_invisible(text or "")) is not None


def _from_match(match: re.Match[str], text: str) -> ArxivId:
    version = int(match["version"]) if match["version"] else None
    if version == 0:
        raise UserError(
            "'{text}' has version v0; versions start at v1.", _HINT, text=_shorten(text)
        )
    if match["new"]:
        yymm = match["yy"] + match["mm"]
        _check_month(match["mm"], text)
        digits = len(match["num"])
        if yymm < "0704":
            raise UserError(
                "'{text}' predates new-style ids (April 2007).",
                "Older papers have ids like hep-th/9901001.",
                text=_shorten(text),
            )
        if (digits == 4) != (yymm <= "1412"):
            raise UserError(
                "'{text}' is not an arXiv id: ids before 2015 have 4 digits after the dot."
                if digits == 5
                else "'{text}' is not an arXiv id: ids since 2015 have 5 digits after the dot.",
                _HINT,
                text=_shorten(text),
            )
        return ArxivId(match["new"], version)
    _check_month(match["omm"], text)
    if not ("91" <= match["oyy"] <= "99" or "00" <= match["oyy"] <= "07"):
        raise UserError(
            "'{text}' is not an arXiv id: old-style ids run from 1991 to 2007.",
            _HINT,
            text=_shorten(text),
        )
    archive = match["archive"].lower()
    if archive not in ARCHIVES and archive not in _LEGACY_ARCHIVES:
        raise UserError(
            "'{text}' is not an arXiv id: no archive '{archive}'.",
            _HINT,
            text=_shorten(text),
            archive=archive,
        )
    return ArxivId(f"{archive}/{match['oyy']}{match['omm']}{match['onum']}", version)


def _check_month(month: str, text: str) -> None:
    if not 1 <= int(month) <= 12:
        raise UserError(
            "'{text}' is not an arXiv id: month {month} does not exist.",
            "The first four digits are year and month, e.g. 2502 for February 2025.",
            text=_shorten(text),
            month=month,
        )


def _shorten(text: str, limit: int = 40) -> str:
    text = " ".join(strip_invisible(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def base_id_from_url(url: str) -> str | None:
    """The unversioned id in an entry id such as `http://arxiv.org/abs/2501.00001v2`."""
    found = find_arxiv_id(url.replace("oai:arXiv.org:", ""))
    return found.base if found else None
