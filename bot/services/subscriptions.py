"""What users type into /subscribe and /settings, parsed and checked before it is stored.

A topic spec is a configured topic name, or arXiv categories with optional keywords:
`cs.CV`, `cs.CL cs.AI reasoning "chain of thought" -survey`. The topic's name is the
canonical spec (`cs.AI cs.CL: chain of thought, reasoning, -survey`): readable in a list,
the same whatever order it was typed in, and parsed back to the same topic, so
/unsubscribe can take either the name or the spec.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence

from bot.arxiv.categories import ARCHIVES, CATEGORIES, is_category, validate_category
from bot.errors import UserError
from bot.models import Topic

MAX_SUBSCRIPTIONS = 20
MAX_KEYWORD_LEN = 100
MAX_KEYWORDS = 10
SPEC_EXAMPLE = '/subscribe cs.CL reasoning "chain of thought"'

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "＂": '"'})
_TOKEN = re.compile(r'(-?)"([^"]*)"|([^\s"]+)')
_CATEGORY_LIKE = re.compile(r"^([A-Za-z-]+)\.[A-Za-z-]+$")
_ARCHIVES_FOLDED = frozenset(a.casefold() for a in ARCHIVES)
# Archives with subject classes (astro-ph, math, cs): a bare one means all its categories.
_ARCHIVE_CATEGORIES: dict[str, tuple[str, ...]] = {
    archive: tuple(sorted(c for c in CATEGORIES if c.startswith(f"{archive}.")))
    for archive in ARCHIVES
    if archive not in CATEGORIES
}
_ARCHIVE_BY_FOLD = {a.casefold(): a for a in _ARCHIVE_CATEGORIES}


def parse_topic_spec(
    text: str, configured: Sequence[Topic], default_categories: Sequence[str]
) -> Topic:
    """A configured topic (by name, any case) or a Topic built from categories and keywords."""
    spec = text.translate(_QUOTES).strip()
    if not spec:
        raise UserError(
            "Which topic?", "Send /topics to see them, or e.g. {example}", example=SPEC_EXAMPLE
        )
    by_name = {t.name.casefold(): t for t in configured}
    named = by_name.get(spec.strip('"').strip().casefold())
    if named is not None:
        return named
    if spec.count('"') % 2:
        raise UserError("A quote is not closed.", 'Close phrases like "chain of thought".')
    head, colon, tail = spec.partition(":")
    if colon and head.split() and all(_looks_like_category(w) for w in head.split()):
        categories = [c for w in head.split() for c in _categories(w)]
        parts = [w.strip() for w in tail.split(",")]
        words = [(w.startswith("-"), w.removeprefix("-").strip().strip('"')) for w in parts]
    else:
        categories, words = _tokens(spec)
    keywords = _checked(w for negated, w in words if not negated)
    excluded = _checked(w for negated, w in words if negated)
    if not categories and len(words) == 1 and not excluded:
        _reject_near_topic_name(words[0][1], [t.name for t in configured])
    categories = _unique(categories or default_categories)
    if not categories:
        raise UserError(
            "Name at least one arXiv category.", "For example: {example}", example=SPEC_EXAMPLE
        )
    return Topic(
        name=topic_name(categories, keywords, excluded),
        categories=tuple(_sorted(categories)),
        keywords=tuple(_sorted(keywords)),
        exclude_keywords=tuple(_sorted(excluded)),
    )


def topic_name(
    categories: Sequence[str], keywords: Sequence[str] = (), excluded: Sequence[str] = ()
) -> str:
    """The canonical spec: sorted categories, then sorted keywords and -exclusions.

    A whole archive's categories are named by the archive (`astro-ph`, not its six)."""
    cats = " ".join(_sorted(_collapse_archives(categories)))
    words = _sorted(keywords) + [f"-{w}" for w in _sorted(excluded)]
    return f"{cats}: {', '.join(words)}" if words else cats


def _collapse_archives(categories: Sequence[str]) -> list[str]:
    given = set(categories)
    whole = [a for a, cats in _ARCHIVE_CATEGORIES.items() if given.issuperset(cats)]
    covered = {c for a in whole for c in _ARCHIVE_CATEGORIES[a]}
    return whole + [c for c in categories if c not in covered]


def _sorted(items: Iterable[str]) -> list[str]:
    return sorted(items, key=str.casefold)


def _tokens(spec: str) -> tuple[list[str], list[tuple[bool, str]]]:
    """Split into categories and (negated, keyword) pairs; quoted text is always a keyword."""
    categories: list[str] = []
    words: list[tuple[bool, str]] = []
    for match in _TOKEN.finditer(spec):
        minus, quoted, bare = match.groups()
        if bare is None:  # commas separate keywords even in quotes, as in the topic's name
            words += [(bool(minus), w.strip()) for w in quoted.split(",")]
            continue
        for word in bare.strip(":").split(","):
            if not word:
                continue
            if _looks_like_category(word):
                categories += _categories(word)
            elif word.startswith("-"):
                words.append((True, word[1:]))
            else:
                words.append((False, word))
    return categories, words


def _categories(word: str) -> list[str]:
    """`cs.cl` → [cs.CL]; a bare archive such as `astro-ph` → every category in it."""
    archive = _ARCHIVE_BY_FOLD.get(word.casefold())
    return list(_ARCHIVE_CATEGORIES[archive]) if archive else [validate_category(word)]


def _looks_like_category(word: str) -> bool:
    if is_category(word) or word.casefold() in _ARCHIVE_BY_FOLD:
        return True
    match = _CATEGORY_LIKE.match(word)
    return match is not None and match.group(1).casefold() in _ARCHIVES_FOLDED


def _checked(words: Iterable[str]) -> list[str]:
    """Keywords de-duplicated case-insensitively, each non-empty and at most 100 chars."""
    out = _unique(words)
    for word in out:
        if not word.strip():
            raise UserError(
                "A keyword is empty.", "For example: {example}", example=SPEC_EXAMPLE
            )
        if len(word) > MAX_KEYWORD_LEN:
            raise UserError(
                "The keyword '{keyword}…' is {length} characters long.",
                "Keep each keyword to {limit} characters.",
                keyword=word[:30],
                length=len(word),
                limit=MAX_KEYWORD_LEN,
            )
    if len(out) > MAX_KEYWORDS:
        raise UserError(
            "{count} keywords is too many.", "Use at most {limit} per topic.",
            count=len(out), limit=MAX_KEYWORDS,
        )
    return out


def _unique(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        if item.casefold() not in seen:
            seen.add(item.casefold())
            out.append(item)
    return out


def _reject_near_topic_name(word: str, names: Sequence[str]) -> None:
    """A lone word close to a topic name is a typo, not a keyword to follow."""
    folded = {n.casefold(): n for n in names}
    close = difflib.get_close_matches(word.casefold(), list(folded), n=3, cutoff=0.8)
    if close:
        suggestions = ", ".join(folded[c] for c in close)
        raise UserError(
            "Unknown topic '{topic}'. Did you mean {options}?",
            "To follow a keyword instead, name a category first: /subscribe cs.CL {topic}",
            topic=word[:40],
            options=suggestions,
        )
