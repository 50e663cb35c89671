"""The audit log: every action chained and signed; verify catches deleted, inserted, reordered, edited lines
and records."""

from __future__ import annotations

import sqlite3

import pytest

from fieldkit.audit.verify import verify_log
from fieldkit.store.queue import packet_hashes
from fieldkit.security import keystore
from fieldkit.store.db import db_path


@pytest.fixture
def session_log(service, officer, supervisor, data_dir):
    """A short session (capture, edit, submit, approve+seal, return) then the service closed; the DB path."""
    a = officer.save_draft({"full_name": "Vàng A Sử"}, {"face.jpg": b"a" * 50})
    officer.save_draft({"full_name": "Vàng A Sử"}, {"face.jpg": b"b" * 50}, record_id=a.record_id)
    officer.submit_for_review(a.record_id)
    supervisor.approve(a.record_id)
    b = officer.save_draft({"full_name": "Giàng Thị Dợ"}, {})
    officer.submit_for_review(b.record_id)
    supervisor.return_to_officer(b.record_id, "thiếu vân tay")
    service.close()
    return db_path(data_dir)


def verify(data_dir):
    conn = sqlite3.connect(db_path(data_dir))
    try:
        return verify_log(conn, keystore.kit_id(data_dir), keystore.device_public_key(data_dir), packet_hashes(conn))
    finally:
        conn.close()


def tamper(path, *sql):
    conn = sqlite3.connect(path)
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()


def test_clean_log_verifies(session_log, data_dir):
    report = verify(data_dir)
    assert report.ok, report.problems
    assert report.entries == report.signed == 10  # 2 logins + 8 actions


def test_deleted_line(session_log, data_dir):
    tamper(session_log, "DELETE FROM audit_log WHERE seq = 5")
    report = verify(data_dir)
    assert any(p.seq == 6 and "missing" in p.what for p in report.problems)


def test_edited_line(session_log, data_dir):
    tamper(session_log, "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 4")
    assert [p.seq for p in verify(data_dir).problems if "edited" in p.what] == [4]


def test_edited_line_with_recomputed_hash_fails_the_signature(session_log, data_dir):
    from fieldkit.audit.log import entry_hash
    conn = sqlite3.connect(session_log)
    seq, at, actor, action, rid, detail, prev = conn.execute(
        "SELECT seq, at, actor, action, record_id, detail, prev_hash FROM audit_log WHERE seq = 10").fetchone()
    conn.execute("UPDATE audit_log SET actor = 'x', entry_hash = ? WHERE seq = 10",
                 (entry_hash(prev, seq, at, "x", action, rid, detail),))
    conn.commit()
    conn.close()
    assert any(p.seq == 10 and "signature" in p.what for p in verify(data_dir).problems)


def test_inserted_line(session_log, data_dir):
    tamper(session_log, "UPDATE audit_log SET seq = seq + 100 WHERE seq >= 6",
           "UPDATE audit_log SET seq = seq - 99 WHERE seq >= 106",
           "INSERT INTO audit_log (seq, at, actor, action, record_id, detail, prev_hash, entry_hash) "
           "VALUES (6, 0, '', 'login', '', '{}', 'aa', 'bb')")
    problems = verify(data_dir).problems
    assert any(p.seq == 6 for p in problems) and any(p.seq == 7 and "chain" in p.what for p in problems)


def test_reordered_lines(session_log, data_dir):
    tamper(session_log, "UPDATE audit_log SET seq = -1 WHERE seq = 3", "UPDATE audit_log SET seq = 3 WHERE seq = 4",
           "UPDATE audit_log SET seq = 4 WHERE seq = -1")
    assert {p.seq for p in verify(data_dir).problems if "chain" in p.what} >= {3}


def test_deleted_record_row(session_log, data_dir):
    tamper(session_log, "DELETE FROM search_tokens", "DELETE FROM records WHERE status = 'returned'")
    assert any("missing from the database" in p.what for p in verify(data_dir).problems)


def test_edited_record_row(session_log, data_dir):
    tamper(session_log, "UPDATE records SET payload = zeroblob(80) WHERE status = 'returned'")
    assert any("edited" in p.what for p in verify(data_dir).problems)
    tamper(session_log, "UPDATE records SET status = 'pending_review' WHERE status = 'returned'")
    assert any("is pending_review" in p.what for p in verify(data_dir).problems)


def test_edited_packet(session_log, data_dir):
    tamper(session_log, "UPDATE packets SET data = zeroblob(size)")
    assert any("packet" in p.what and "edited" in p.what for p in verify(data_dir).problems)
