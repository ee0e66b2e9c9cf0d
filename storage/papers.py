"""Papers and the announcement listings they came from.

A paper row is the newest version we know, and paper_versions keeps every version (for a
request of one version). Announcements are kept by date, not by the set of categories asked
for: papers tagged with the day (in listing order, new or replacement) and the categories
fetched for it. A listing of any categories is read back from that, with announce_type
computed for those categories (a paper is "new" in one feed, "cross" in another).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import fields, replace
from datetime import date, datetime

from sqlite_utils import Database

from bot.models import AnnounceType, Paper
from bot.ports import Listing
from storage.db import (
    day_str,
    dumps,
    iso,
    iso_or_none,
    one,
    parse_day,
    parse_dt,
    rows,
    transaction,
)

_OPTIONAL = ("comment", "journal_ref", "doi", "published", "updated", "announce_type", "announced",
             "license")


def _merge(old: Paper | None, new: Paper) -> Paper:
    """Keep the newest version; for the same version, fill gaps (RSS has no comment)."""
    if old is None or new.version > old.version:
        return new
    if new.version < old.version:
        return old
    filled = {f: getattr(old, f) for f in _OPTIONAL if getattr(new, f) is None}
    return replace(new, **filled)


def _row(paper: Paper, now: datetime) -> dict:
    return {
        "id": paper.id,
        "version": paper.version,
        "title": paper.title,
        "authors": dumps(list(paper.authors)),
        "abstract": paper.abstract,
        "categories": dumps(list(paper.categories)),
        "primary_category": paper.primary_category,
        "comment": paper.comment,
        "journal_ref": paper.journal_ref,
        "doi": paper.doi,
        "published": iso_or_none(paper.published),
        "updated": iso_or_none(paper.updated),
        "announce_type": paper.announce_type,
        "announced": day_str(paper.announced),
        "license": paper.license,
        "saved_at": iso(now),
    }


def _paper(row: dict) -> Paper:
    names = {f.name for f in fields(Paper)}
    values = {k: v for k, v in row.items() if k in names}
    values["authors"] = tuple(json.loads(row["authors"]))
    values["categories"] = tuple(json.loads(row["categories"]))
    values["published"] = parse_dt(row["published"])
    values["updated"] = parse_dt(row["updated"])
    values["announced"] = parse_day(row["announced"])
    return Paper(**values)


def get_paper(db: Database, base_id: str, version: int | None = None) -> Paper | None:
    """The newest version we know, or exactly `version` when given."""
    if version is None:
        row = one(db, "SELECT * FROM papers WHERE id = ?", [base_id])
    else:
        row = one(db, "SELECT * FROM paper_versions WHERE id = ? AND version = ?",
                  [base_id, version])
    return None if row is None else _paper(row)


def _existing(db: Database, ids: Sequence[str]) -> dict[str, Paper]:
    found: dict[str, Paper] = {}
    for start in range(0, len(ids), 500):  # stay under SQLite's bound-parameter limit
        chunk = list(ids[start : start + 500])
        marks = ", ".join("?" for _ in chunk)
        for row in rows(db, f"SELECT * FROM papers WHERE id IN ({marks})", chunk):
            found[row["id"]] = _paper(row)
    return found


def _stored_versions(db: Database, ids: Sequence[str]) -> dict[tuple[str, int], Paper]:
    found: dict[tuple[str, int], Paper] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ", ".join("?" for _ in chunk)
        for row in rows(db, f"SELECT * FROM paper_versions WHERE id IN ({marks})", chunk):
            found[(row["id"], row["version"])] = _paper(row)
    return found


def _write(db: Database, table: str, key: tuple[str, ...], batch: list[dict]) -> None:
    columns = ", ".join(batch[0])
    marks = ", ".join(f":{k}" for k in batch[0])
    updates = ", ".join(f"{k} = excluded.{k}" for k in batch[0] if k not in key)
    db.conn.executemany(
        f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}",
        batch,
    )


def upsert_papers(
    db: Database, papers: Sequence[Paper], now: datetime, latest: bool = True
) -> None:
    """One transaction for the batch (a daily listing is up to 2000 papers).

    `paper_versions` keeps every version; `papers` the newest of those arXiv gave as current
    (`latest`), not one asked for by number: v1 of a paper says nothing about its v7."""
    if not papers:
        return
    ids = list({p.id for p in papers})
    known = _existing(db, ids)
    versions = _stored_versions(db, ids)
    for paper in papers:
        key = (paper.id, paper.version)
        versions[key] = _merge(versions.get(key), paper)
        known[paper.id] = _merge(known.get(paper.id), versions[key])
    batch = [_row(known[pid], now) for pid in dict.fromkeys(p.id for p in papers)]
    touched = dict.fromkeys((p.id, p.version) for p in papers)
    with transaction(db):
        if latest:
            _write(db, "papers", ("id",), batch)
        _write(db, "paper_versions", ("id", "version"), [_row(versions[k], now) for k in touched])


def _kind(announce_type: str | None) -> AnnounceType | None:
    """What a paper is in any feed: new or a replacement (cross-ness depends on the feed)."""
    if announce_type in ("replace", "replace-cross"):
        return "replace"
    return "new" if announce_type in ("new", "cross") else None


def _relative(kind: str | None, paper: Paper, categories: set[str]) -> AnnounceType | None:
    """The announce_type arXiv gives in a feed of `categories`: cross when the primary is
    not among them."""
    if kind not in ("new", "replace"):
        return None
    if paper.primary_category in categories:
        return "new" if kind == "new" else "replace"
    return "cross" if kind == "new" else "replace-cross"


def save_listing(db: Database, listing: Listing, now: datetime) -> None:
    """Tag the listing's papers with its date and record its categories as fetched then.

    Adds to what is stored for that date (a second feed of other categories the same day
    completes it); a listing without a date has nothing to keep.
    """
    if listing.announced is None:
        return
    day = day_str(listing.announced)
    with transaction(db):
        upsert_papers(db, listing.papers, now)
        row = one(db, "SELECT max(position) AS top FROM announced_papers WHERE announced = ?",
                  [day])
        start = (row["top"] if row and row["top"] is not None else -1) + 1
        db.conn.executemany(
            "INSERT OR IGNORE INTO announced_papers (announced, paper_id, position, kind)"
            " VALUES (?, ?, ?, ?)",
            [(day, p.id, start + i, _kind(p.announce_type)) for i, p in enumerate(listing.papers)],
        )
        db.conn.executemany(
            "INSERT INTO announced_categories (announced, category, saved_at) VALUES (?, ?, ?)"
            " ON CONFLICT (announced, category) DO UPDATE SET saved_at = excluded.saved_at",
            [(day, c, iso(now)) for c in dict.fromkeys(listing.categories)],
        )


def _covered(db: Database, categories: Sequence[str], day: str) -> tuple[str, ...]:
    wanted = list(dict.fromkeys(categories))
    marks = ", ".join("?" for _ in wanted)
    found = {
        r["category"]
        for r in rows(
            db,
            f"SELECT category FROM announced_categories WHERE announced = ?"
            f" AND category IN ({marks})",
            [day, *wanted],
        )
    }
    return tuple(c for c in wanted if c in found)


def get_listing(db: Database, categories: Sequence[str], announced: date) -> Listing | None:
    """The papers announced that day in any of `categories` that were fetched for it.

    The result's `categories` are those of `categories` stored for that day (None when
    none is): a caller compares them with what it asked for to know what is missing.
    """
    day = announced.isoformat()
    covered = _covered(db, categories, day)
    if not covered:
        return None
    wanted = set(covered)
    found = rows(
        db,
        "SELECT p.*, ap.kind AS listed_kind FROM announced_papers ap"
        " JOIN papers p ON p.id = ap.paper_id WHERE ap.announced = ? ORDER BY ap.position",
        [day],
    )
    papers: list[Paper] = []
    for row in found:
        paper = _paper(row)
        if wanted & set(paper.categories) or paper.primary_category in wanted:
            kind = _relative(row["listed_kind"], paper, wanted)
            papers.append(replace(paper, announce_type=kind, announced=announced))
    return Listing(categories=covered, announced=announced, papers=tuple(papers))


def latest_listing(db: Database, categories: Sequence[str]) -> Listing | None:
    """The stored listing of the latest day on which any of `categories` was fetched."""
    wanted = list(dict.fromkeys(categories))
    if not wanted:
        return None
    marks = ", ".join("?" for _ in wanted)
    row = one(
        db,
        f"SELECT max(announced) AS day FROM announced_categories WHERE category IN ({marks})",
        wanted,
    )
    day = parse_day(row["day"]) if row else None
    return None if day is None else get_listing(db, categories, day)
