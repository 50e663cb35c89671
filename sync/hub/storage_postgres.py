"""Hub storage in PostgreSQL: provincial and national hubs, several hub processes behind one database.

The SQL is shared with SQLite (see storage.py); only connections differ. A small psycopg pool serves the
server's worker threads; each storage call is one transaction on one pooled connection, committed when the
call returns, so every acknowledgement a kit gets is already durable in the database.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any, Iterator, Sequence

import psycopg
from psycopg_pool import ConnectionPool

from sync.hub.storage import SqlHubStorage


class PostgresHubStorage(SqlHubStorage):
    name = "postgresql"
    blob_type = "BYTEA"
    bigint_type = "BIGINT"

    def __init__(self, conninfo: str, max_connections: int = 8):
        self._pool = ConnectionPool(conninfo, min_size=1, max_size=max_connections, open=True,
                                    kwargs={"autocommit": False}, name="fieldkit-hub")
        self._local = threading.local()
        try:
            self._pool.wait(timeout=15)
            self.create_schema()
        except BaseException:
            self._pool.close()
            raise

    @contextlib.contextmanager
    def _transaction(self) -> Iterator["PostgresHubStorage"]:
        # The pool's context commits on a clean exit and rolls back on an exception.
        with self._pool.connection() as conn:
            self._local.conn = conn
            try:
                yield self
            finally:
                self._local.conn = None

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor:
        return self._local.conn.execute(sql.replace("?", "%s"), tuple(params))

    def _lock_schema(self) -> None:
        # Two hub processes starting together would race on CREATE TABLE IF NOT EXISTS; a lock orders them.
        self._execute("SELECT pg_advisory_xact_lock(6006)")

    def _table_exists(self, name: str) -> bool:
        # to_regclass follows the search_path, so a test's own schema is where it looks.
        return self._one("SELECT to_regclass(?)", (name,))[0] is not None

    def _migrate_packets_to_kit_key(self) -> None:
        # Only the key's index is rebuilt; the envelopes stay where they are (a provincial hub holds many GB).
        (name,) = self._one("SELECT conname FROM pg_constraint WHERE conrelid = 'packets'::regclass "
                            "AND contype = 'p'")
        self._execute(f'ALTER TABLE packets DROP CONSTRAINT "{name}", ADD PRIMARY KEY (kit_id, packet_id)')

    def is_unique_violation(self, exc: Exception) -> bool:
        return isinstance(exc, psycopg.errors.UniqueViolation)

    def close(self) -> None:
        self._pool.close()
