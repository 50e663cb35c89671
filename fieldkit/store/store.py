"""`Store`: the database of one kit: migrated on open, one writer thread, a read connection per thread."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from fieldkit.store.db import connect, db_path
from fieldkit.store.migrations import apply_migrations
from fieldkit.store.writer import Writer


class Store:
    def __init__(self, data_dir: Path):
        self.path = db_path(data_dir)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        bootstrap = connect(self.path)
        try:
            apply_migrations(bootstrap)
        finally:
            bootstrap.close()
        self.writer = Writer(self.path)
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def write(self, job):
        """See Writer.write: `job(conn)` in one durable transaction, on the writer thread."""
        return self.writer.write(job)

    def reader(self) -> sqlite3.Connection:
        """This thread's read connection (opened on first use, closed by `close()`)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA query_only = ON")
            conn.execute("PRAGMA temp_store = MEMORY")
            self._local.conn = conn
            with self._lock:
                self._readers.append(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._readers:
                conn.close()
            self._readers.clear()
        self._local = threading.local()
        self.writer.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
