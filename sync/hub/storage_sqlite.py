"""Hub storage in one SQLite file: the default for a district office with one hub process.

One connection guarded by a lock (the one-writer rule); WAL and synchronous=FULL so an acknowledged packet
survives a power cut; `BEGIN IMMEDIATE` and a busy timeout so a second process (the CLI's `import` while the
server runs) waits its turn instead of failing.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterator, Sequence

from sync.hub.storage import SqlHubStorage


class SqliteHubStorage(SqlHubStorage):
    name = "sqlite"

    def __init__(self, path: Path | str):
        self.path = Path(path)
        if not self.path.exists():  # the hub's database holds kits' packets: owner-only from the start
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None, timeout=30)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute("PRAGMA busy_timeout=30000")
        self.create_schema()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator["SqliteHubStorage"]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self._conn.execute(sql, tuple(params))

    def _table_exists(self, name: str) -> bool:
        return self._one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)) is not None

    def is_unique_violation(self, exc: Exception) -> bool:
        return isinstance(exc, sqlite3.IntegrityError)

    def close(self) -> None:
        with self._lock:
            self._conn.close()
