"""`fieldkit demo`: a village session through the kit's real code, checked against what the kit stored.

The villages are small but chosen (by seed) to hold what the checks need: seed 33's three citizens are an
adult whose first capture is poor, another adult, and the first one again under a new name (a repeat
visitor); seed 603's five are an adult and four children under 14 (three under six), which keeps the hub
test short while still carrying guardians and infants without biometrics.
"""

from __future__ import annotations

import sqlite3

import pytest

from tests.demo.conftest import DEMO_PASSPHRASE


def _db_counts(data_dir) -> tuple[dict, dict]:
    conn = sqlite3.connect(data_dir / "fieldkit.db")
    try:
        records = dict(conn.execute("SELECT status, count(*) FROM records GROUP BY status").fetchall())
        packets = dict(conn.execute("SELECT status, count(*) FROM packets GROUP BY status").fetchall())
    finally:
        conn.close()
    return records, packets


@pytest.mark.slow  # ~20-35 s: three people through every device and check (print synthesis dominates)
def test_three_citizens_are_sealed_and_the_repeat_visitor_is_flagged(demo, data_dir):
    code, s, err = demo("--citizens", "3", "--seed", "33")
    assert code == 0, err
    assert (s["citizens"], s["enrolled"], s["submitted"], s["blocked"]) == (3, 3, 3, 0)
    # the third citizen is the first one again: flagged by fingerprints, held for the supervisor
    assert (s["duplicates_flagged"], s["duplicates_true"], s["duplicates_false"], s["duplicates_missed"]) == (1, 1, 0, 0)
    assert s["repeat_visitors"] == 1 and s["repeat_visitors_face_matched"] == 1  # same seed: same face too
    assert (s["sealed"], s["held_for_supervisor"], s["pending"]) == (2, 1, 1)
    assert s["fingerprint_retries"] >= 1  # the first citizen's poor first capture was retried
    assert s["cards_scanned"] == 2 and s["acknowledged"] is None
    assert s["faces_auto_captured"] + s["faces_kept_by_officer"] == 3
    records, packets = _db_counts(data_dir)
    assert records == {"sealed": 2, "pending_review": 1}
    # one template gallery per kit: the app's file, no second one of the demo's own
    assert (data_dir / "templates.sqlite3").exists() and not (data_dir / "templates.sqlite").exists()
    assert packets == {"sealed": 2} and s["packets_in_queue"] == 2
    # the passphrase came from the environment and is written nowhere; nothing said it aloud
    assert "DEMO-ONLY" not in err
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert DEMO_PASSPHRASE.encode() not in path.read_bytes(), path


@pytest.mark.slow  # ~15-25 s: two people with biometrics, a hub, a proxy dropping the link
def test_demo_with_a_local_hub_ends_with_every_packet_acknowledged(demo, data_dir, local_hub):
    url, hub_data, storage = local_hub
    code, s, err = demo("--citizens", "5", "--seed", "603", "--hub", url, "--hub-data", str(hub_data), "--link-drop")
    assert code == 0, err
    assert s["sealed"] == 5 and s["infants_no_biometrics"] == 3 and s["with_guardian"] == 4
    assert s["acknowledged"] == s["packets_in_queue"] == 5
    assert s["link_drops"] >= 1 and s["sync_passes"] >= 1  # the link did drop, and sync carried on
    from fieldkit.security.keystore import kit_id
    assert s["hub_received"] == len(storage.list_packets(kit_id(data_dir))) == 5  # exactly once
    records, packets = _db_counts(data_dir)
    assert records == {"acknowledged": 5} and packets == {"acknowledged": 5}


def test_an_existing_kit_needs_its_passphrase(demo, data_dir, monkeypatch):
    from fieldkit.security import keystore
    data_dir.mkdir(parents=True)
    keystore.init_kit(data_dir, "lan", "technician", "someone-elses-pass").lock()
    monkeypatch.delenv("FIELDKIT_PASSPHRASE")
    code, _summary, err = demo("--citizens", "1")
    assert code == 3 and "FIELDKIT_PASSPHRASE" in err


def test_link_drop_needs_a_hub(demo):
    code, _summary, err = demo("--citizens", "1", "--link-drop")
    assert code == 2 and "--hub" in err
