"""One `paperbot run` per database, and a database path that cannot work is one clear line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.errors import ConfigError, UserError
from bot.main.app import lock_database, open_store
from storage.lock import DatabaseBusy, DatabaseLock
from tests.cli_helpers import paperbot
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs flock and /proc")

UNCREATABLE = "/proc/nope/x.db"


def test_a_second_lock_on_one_database_is_refused_until_the_first_is_released(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "paperbot.db")
    busy = f"process {os.getpid()} is already running"
    with DatabaseLock(db), pytest.raises(DatabaseBusy, match=busy):
        DatabaseLock(db).acquire()
    with DatabaseLock(db) as again:  # released: free to take
        assert Path(again.path).read_text().strip() == str(os.getpid())
    assert os.stat(again.path).st_mode & 0o077 == 0


def test_lock_database_says_who_holds_it(tmp_path: Path) -> None:
    db = str(tmp_path / "paperbot.db")
    with lock_database(db), pytest.raises(UserError, match="Only one `paperbot run`"):
        lock_database(db)
    with lock_database(db), lock_database(":memory:"):
        pass


@pytest.mark.parametrize("where", ["directory", "uncreatable"])
def test_a_database_path_that_cannot_work_is_a_config_error(tmp_path: Path, where: str) -> None:
    path = str(tmp_path) if where == "directory" else UNCREATABLE
    with pytest.raises(ConfigError, match=r"\[bot\] database") as opened:
        open_store(path)
    with pytest.raises(ConfigError, match=r"\[bot\] database") as locked:
        lock_database(path)
    reason = "is a directory" if where == "directory" else "cannot create the folder"
    assert reason in str(opened.value) and reason in str(locked.value)


def _env(database: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOT_")}
    for name in ("DISCORD_BOT_TOKEN", "OPENAI_API_KEY"):
        env.pop(name, None)
    env.update(
        TELEGRAM_BOT_TOKEN="123456:never-used",
        PAPERBOT_TELEGRAM_BASE_URL="http://127.0.0.1:9/bot",
        PAPERBOT_ARXIV_API_URL="http://127.0.0.1:9/api",
        PAPERBOT_ARXIV_RSS_URL="http://127.0.0.1:9/rss",
        PAPERBOT_BOT_DATABASE=database,
    )
    return env


def _run(database: str) -> tuple[int, list[str]]:
    done = paperbot("run", "--config", str(ROOT / "config.example.toml"), env=_env(database),
                    timeout=60)
    return done.returncode, done.stderr.splitlines()


@pytest.mark.e2e
def test_a_second_run_on_a_held_database_exits_2_with_one_line(tmp_path: Path) -> None:
    database = str(tmp_path / "paperbot.db")
    with DatabaseLock(database):  # another process (this one) is running on it
        code, lines = _run(database)
    assert code == 2
    assert lines == [f"paperbot: process {os.getpid()} is already running on {database}. "
                     "Only one `paperbot run` may use a database; stop the other first."]


@pytest.mark.e2e
@pytest.mark.parametrize("where", ["directory", "uncreatable"])
def test_run_on_an_unusable_database_path_exits_2_with_one_line(
    tmp_path: Path, where: str
) -> None:
    code, lines = _run(str(tmp_path) if where == "directory" else UNCREATABLE)
    assert code == 2
    assert len(lines) == 1 and lines[0].startswith("paperbot: config error: [bot] database")
