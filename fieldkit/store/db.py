"""Opening the kit database with the pragmas every connection needs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

DB_FILE = "fieldkit.db"


def db_path(data_dir: Path) -> Path:
    return Path(data_dir) / DB_FILE


def connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit) with the kit's pragmas.

    - WAL: readers never block the writer, and a crash leaves the last committed state.
    - synchronous=FULL: a commit is on disk (WAL fsynced) before it returns, so "saved" means saved.
    - secure_delete: freed pages are zeroed, so erased draft ciphertext does not linger in the file.
    - temp_store=MEMORY: sorts and temp tables never spill to temporary files.
    """
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None, check_same_thread=True,
                               timeout=30)
    else:
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    conn.execute("PRAGMA busy_timeout = 30000")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def integrity_check(conn: sqlite3.Connection) -> str:
    return conn.execute("PRAGMA integrity_check").fetchone()[0]
