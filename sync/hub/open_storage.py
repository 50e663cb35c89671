"""Pick the hub's storage from `--db`: nothing means SQLite in the data directory, postgresql://... PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sync.hub.storage import SqlHubStorage

SQLITE_FILE = "hub.sqlite3"


def open_storage(data_dir: Path, db_url: str | None = None) -> SqlHubStorage:
    if db_url and db_url.startswith(("postgresql://", "postgres://")):
        from sync.hub.storage_postgres import PostgresHubStorage

        return PostgresHubStorage(db_url)
    if db_url and db_url.startswith("sqlite:///"):
        path = Path(db_url.removeprefix("sqlite:///"))
    elif db_url:
        raise ValueError(f"--db must be postgresql://... or sqlite:///PATH, not {db_url!r}")
    else:
        path = data_dir / SQLITE_FILE
    from sync.hub.storage_sqlite import SqliteHubStorage

    return SqliteHubStorage(path)
