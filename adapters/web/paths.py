"""Where each page of the archive lives, relative to the site's root folder.

Topic names may hold any `[\\w.-]` (".." included), so they are made safe as one folder name;
old-style arXiv ids (`hep-th/9901001`) lose their slash.
"""

from __future__ import annotations

from datetime import date

PAPERS = "papers"
TOPICS = "topics"


def topic_slug(name: str) -> str:
    """The topic's folder: its name, with a leading dot made harmless."""
    return "_" + name[1:] if name.startswith(".") else name


def topic_dir(name: str) -> str:
    return f"{TOPICS}/{topic_slug(name)}"


def topic_index(name: str) -> str:
    return f"{topic_dir(name)}/index.html"


def day_page(name: str, day: date, page: int = 1) -> str:
    suffix = "" if page == 1 else f"-{page}"
    return f"{topic_dir(name)}/{day.isoformat()}{suffix}.html"


def month_page(name: str, month: str) -> str:
    return f"{topic_dir(name)}/{month}.html"


def paper_page(base_id: str) -> str:
    return f"{PAPERS}/{base_id.replace('/', '_')}.html"


def feed(name: str | None, kind: str) -> str:
    """`atom.xml` or `feed.json`, for one topic or (None) for everything."""
    filename = "atom.xml" if kind == "atom" else "feed.json"
    return filename if name is None else f"{topic_dir(name)}/{filename}"


def root_of(path: str) -> str:
    """The relative way back to the site's root from the page at `path`."""
    return "../" * path.count("/")
