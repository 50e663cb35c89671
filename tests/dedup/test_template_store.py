"""TemplateStore: templates on disk only encrypted, in memory only while unlocked, gone after purge."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest
from cryptography.exceptions import InvalidTag

from fieldkit.dedup.encoding import encoding_to_bytes
from fieldkit.dedup.store import StoreLockedError, TemplateStore


def _file_bytes(store: TemplateStore) -> bytes:
    """Everything the store left on disk (database, WAL, shared memory)."""
    data = b""
    for suffix in ("", "-wal", "-shm"):
        path = store.path.with_name(store.path.name + suffix)
        if path.exists():
            data += path.read_bytes()
    return data


def test_disk_never_holds_plaintext_templates(store, encodings):
    store.put_face("R-1", encodings["astronaut"])
    store.put_fingerprints("R-1", {"2": b"MINUTIAE-TEMPLATE-RIGHT-INDEX-0001"})
    plain = encoding_to_bytes(encodings["astronaut"])
    on_disk = _file_bytes(store)
    assert len(on_disk) > 0 and store.count() == 2
    # no 16-byte window of the encoding (4 float32 values) appears anywhere in the files
    assert not any(plain[i:i + 16] in on_disk for i in range(0, len(plain) - 16, 4))
    assert b"MINUTIAE-TEMPLATE" not in on_disk


def test_templates_come_back_after_reopening(tmp_path, cipher, encodings):
    first = TemplateStore(tmp_path / "t.sqlite", *cipher)
    first.unlock()
    first.put_face("R-1", encodings["astronaut"])
    first.close()
    second = TemplateStore(tmp_path / "t.sqlite", *cipher)
    assert second.unlock() == 1
    assert second.search_faces(encodings["astronaut"], k=1)[0][0] == "R-1"
    second.close()


def test_ciphertext_moved_to_another_record_does_not_decrypt(tmp_path, cipher, encodings):
    s = TemplateStore(tmp_path / "t.sqlite", *cipher)
    s.unlock()
    s.put_face("R-1", encodings["astronaut"])
    s.put_face("R-2", encodings["grace_hopper"])
    s.close()
    db = sqlite3.connect(tmp_path / "t.sqlite")
    blob = db.execute("SELECT ciphertext FROM templates WHERE record_id='R-1'").fetchone()[0]
    db.execute("UPDATE templates SET ciphertext=? WHERE record_id='R-2'", (blob,))
    db.commit()
    db.close()
    s = TemplateStore(tmp_path / "t.sqlite", *cipher)
    with pytest.raises(InvalidTag):
        s.unlock()
    assert not s.unlocked
    s.close()


def test_lock_zeroes_and_drops_templates(store, encodings):
    store.put_face("R-1", encodings["astronaut"])
    store.put_fingerprints("R-1", {"2": b"\x01\x02\x03\x04"})
    matrix, prints = store.faces._matrix, store._prints["R-1"]["fp:2"]
    store.lock()
    assert not store.unlocked and store.faces is None
    assert not matrix.any() and prints == bytearray(4)
    with pytest.raises(StoreLockedError):
        store.search_faces(encodings["astronaut"])
    with pytest.raises(StoreLockedError):
        store.put_face("R-2", encodings["grace_hopper"])
    assert store.count() == 2  # locking loses nothing on disk


def test_delete_record_and_purge(store, encodings):
    store.put_face("R-1", encodings["astronaut"])
    store.put_face("R-2", encodings["grace_hopper"])
    store.delete_record("R-1")
    assert store.count() == 1 and "R-1" not in store.faces
    store.purge()
    assert store.count() == 0 and len(store.faces) == 0 and store.unlocked
    assert encoding_to_bytes(encodings["grace_hopper"])[:16] not in _file_bytes(store)


def test_encoding_bytes_round_trip_and_size_check(encodings):
    from fieldkit.dedup.encoding import encoding_from_bytes

    data = encoding_to_bytes(encodings["astronaut"])
    assert len(data) == 512 and np.array_equal(encoding_from_bytes(data), encodings["astronaut"])
    with pytest.raises(ValueError):
        encoding_from_bytes(data[:-4])
