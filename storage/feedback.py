"""The `feedback` table: readers' 👍, 👎 and Save (bot.ports.FeedbackStore).

One row per (user, chat, paper, signal) that is set; clearing a signal deletes its row,
so counts are plain COUNTs and nothing stale lingers.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlite_utils import Database

from bot.models import Feedback, Signal
from storage.db import iso, one, parse_dt, rows, transaction

_OPPOSITE = {Signal.UP: Signal.DOWN, Signal.DOWN: Signal.UP}
_COLUMNS = "user_key, chat_key, base_id, version, signal, at"


def toggle_feedback(db: Database, feedback: Feedback) -> bool:
    """Set the signal or clear it if it was set; True when it is now set."""
    key = [feedback.user_key, feedback.chat_key, feedback.base_id]
    with transaction(db):
        existing = one(
            db,
            "SELECT 1 FROM feedback WHERE user_key = ? AND chat_key = ? AND base_id = ?"
            " AND signal = ?",
            [*key, feedback.signal.value],
        )
        if existing is not None:
            db.execute(
                "DELETE FROM feedback WHERE user_key = ? AND chat_key = ? AND base_id = ?"
                " AND signal = ?",
                [*key, feedback.signal.value],
            )
            return False
        opposite = _OPPOSITE.get(feedback.signal)
        if opposite is not None:
            db.execute(
                "DELETE FROM feedback WHERE user_key = ? AND chat_key = ? AND base_id = ?"
                " AND signal = ?",
                [*key, opposite.value],
            )
        db.execute(
            f"INSERT INTO feedback ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
            [*key, feedback.version, feedback.signal.value, iso(feedback.at)],
        )
        return True


def feedback_state(db: Database, user_key: str, chat_key: str, base_id: str) -> set[Signal]:
    found = rows(
        db,
        "SELECT signal FROM feedback WHERE user_key = ? AND chat_key = ? AND base_id = ?",
        [user_key, chat_key, base_id],
    )
    return {Signal(r["signal"]) for r in found}


def feedback_counts(db: Database, chat_key: str, base_id: str) -> dict[Signal, int]:
    found = rows(
        db,
        "SELECT signal, COUNT(*) AS n FROM feedback WHERE chat_key = ? AND base_id = ?"
        " GROUP BY signal",
        [chat_key, base_id],
    )
    return {Signal(r["signal"]): int(r["n"]) for r in found}


def feedback_for(db: Database, chat_key: str | None, user_key: str | None) -> list[Feedback]:
    if (chat_key is None) == (user_key is None):
        raise ValueError("feedback_for takes exactly one of chat_key and user_key")
    column, value = ("chat_key", chat_key) if chat_key is not None else ("user_key", user_key)
    found = rows(
        db, f"SELECT {_COLUMNS} FROM feedback WHERE {column} = ? ORDER BY at, base_id", [value]
    )
    return [_feedback(r) for r in found]


def saved_papers(db: Database, user_key: str) -> list[Feedback]:
    found = rows(
        db,
        f"SELECT {_COLUMNS} FROM feedback WHERE user_key = ? AND signal = 'save'"
        " ORDER BY at DESC, base_id",
        [user_key],
    )
    seen: set[str] = set()
    result = []
    for row in found:
        if row["base_id"] not in seen:
            seen.add(row["base_id"])
            result.append(_feedback(row))
    return result


def saves_of(db: Database, base_ids: Sequence[str]) -> list[Feedback]:
    """Every Save on these papers, by any user in any chat, oldest first (version alerts)."""
    wanted = list(dict.fromkeys(base_ids))
    found: list[Feedback] = []
    for start in range(0, len(wanted), 500):  # stay under SQLite's bound-parameter limit
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        found += [_feedback(r) for r in rows(
            db,
            f"SELECT {_COLUMNS} FROM feedback WHERE signal = 'save' AND base_id IN ({marks})"
            " ORDER BY at, user_key",
            chunk,
        )]
    return found


def forget_feedback(db: Database, user_key: str) -> int:
    with transaction(db):
        cursor = db.execute("DELETE FROM feedback WHERE user_key = ?", [user_key])
        return int(cursor.rowcount)


def _feedback(row: dict) -> Feedback:
    at = parse_dt(row["at"])
    assert at is not None
    return Feedback(
        user_key=row["user_key"],
        chat_key=row["chat_key"],
        base_id=row["base_id"],
        version=int(row["version"]),
        signal=Signal(row["signal"]),
        at=at,
    )
