"""Issue 13 items 10 and 14: the review list tells namesakes apart by their ID number and shows which records
the duplicate search flagged; summaries sealed before these columns existed still load; it fits 1366 px."""

from __future__ import annotations

from fieldkit.ui.pages.review.list_page import COLUMNS
from tests.ui.flows import WAIT, log_in, records_for_review


def _old_format_summary(kit_dir, record_id):
    """Re-seal one record's list summary as the kit wrote it before (name, birth date, sex only)."""
    from fieldkit.enrolment import vault
    from fieldkit.enrolment.service import EnrolmentService
    from fieldkit.store import records as rows
    from tests.ui.conftest import PASS

    with EnrolmentService(kit_dir) as service:
        session = service.unlock("sup", PASS["sup"])
        row = rows.get_row(service.store.reader(), record_id, with_payload=False)
        sealed = vault.seal_json(bytes(session.kit.data_key), "summary", session.kit.kit_id, record_id,
                                 row["version"], {"name": "Y Bưk Cũ", "birth_date": "1990-01-01", "sex": "F"})
        service.store.write(lambda conn: rows.update_record(conn, record_id, summary=sealed))
        session.lock()


def test_review_list_shows_id_number_and_duplicate_flag(qtbot, window, kit_dir):
    from fieldkit.enrolment.capture_meta import CaptureMetadata, DuplicateHit
    earlier = records_for_review(kit_dir, 1)[0]
    flagged = CaptureMetadata(duplicates=[DuplicateHit(earlier, "face", 0.9, 0.4, "")])
    searched = CaptureMetadata(duplicates=[])
    ids = records_for_review(kit_dir, 3, captures={0: flagged, 1: searched})
    _old_format_summary(kit_dir, ids[2])

    log_in(qtbot, window, "sup")
    window.show_page("review")
    page = window.review_list
    qtbot.waitUntil(lambda: len(page.rows) == 4, timeout=WAIT)
    by_id = {r.record_id: r for r in page.rows}
    assert by_id[ids[0]].possible_duplicate is True and by_id[ids[1]].possible_duplicate is False
    assert by_id[earlier].possible_duplicate is None                    # submitted without a search result
    assert by_id[ids[2]].personal_id == "" and by_id[ids[2]].possible_duplicate is None  # old summary loads
    assert all(len(by_id[i].personal_id) == 12 for i in (earlier, ids[0], ids[1]))  # CCCD numbers

    def cell(rid, column):
        row = [r.record_id for r in page.rows].index(rid)
        return page.table.item(row, COLUMNS.index(column)).text()

    assert cell(ids[0], "personal_id") == by_id[ids[0]].personal_id
    assert cell(ids[2], "personal_id") == "—" and cell(ids[2], "name") == "Y Bưk Cũ"
    flags = {cell(i, "duplicate") for i in (ids[0], ids[1], earlier)}
    assert len(flags) == 3 and cell(earlier, "duplicate") == "—"
    assert cell(ids[0], "duplicate") not in ("", "—", cell(ids[1], "duplicate"))
    headers = [page.table.horizontalHeaderItem(c).text() for c in range(page.table.columnCount())]
    assert len(headers) == len(COLUMNS) and all(headers)

    # Maximised at 1366×768 every column is visible without scrolling sideways.
    window.resize(1366, 700)
    qtbot.waitUntil(lambda: page.table.viewport().width() > 0, timeout=WAIT)
    header = page.table.horizontalHeader()
    assert header.length() <= page.table.viewport().width() + 1
    assert not page.table.horizontalScrollBar().isVisible()
    assert all(header.sectionSize(c) > 20 for c in range(len(COLUMNS)))
