"""A record's encrypted payload copied onto another row (with sqlite3, from outside): a clear refusal that
names the record, not a DecryptError traceback; nothing changes."""

from __future__ import annotations

import sqlite3

import pytest

from fieldkit.security import crypto
from tests.security.conftest import PASS


def test_payload_moved_to_another_row_is_refused_with_a_clear_message(cli, officer, data_dir):
    a = officer.save_draft({"full_name": "Vàng A Sử"}, {"face.jpg": b"\xff\xd8synthetic-a"})
    b = officer.save_draft({"full_name": "Giàng Thị Dua"}, {"face.jpg": b"\xff\xd8synthetic-b"})
    officer.service.close()
    conn = sqlite3.connect(data_dir / "fieldkit.db")
    with conn:
        conn.execute("UPDATE records SET payload = (SELECT payload FROM records WHERE id = ?)"
                     " WHERE id = ?", (a.record_id, b.record_id))
    conn.close()
    code, out, err = cli("queue", "show", b.record_id, "--user", "off", passphrase=PASS["off"])
    assert code == 1 and "Traceback" not in out + err and "DecryptError" not in err
    assert "integrity check" in err and "fieldkit audit verify" in err
    assert "Vàng" not in out + err  # the moved payload was not shown under the other record


def test_record_unreadable_names_the_record():
    key = crypto.new_key()
    blob = crypto.encrypt(key, b"payload", b"fieldkit record v1|kit|rid-a|1")
    with pytest.raises(crypto.RecordUnreadable) as err:
        crypto.decrypt_record(key, blob, b"fieldkit record v1|kit|rid-b|1", "rid-b", 1)
    assert isinstance(err.value, crypto.DecryptError)  # existing `except DecryptError` still catches it
    assert "record rid-b (version 1) cannot be opened" in str(err.value) and err.value.code == "record.tampered"
