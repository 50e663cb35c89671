"""Record rows: plain SQL over the `records` and `search_tokens` tables (encryption happens above this)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

LIST_COLUMNS = ("id", "status", "version", "session_id", "officer_id", "reviewer_id", "created_at", "updated_at",
                "summary", "packet_id")


@dataclass
class ListFilter:
    """A supervisor's list query. Times are ms since epoch; `created_to` is exclusive."""

    statuses: tuple[str, ...] = ()
    session_id: str | None = None
    officer_id: str | None = None
    created_from: int | None = None
    created_to: int | None = None
    tokens: list[bytes] = field(default_factory=list)  # every token must match (AND)
    limit: int = 50
    offset: int = 0


def insert_record(conn: sqlite3.Connection, row: dict) -> None:
    cols = ", ".join(row)
    conn.execute(f"INSERT INTO records ({cols}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))


def update_record(conn: sqlite3.Connection, record_id: str, **fields) -> None:
    sets = ", ".join(f"{name} = ?" for name in fields)
    cur = conn.execute(f"UPDATE records SET {sets} WHERE id = ?", (*fields.values(), record_id))
    if cur.rowcount != 1:
        raise KeyError(f"no record {record_id}")


def get_row(conn: sqlite3.Connection, record_id: str, with_payload: bool = True) -> dict | None:
    cols = LIST_COLUMNS + (("payload", "note") if with_payload else ("note",))
    row = conn.execute(f"SELECT {', '.join(cols)} FROM records WHERE id = ?", (record_id,)).fetchone()
    return dict(zip(cols, row)) if row else None


def _where(f: ListFilter) -> tuple[str, list]:
    clauses, params = [], []
    if f.statuses:
        clauses.append(f"status IN ({', '.join('?' * len(f.statuses))})")
        params += list(f.statuses)
    if f.session_id is not None:
        clauses.append("session_id = ?")
        params.append(f.session_id)
    if f.officer_id is not None:
        clauses.append("officer_id = ?")
        params.append(f.officer_id)
    if f.created_from is not None:
        clauses.append("created_at >= ?")
        params.append(f.created_from)
    if f.created_to is not None:
        clauses.append("created_at < ?")
        params.append(f.created_to)
    if f.tokens:
        clauses.append("id IN (" + " INTERSECT ".join(["SELECT record_id FROM search_tokens WHERE token = ?"]
                                                      * len(f.tokens)) + ")")
        params += list(f.tokens)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def list_rows(conn: sqlite3.Connection, f: ListFilter) -> list[dict]:
    where, params = _where(f)
    sql = (f"SELECT {', '.join(LIST_COLUMNS)} FROM records{where} ORDER BY created_at DESC, id DESC"
           " LIMIT ? OFFSET ?")
    return [dict(zip(LIST_COLUMNS, row)) for row in conn.execute(sql, (*params, f.limit, f.offset))]


def count_rows(conn: sqlite3.Connection, f: ListFilter) -> int:
    where, params = _where(f)
    return conn.execute(f"SELECT count(*) FROM records{where}", params).fetchone()[0]


def set_tokens(conn: sqlite3.Connection, record_id: str, tokens: set[bytes]) -> None:
    conn.execute("DELETE FROM search_tokens WHERE record_id = ?", (record_id,))
    conn.executemany("INSERT OR IGNORE INTO search_tokens (token, record_id) VALUES (?, ?)",
                     [(t, record_id) for t in sorted(tokens)])


def clear_tokens(conn: sqlite3.Connection, record_id: str) -> None:
    conn.execute("DELETE FROM search_tokens WHERE record_id = ?", (record_id,))
