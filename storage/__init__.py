"""SQLite storage (sqlite-utils) behind the role Protocols of bot.ports."""

from __future__ import annotations

import sys

# sqlite-utils imports numpy at its own import whenever numpy is installed (to map numpy
# types to columns, which the store never writes). Hide it for that one import: numpy costs
# ~70 ms and ~15 MB at every start and is needed only once a digest is ranked.
if "sqlite_utils" not in sys.modules and "numpy" not in sys.modules:
    sys.modules["numpy"] = None  # type: ignore[assignment]
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del sys.modules["numpy"]
