"""One template gallery per kit: a kit that holds the demo's old second gallery has it merged on first unlock."""

from __future__ import annotations

import numpy as np

from fieldkit.dedup.gallery import LEGACY_FILE, LEGACY_PURPOSE, SUBKEY_PURPOSE, TEMPLATES_FILE, _store
from fieldkit.kit import open_kit
from tests.security.conftest import PASS, make_kit


def _vector(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, 0.1, 128).astype(np.float32)


def test_both_galleries_merge_into_one_keeping_every_template(data_dir):
    make_kit(data_dir)
    with open_kit(data_dir) as kit:
        session = kit.unlock("off", PASS["off"])
        # Yesterday's state: the app's gallery and the demo's, each under its own subkey and file.
        app = _store(data_dir / TEMPLATES_FILE, session.kit.subkey(SUBKEY_PURPOSE))
        app.unlock()
        app.put_face("app-1", _vector(1))
        app.put_fingerprints("app-1", {"2": b"app print"})
        app.close()
        demo = _store(data_dir / LEGACY_FILE, session.kit.subkey(LEGACY_PURPOSE))
        demo.unlock()
        demo.put_face("demo-1", _vector(2))
        demo.put_fingerprints("demo-1", {"fp:7": b"demo print"})
        demo.put_face("demo-2", _vector(3))
        demo.close()

        gallery = kit.duplicates(session)
        assert gallery.count(session) == 5                      # every template of both, in one file
        assert not (data_dir / LEGACY_FILE).exists()
        found = gallery.check_and_enrol(session, "new-1", _vector(2), {})
        assert [(c.record_id, c.modality) for c in found] == [("demo-1", "face")]   # the demo's face is seen
        prints = gallery._store.fingerprint_gallery()
        assert sorted(prints) == [("app-1", "fp:2", b"app print"), ("demo-1", "fp:7", b"demo print")]
        session.lock()
    # the merged rows are encrypted under the one key: the old key opens none of them
    raw = (data_dir / TEMPLATES_FILE).read_bytes()
    assert b"demo print" not in raw and b"app print" not in raw


def test_a_tampered_old_gallery_is_not_merged_and_stays(data_dir):
    import sqlite3

    import pytest
    from fieldkit.security.crypto import DecryptError

    make_kit(data_dir)
    with open_kit(data_dir) as kit:
        session = kit.unlock("off", PASS["off"])
        demo = _store(data_dir / LEGACY_FILE, session.kit.subkey(LEGACY_PURPOSE))
        demo.unlock()
        demo.put_face("demo-1", _vector(2))
        demo.close()
        conn = sqlite3.connect(data_dir / LEGACY_FILE)
        conn.execute("UPDATE templates SET record_id = 'someone-else'")   # a row moved onto another record
        conn.commit()
        conn.close()
        with pytest.raises(DecryptError):
            kit.duplicates(session).count(session)
        assert (data_dir / LEGACY_FILE).exists()                  # nothing lost: the file waits for a technician
        session.lock()
