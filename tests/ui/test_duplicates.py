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
    """The adapter alone (no window): the same synthetic prints under two record ids, no photo."""
    from drivers.synthetic.fingerprints import synthesize_print
    from fieldkit.biometrics.fp_codec import encode_wsq
    from fieldkit.enrolment.service import EnrolmentService
    from fieldkit.ui.dedup_adapter import KitDuplicates
    from tests.ui.conftest import PASS

    def prints(person, impression):
        return {f"print/rolled/{name}.wsq": encode_wsq(synthesize_print(person, finger, impression=impression,
                                                                         size=(288, 256)))
                for finger, name in ((2, "right_index"), (7, "left_index"))}

    service = EnrolmentService(kit_dir)
    session = service.unlock("off", PASS["off"])
    dups = KitDuplicates(kit_dir)
    try:
        assert dups.check_and_enrol(session, "rec-a", prints("sitter-1", 0)) == []
        assert dups.check_and_enrol(session, "rec-b", prints("sitter-2", 0)) == []       # another person
        found = dups.check_and_enrol(session, "rec-c", prints("sitter-1", 1))            # sitter 1 again
        assert [(c["record_id"], c["modality"]) for c in found] == [("rec-a", "fingerprint")]
        assert found[0]["score"] >= found[0]["threshold"]
    finally:
        dups.lock()
        session.lock()
        service.close()
