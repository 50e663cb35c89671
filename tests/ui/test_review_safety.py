"""Issue 13 items 5 and 10: batch approval co-signs only records the supervisor opened, after a confirmation
naming them, never the next rows after a reload; the result stays until dismissed. Duplicates are a red band
with the other record openable, the best match per modality first, and no made-up 0.00 threshold."""

from __future__ import annotations

from tests.ui.flows import WAIT, log_in, records_for_review


def _status(window, rid):
    return window.ctx.kit_session.get_record(rid).status


def _select(page, rows):
    page.table.clearSelection()
    model, selection = page.table.model(), page.table.selectionModel()
    for r in rows:
        selection.select(model.index(r, 0), selection.SelectionFlag.Select | selection.SelectionFlag.Rows)


def _open(qtbot, window, rid):
    detail = window.review_detail
    with qtbot.waitSignal(detail.viewed, timeout=WAIT):
        window.open_record(rid)
    window.show_page("review")
    qtbot.waitUntil(lambda: len(window.review_list.rows) > 0, timeout=WAIT)


def test_batch_approves_only_opened_records_after_confirmation_and_keeps_no_selection(qtbot, window, kit_dir):
    from tests.ui.conftest import store_test_hub_keys
    store_test_hub_keys(kit_dir)
    ids = records_for_review(kit_dir, 6)
    log_in(qtbot, window, "sup")
    window.show_page("review")
    page = window.review_list
    qtbot.waitUntil(lambda: len(page.rows) == 6, timeout=WAIT)
    assert page.selected_ids() == []                       # nothing pre-selected for a blind click

    # Attack: select three unopened records and press approve anyway (button or a direct call).
    _select(page, range(3))
    assert not page.batch_button.isEnabled()
    asked = []
    page.confirm_batch = lambda names, skipped: asked.append((names, skipped)) or True
    page.approve_selected()
    assert asked == [] and all(_status(window, rid) == "pending_review" for rid in ids)

    # Open two of them in the detail page; the third stays unopened.
    first, second = page.rows[0].record_id, page.rows[1].record_id
    third = page.rows[2].record_id
    _open(qtbot, window, first)
    _open(qtbot, window, second)
    qtbot.waitUntil(lambda: len(page.rows) == 6, timeout=WAIT)
    _select(page, range(3))
    assert set(page.approvable_ids()) == {first, second} and page.batch_button.isEnabled()

    # Declining the confirmation approves nobody.
    page.confirm_batch = lambda names, skipped: asked.append((names, skipped)) and False
    page.approve_selected()
    assert len(asked) == 1 and asked[0][1] == 1 and len(asked[0][0]) == 2
    assert _status(window, first) == "pending_review"

    page.confirm_batch = lambda names, skipped: True
    with qtbot.waitSignal(page.batch_done, timeout=WAIT) as done:
        page.approve_selected()
    assert done.args == [2, 0]
    qtbot.waitUntil(lambda: len(page.rows) == 4, timeout=WAIT)   # the reload after the batch
    assert _status(window, first) == "sealed" and _status(window, second) == "sealed"
    assert _status(window, third) == "pending_review"
    assert page.selected_ids() == [] and not page.batch_button.isEnabled()   # a second click approves nobody
    assert page.result_row.isVisible() and "2" in page.result.text()        # not overwritten by the reload
    page.refresh()
    qtbot.waitUntil(lambda: page.info.text() != "", timeout=WAIT)
    assert page.result_row.isVisible()
    page.dismiss_button.click()
    assert not page.result_row.isVisible()

    # What one supervisor opened does not count for the next log-in.
    window.lock()
    log_in(qtbot, window, "sup")
    assert page.opened == set()


def test_duplicate_band_opens_the_other_record_and_lists_the_best_match_per_modality(qtbot, window, kit_dir):
    from fieldkit.enrolment.capture_meta import CaptureMetadata, DuplicateHit
    earlier = records_for_review(kit_dir, 1)[0]
    found = [DuplicateHit(earlier, "face", 0.41 + i / 100, 0.4, "") for i in range(10)]
    # Stored without its threshold (as records saved before the search recorded one): shown as "—", not 0.00.
    found.append(DuplicateHit(earlier, "fingerprint", 61.0, None, ""))  # type: ignore[arg-type]
    later = records_for_review(kit_dir, 1, captures={0: CaptureMetadata(duplicates=found)})[0]
    log_in(qtbot, window, "sup")
    detail = window.review_detail
    with qtbot.waitSignal(detail.viewed, timeout=WAIT):
        window.open_record(later)
    assert detail.duplicate_band.isVisible() and detail.other_record_id == earlier
    lines = [line for line in detail.issues.text().splitlines() if earlier[:8] in line]
    assert len(lines) == 2                                   # one per modality, not ten face lines
    assert "61.00" in lines[0] and "0.50" in lines[1]        # the fingerprint match first, then the best face
    assert "0.00" not in lines[0] and "—" in lines[0]        # no threshold recorded: not shown as 0.00
    with qtbot.waitSignal(detail.viewed, timeout=WAIT) as opened:
        detail.open_other_button.click()
    assert opened.args == [earlier] and not detail.duplicate_band.isVisible()


def test_infant_detail_says_no_biometrics_instead_of_ten_empty_fingers(qtbot, window, kit_dir):
    """Issue 13 item 14: an infant's record reads "under 6", not as ten missing prints."""
    from datetime import date

    from fieldkit.domain.dates import PartialDate
    from fieldkit.domain.record import Demographics, EnrolmentRecord, Residence
    from fieldkit.enrolment.service import EnrolmentService
    from tests.ui.conftest import PASS

    born = date.today().replace(year=date.today().year - 2, day=1)
    with EnrolmentService(kit_dir) as service:
        session = service.unlock("off", PASS["off"])
        record = EnrolmentRecord(demographics=Demographics(
            birth_name="Y Bưk Niê", date_of_birth=PartialDate(born.year, born.month, born.day),
            residence=Residence(province="Đắk Lắk", commune="Phường Buôn Ma Thuột")))
        rid = session.save_draft(record.to_dict()).record_id
        session.submit_for_review(rid)
        session.lock()
    log_in(qtbot, window, "sup")
    detail = window.review_detail
    with qtbot.waitSignal(detail.viewed, timeout=WAIT):
        window.open_record(rid)
    texts = [detail.prints.itemAt(i).widget() for i in range(detail.prints.count())]
    assert len(texts) == 1 and "6" in texts[0].text() and "/100" not in texts[0].text()


def test_batch_confirmation_fits_the_screen_with_many_names(qtbot, window):
    """Issue 13 item 1 for the dialog: 60 names would make a box taller than 768 px, its buttons off screen."""
    names = [f"Người thử {n} (01/01/1980)" for n in range(60)]
    box = window.review_list.confirmation_box(names, skipped=3)
    qtbot.addWidget(box)
    text = box.text()
    assert "Người thử 0 " in text and "Người thử 59 " not in text and "48" in text and "3" in text
    assert box.sizeHint().height() <= 700
