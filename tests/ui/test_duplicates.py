"""Duplicate search on submit: the same (synthetic) sitter enrolled twice under two names is flagged for the
supervisor, with modality and score; the templates are on disk only encrypted."""

from __future__ import annotations

import pytest

from drivers.qr.people import synthetic_person
from tests.ui.flows import WAIT, log_in, start_session
from tests.ui.test_enrolment_flow import enrol_one


def two_adults():
    people = [p for p in (synthetic_person(n) for n in range(1, 80)) if p.birth_date.year < 2000]
    first = people[0]
    second = next(p for p in people[1:] if p.full_name != first.full_name)
    return first, second


@pytest.mark.slow
def test_same_sitter_under_two_names_is_flagged(qtbot, window, tmp_path):
    first, second = two_adults()
    log_in(qtbot, window, "off")
    start_session(qtbot, window)
    first_id = enrol_one(qtbot, window, first, tmp_path)
    window.wizard.begin()
    second_id = enrol_one(qtbot, window, second, tmp_path)   # the simulated camera shows the same sitter

    assert (window.ctx.data_dir / "templates.sqlite3").exists()   # encrypted rows (tests/dedup check the bytes)
    window.lock()
    log_in(qtbot, window, "sup")
    detail = window.review_detail
    window.open_record(second_id)
    qtbot.waitUntil(lambda: detail.view is not None and detail.view.record_id == second_id, timeout=WAIT)
    found = detail.view.capture["duplicates"]
    assert [(c["record_id"], c["modality"]) for c in found] == [(first_id, "face")]
    assert found[0]["score"] >= found[0]["threshold"]
    text = detail.issues.text()
    assert first_id[:8] in text and f"{found[0]['score']:.2f}" in text

    window.open_record(first_id)
    qtbot.waitUntil(lambda: detail.view is not None and detail.view.record_id == first_id, timeout=WAIT)
    assert detail.view.capture["duplicates"] == []          # nothing earlier to look like


def test_same_fingers_under_two_records_are_flagged_by_fingerprint(kit_dir):
    """The flow's duplicate search alone (no window): the same synthetic prints under two records, no photo.
    The templates come back from the kept WSQ prints, as for a draft continued after a restart."""
    from drivers.synthetic.fingerprints import synthesize_print
    from fieldkit.biometrics.fp_codec import encode_wsq
    from fieldkit.domain.captures import FingerSlot
    from fieldkit.domain.fingers import Finger, FingerStatus
    from fieldkit.domain.record import EnrolmentRecord
    from fieldkit.enrolment.capture_meta import CaptureMetadata
    from fieldkit.enrolment.submission import Snapshot, duplicate_search
    from fieldkit.kit import open_kit
    from tests.ui.conftest import PASS

    def snapshot(person, impression):
        record = EnrolmentRecord()
        blobs = {}
        for finger in (Finger.RIGHT_INDEX, Finger.LEFT_INDEX):
            name = f"print/rolled/{finger.name.lower()}.wsq"
            blobs[name] = encode_wsq(synthesize_print(person, int(finger), impression=impression, size=(288, 256)))
            record.captures.rolled[finger] = FingerSlot(FingerStatus.CAPTURED, "", name, 60.0, 1)
        return Snapshot(record, blobs, CaptureMetadata(), {})

    with open_kit(kit_dir) as kit:
        session = kit.unlock("off", PASS["off"])
        try:
            gallery = kit.duplicates(session)
            first = snapshot("sitter-1", 0)
            assert duplicate_search(gallery, session, first) == ([], "")
            assert duplicate_search(gallery, session, snapshot("sitter-2", 0)) == ([], "")     # another person
            found, error = duplicate_search(gallery, session, snapshot("sitter-1", 1))         # sitter 1 again
            assert error == ""
            assert [(c.record_id, c.modality) for c in found] == [(first.record_id, "fingerprint")]
            assert found[0].score >= found[0].threshold
        finally:
            session.lock()
