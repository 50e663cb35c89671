"""The hub's registry database, `<data>/registry.db` (SQLite, 0600): residents by resident id and commune.

The one owner of the registry's SQL. A resident is stored as its JSON (Resident.to_dict) beside the columns
the hub selects by (commune, household, personal ID). `replace_all` loads an import in ONE transaction: every
row or none. The registry is personal data in clear here, like the hub's other working data: the hub's data
directory is 0700 and must sit on an encrypted volume (docs/population.md).
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from fieldkit.population.resident import Resident

DB_FILE = "registry.db"
SCHEMA = """
CREATE TABLE IF NOT EXISTS residents (
    resident_id TEXT PRIMARY KEY, commune_code TEXT NOT NULL, household_id TEXT NOT NULL,
    personal_id TEXT, data TEXT NOT NULL, loaded_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS residents_commune ON residents (commune_code, household_id);
CREATE INDEX IF NOT EXISTS residents_pid ON residents (personal_id);
"""


class RegistryStore:
    def __init__(self, data_dir: Path):
        data_dir = Path(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = data_dir / DB_FILE
        if not self.path.exists():
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        self.conn = sqlite3.connect(self.path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("PRAGMA secure_delete = ON")
        self.conn.executescript(SCHEMA)

    def load(self, residents: list[Resident], now: int) -> int:
        """Insert or replace `residents` in one transaction (a resident id already loaded is updated)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.executemany(
                "INSERT OR REPLACE INTO residents (resident_id, commune_code, household_id, personal_id, data,"
                " loaded_at) VALUES (?, ?, ?, ?, ?, ?)",
                [(r.resident_id, r.commune_code, r.household_id, r.personal_id,
                  json.dumps(r.to_dict(), ensure_ascii=False), now) for r in residents])
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return len(residents)

    def owners_of_ids(self, personal_ids: list[str]) -> dict[str, str]:
        """personal ID -> resident id, for the IDs already in the registry."""
        out = {}
        for i in range(0, len(personal_ids), 500):
            chunk = personal_ids[i:i + 500]
            rows = self.conn.execute(
                f"SELECT personal_id, resident_id FROM residents WHERE personal_id IN ({','.join('?' * len(chunk))})",
                chunk)
            out.update(dict(rows))
        return out

    def commune(self, commune_code: str) -> list[Resident]:
        rows = self.conn.execute("SELECT data FROM residents WHERE commune_code = ? ORDER BY household_id, resident_id",
                                 (commune_code,))
        return [Resident.from_dict(json.loads(d)) for (d,) in rows]

    def count(self, commune_code: str | None = None) -> int:
        if commune_code is None:
            return self.conn.execute("SELECT count(*) FROM residents").fetchone()[0]
        return self.conn.execute("SELECT count(*) FROM residents WHERE commune_code = ?", (commune_code,)).fetchone()[0]

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "RegistryStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
