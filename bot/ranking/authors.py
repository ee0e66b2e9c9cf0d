"""Author names as keys that survive initials, accents and order: "Yann LeCun",
"Y. LeCun" and "LeCun, Yann" are all `lecun y`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from bot.errors import UserError
from bot.invisible import strip_invisible

MAX_NAME_CHARS = 100


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.casefold()


@lru_cache(maxsize=65_536)  # every destination that follows someone reads every author
def name_key(name: str) -> str:
    """`<family name> <first initial>`; a lone word is a family name with no initial."""
    text = _fold(name).strip()
    if "," in text:  # "LeCun, Yann": family name first
        family, _, given = text.partition(",")
        parts = [*re.findall(r"[\w'-]+", given), *re.findall(r"[\w'-]+", family)]
        family_words = re.findall(r"[\w'-]+", family)
        last = family_words[-1] if family_words else ""
        first = parts[0] if parts and parts[0] != last else ""
    else:
        parts = re.findall(r"[\w'-]+", text)
        last = parts[-1] if parts else ""
        first = parts[0] if len(parts) > 1 else ""
    last = last.replace("'", "").replace("-", "")
    return f"{last} {first[:1]}".strip()


def parse_author(text: str) -> tuple[str, str]:
    """(the name as typed, tidied; its key), or a UserError for empty or overlong names."""
    name = " ".join(strip_invisible(text).split()).strip("\"' ")
    if not name:
        raise UserError("Whose papers? Give an author's name, e.g. /follow Yann LeCun.")
    if len(name) > MAX_NAME_CHARS:
        raise UserError(
            "An author's name is at most {limit} characters; that one has {length}.",
            limit=MAX_NAME_CHARS, length=len(name),
        )
    key = name_key(name)
    if not re.search(r"\w{2,}", key.split(" ")[0]):
        raise UserError("That does not look like a name: {name}.", name=name[:60])
    return name, key


def matches(followed: dict[str, str], authors: Iterable[str]) -> tuple[str, ...]:
    """The followed names (as the chat typed them) among a paper's authors. A key without an
    initial ("lecun") matches any given name."""
    if not followed:
        return ()
    found: list[str] = []
    for author in authors:
        key = name_key(author)
        family = key.split(" ")[0]
        for wanted, shown in followed.items():
            if shown in found:
                continue
            if wanted == key or (" " not in wanted and wanted == family):
                found.append(shown)
    return tuple(found)
