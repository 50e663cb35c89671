"""Capture metadata read back from stored drafts: nothing is made up for what was not recorded."""

from __future__ import annotations

from fieldkit.enrolment.capture_meta import CaptureMetadata, DuplicateHit


def test_a_missing_or_none_threshold_stays_none():
    # Issue 13 item 10: a missing threshold was read as 0.0 (shown "flagged from 0.00") and None raised.
    for stored in ({"record_id": "r1", "modality": "face", "score": 0.9},
                   {"record_id": "r1", "modality": "face", "score": 0.9, "threshold": None}):
        hit = DuplicateHit.from_dict(stored)
        assert hit.threshold is None and hit.score == 0.9
    assert DuplicateHit.from_dict({"record_id": "r", "modality": "fingerprint", "threshold": "0.5"}).threshold == 0.5
    meta = CaptureMetadata.from_dict({"duplicates": [{"record_id": "r2", "modality": "face", "threshold": None}]})
    assert meta.duplicates[0].threshold is None
    assert CaptureMetadata.from_dict(meta.to_dict()).duplicates == meta.duplicates  # round trip keeps None
