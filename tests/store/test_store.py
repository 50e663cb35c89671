"""The store: pragmas, named migrations, one writer thread (rollback, durability order, clean close), indexes."""

from __future__ import annotations

import threading

import pytest

from fieldkit.store.db import connect
from fieldkit.store.migrations import MIGRATIONS, applied, apply_migrations
from fieldkit.store.records import ListFilter, _where
from fieldkit.store.store import Store


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path)
    yield s
    s.close()


def test_pragmas(store):
    conn = connect(store.path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
        assert conn.execute("PRAGMA temp_store").fetchone()[0] == 2  # MEMORY
    finally:
        conn.close()


def test_migrations_are_named_and_applied_once(store):
    conn = connect(store.path)
    try:
        assert applied(conn) == [name for name, _ in MIGRATIONS]
        assert apply_migrations(conn) == []  # nothing left to do
    finally:
        conn.close()


def test_a_failing_job_is_rolled_back(store):
    def bad(conn):
        conn.execute("INSERT INTO records (id, status, version, created_at, updated_at) VALUES ('r', 'draft', 1, 0, 0)")
        raise RuntimeError("boom")
    with pytest.raises(RuntimeError, match="boom"):
        store.write(bad)
    assert store.reader().execute("SELECT count(*) FROM records").fetchone()[0] == 0
    assert store.write(lambda c: c.execute("SELECT 1").fetchone()[0]) == 1  # the writer still works


def test_all_writes_run_on_one_thread(store):
    seen = set()
    def job(conn):
        seen.add(threading.current_thread().name)
    threads = [threading.Thread(target=store.write, args=(job,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"fieldkit-db-writer"}


def test_close_joins_the_writer(tmp_path):
    s = Store(tmp_path)
    s.close()
    assert not any(t.name == "fieldkit-db-writer" for t in threading.enumerate())
    with pytest.raises(RuntimeError):
        s.write(lambda c: None)


def plan(store, f: ListFilter) -> str:
    where, params = _where(f)
    rows = store.reader().execute(f"EXPLAIN QUERY PLAN SELECT id FROM records{where} ORDER BY created_at DESC"
                                  " LIMIT 50", params).fetchall()
    return " | ".join(r[-1] for r in rows)


@pytest.mark.parametrize("f, index", [
    (ListFilter(statuses=("pending_review",)), "records_status_created"),
    (ListFilter(statuses=("pending_review",), session_id="s"), "records_session_status_created"),
    (ListFilter(created_from=0, created_to=10), "records_created"),
])
def test_list_queries_use_an_index_and_no_sort(store, f, index):
    p = plan(store, f)
    assert index in p and "TEMP B-TREE" not in p, p
