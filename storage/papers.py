"""Papers and the announcement listings they came from.

A paper row is the newest version we know, and paper_versions keeps every version (for a
request of one version); a listing keeps, per announcement, the order and the announce_type
of each paper (a paper is "new" in one feed and "cross" in another).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import fields, replace
from datetime import date, datetime

from sqlite_utils import Database

from bot.models import Paper
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

_OPTIONAL = ("comment", "journal_ref", "doi", "published", "updated", "announce_type", "announced")


def categories_key(categories: Sequence[str]) -> str:
    """The same set of categories in any order is the same listing."""
    return "+".join(sorted(set(categories)))


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


def save_listing(db: Database, listing: Listing, now: datetime) -> None:
    """Save (or replace) one announcement; a listing without a date has nothing to keep."""
    if listing.announced is None:
        return
    key, day = categories_key(listing.categories), day_str(listing.announced)
    with transaction(db):
        upsert_papers(db, listing.papers, now)
        db.execute(
            "DELETE FROM listings WHERE categories_key = ? AND announced = ?", [key, day]
        )
        db.execute(
            "INSERT INTO listings (categories_key, announced, paper_count, saved_at)"
            " VALUES (?, ?, ?, ?)",
            [key, day, len(listing.papers), iso(now)],
        )
        for position, paper in enumerate(listing.papers):
            db.execute(
                "INSERT INTO listing_papers (categories_key, announced, position, paper_id,"
                " announce_type) VALUES (?, ?, ?, ?, ?)",
                [key, day, position, paper.id, paper.announce_type],
            )


def get_listing(db: Database, categories: Sequence[str], announced: date) -> Listing | None:
    key = categories_key(categories)
    if one(db, "SELECT 1 AS x FROM listings WHERE categories_key = ? AND announced = ?",
           [key, announced.isoformat()]) is None:
        return None
    found = rows(
        db,
        "SELECT p.*, lp.announce_type AS listed_type FROM listing_papers lp"
        " JOIN papers p ON p.id = lp.paper_id"
        " WHERE lp.categories_key = ? AND lp.announced = ? ORDER BY lp.position",
        [key, announced.isoformat()],
    )
    papers = tuple(
        replace(_paper(r), announce_type=r["listed_type"], announced=announced) for r in found
    )
    return Listing(categories=tuple(key.split("+")), announced=announced, papers=papers)


def latest_listing(db: Database, categories: Sequence[str]) -> Listing | None:
    row = one(
        db,
        "SELECT max(announced) AS day FROM listings WHERE categories_key = ?",
        [categories_key(categories)],
    )
    day = parse_day(row["day"]) if row else None
    return None if day is None else get_listing(db, categories, day)
