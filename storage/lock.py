"""One `paperbot run` per database: an advisory lock on `<database>.lock`.

Two runs on one database would each poll Telegram (which allows one poller per token)
and each reclaim the other's outbox leases at start. `flock` is released by the kernel
when the process dies, SIGKILL included, so a stale lock file never blocks a restart.
"""

from __future__ import annotations

import contextlib
import fcntl
import os


class DatabaseBusy(Exception):
    """Another process holds the database's run lock; `owner` is its pid when known."""

    def __init__(self, path: str, owner: int | None) -> None:
        who = f"process {owner}" if owner else "another process"
        super().__init__(f"{who} is already running on {path}")
        self.path = path
        self.owner = owner


class DatabaseLock:
    """An exclusive, non-blocking lock held from `acquire()` until `release()` or exit."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.path = f"{database}.lock"
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise DatabaseBusy at once; OSError if the file cannot be made."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = _read_pid(fd)
            os.close(fd)
            raise DatabaseBusy(self.database, owner) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def __enter__(self) -> DatabaseLock:
        if self._fd is None:
            self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
