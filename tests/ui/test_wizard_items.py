"""Issue 13 items inside the wizard pages: 3 (an unplugged camera during the face step), the form's errors
(7, 14: translated, shown when leaving a field, not on a blank form), 11 (the appointment slip) and 14 (face
quality on 0–100, covered eyes, an infant's review, a poor print kept only after the retries)."""

from __future__ import annotations

import pytest

from tests.ui.conftest import TEST_DEVICES
from tests.ui.flows import WAIT, log_in, start_session
from tests.ui.test_wizard_citizens import FACE, FORM, to_face


@pytest.mark.slow
def test_unplugging_the_camera_during_the_face_step_shows_the_alert_not_a_frozen_frame(qtbot, window):
    from fieldkit.ui.devices import simulator_of
    from fieldkit.ui.messages import device_health_message
    log_in(qtbot, window, "off")
    start_session(qtbot, window)
    wiz = to_face(qtbot, window)
    face, devices, spec = wiz.face, window.ctx.devices, TEST_DEVICES["camera"]
    assert wiz.current() == FACE and face.alert.isHidden()
    camera = devices.get(spec)
    with qtbot.waitSignal(face.alert.live_changed, timeout=WAIT, check_params_cb=lambda live: not live):
        simulator_of(camera).faults.set(unplugged=True)
    unplugged = device_health_message("disconnected")
    assert face.alert.isVisible() and face.alert.text() == unplugged
    assert face.view._image is None and face.view.guidance() == ""   # no last frame, no old advice
    assert face.view._message == unplugged
    window.language_box.setCurrentIndex(window.language_box.findData("en"))   # re-worded in the other language
    english = "The camera is unplugged or lost power. Plug it in again; the kit reconnects by itself."
    qtbot.waitUntil(lambda: face.alert.text() == english and face.view._message == english, timeout=WAIT)
    shown = face.view.frames_shown
    with qtbot.waitSignal(face.alert.live_changed, timeout=WAIT, check_params_cb=lambda live: live):
        simulator_of(camera).faults.set(unplugged=False)
    assert face.alert.isHidden() and face.view._message == ""
    qtbot.waitUntil(lambda: face.view.frames_shown > shown, timeout=WAIT)   # the live picture is back
    wiz.leave()


def set_language(qtbot, window, language: str) -> None:
    window.language_box.setCurrentIndex(window.language_box.findData(language))
    qtbot.waitUntil(lambda: window.ctx.language == language)


def leave_field(qtbot, window, widget, then) -> None:
    """Put the cursor in `widget`, then move it to `then` (the officer tabbing on)."""
    from PySide6.QtWidgets import QApplication
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    widget.setFocus()
    qtbot.waitUntil(lambda: widget.hasFocus() or widget.isAncestorOf(QApplication.focusWidget()))
    then.setFocus()
    qtbot.waitUntil(lambda: then.hasFocus() or then.isAncestorOf(QApplication.focusWidget()))


def shown_issues(form) -> dict[str, str]:
    return {key: label.text() for key, label in form.issue_labels.items() if label.isVisibleTo(form)}


@pytest.mark.slow
def test_form_errors_show_when_a_field_is_left_in_the_language_on_screen(qtbot, window):
    from tests.ui.test_vietnamese_text import english_or_raw
    log_in(qtbot, window, "off")
    start_session(qtbot, window)
    window.show_page("enrol")
    wiz, form = window.wizard, window.wizard.form
    assert shown_issues(form) == {} and form.general_issues.text() == ""   # blank form: no ⛔ before typing
    assert form.controller.form_errors()                                    # (the errors exist, unshown)
    assert form.qr_status.text() == ""

    leave_field(qtbot, window, form.inputs["birth_name"], form.inputs["other_names"])
    assert list(shown_issues(form)) == ["birth_name"] and "⛔" in shown_issues(form)["birth_name"]

    form.inputs["date_of_birth"].setText("31/02/1976")
    assert "date_of_birth" not in shown_issues(form)                       # still typing in it
    leave_field(qtbot, window, form.inputs["date_of_birth"], form.inputs["sex"])
    vi = shown_issues(form)["date_of_birth"]
    assert vi == "⛔ Ngày sinh không có thật: 31/02/1976" and not english_or_raw(vi)
    set_language(qtbot, window, "en")
    qtbot.waitUntil(lambda: shown_issues(form).get("date_of_birth", "").startswith("⛔ The date of birth"))
    assert "Ngày" not in shown_issues(form)["date_of_birth"]

    form.paste.setText("not|a card")
    form.paste_button.click()
    en = form.qr_status.text()
    assert en.startswith("This is not an ID card QR") and "Ngày" not in en and not any(
        c in en for c in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
    set_language(qtbot, window, "vi")
    qtbot.waitUntil(lambda: form.qr_status.text() != en)
    assert not english_or_raw(form.qr_status.text()), form.qr_status.text()
    assert "Ngày sinh không có thật" in shown_issues(form)["date_of_birth"]

    wiz.next()                                                              # Next shows every problem
    assert wiz.current() == FORM and {"birth_name", "date_of_birth", "sex", "ethnicity"} <= set(shown_issues(form))


@pytest.mark.slow
def test_filled_from_the_card_only_when_the_card_was_read(qtbot, window):
    from tests.ui.flows import finish_form
    from tests.ui.test_enrolment_flow import adult_person
    log_in(qtbot, window, "off")
    start_session(qtbot, window)
    window.show_page("enrol")
    wiz, form = window.wizard, window.wizard.form
    for key, value in (("birth_name", "Y Bưk Niê"), ("date_of_birth", "01/02/2024"), ("province", "Đắk Lắk")):
        form.set_text(key, value)
    finish_form(window)
    assert form.qr_status.text() == ""                                     # typed by hand: no card note
    wiz.new_button.click()
    assert form.apply_qr(adult_person().card_qr())
    note = form.qr_status.text()
    assert note.startswith("Đã điền từ thẻ")
    card_fields = {"birth_name", "personal_id", "cmnd", "date_of_birth", "sex", "province", "commune", "street"}
    assert set(shown_issues(form)) <= card_fields                           # only what the card filled shows
    assert form.field_issues(form.controller.issues)[0]["ethnicity"] and form.inputs["ethnicity"].hasFocus()
    wiz.new_button.click()
    assert form.qr_status.text() == "" and shown_issues(form) == {}
    wiz.leave()


def print_slip_to_pdf(slip, path):
    """The test's printer: a QPrinter writing a PDF into the test's tmp folder (the app's own dialog offers
    printers only); returns the drawn blocks and the PDF's text as read back by QtPdf."""
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPrintSupport import QPrinter
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    drawn = slip.print_to(printer)
    doc = QPdfDocument()
    doc.load(str(path))
    text = "\n".join(doc.getAllText(i).text() for i in range(doc.pageCount()))
    page = (printer.width(), printer.height())
    doc.close()
    return drawn, text, page


def test_slip_has_the_whole_address_id_unit_officer_and_signature_lines(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtCore import QRectF
    from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog

    from fieldkit.domain.dates import PartialDate
    from fieldkit.domain.record import Demographics, EnrolmentRecord, Residence
    from fieldkit.ui.pages.enrolment.slip import SlipPage, issuing_unit_for, slip_for

    street = "Thôn 3, Buôn Ko Tam, số nhà 125 đường Nguyễn Tất Thành, tổ dân phố 12, khối 4, gần chợ trung tâm"
    record = EnrolmentRecord(demographics=Demographics(
        birth_name="Nguyễn Thị Hồng Nhung", personal_id="066190001234", date_of_birth=PartialDate(1990, 5, 17),
        residence=Residence(province="Đắk Lắk", commune="Phường Buôn Ma Thuột", street=street)))
    info = slip_for(record, "off")
    assert info.issuing_unit == "Công an phường Buôn Ma Thuột" == issuing_unit_for("", "Phường Buôn Ma Thuột")
    assert slip_for(record, "off", "Công an xã Ea Tu").issuing_unit == "Công an xã Ea Tu"   # the setting wins
    page = SlipPage(window.wizard.controller, window.ctx)
    qtbot.addWidget(page)
    page.info = info
    drawn, text, (width, height) = print_slip_to_pdf(page, tmp_path / "printed.pdf")
    sheet = QRectF(0, 0, width, height)
    assert all(sheet.contains(rect) for _t, rect in drawn), [(t, rect) for t, rect in drawn if not sheet.contains(rect)]
    blocks = "\n".join(t for t, _rect in drawn)
    full_address = f"{street}, Phường Buôn Ma Thuột, Đắk Lắk"
    assert full_address in blocks                                   # the whole address, wrapped, not cut
    address_rect = next(rect for t, rect in drawn if full_address in t)
    assert address_rect.height() > 2 * next(rect for t, rect in drawn if "Nguyễn Thị Hồng Nhung" in t).height()
    for expected in ("066190001234", "CÔNG AN PHƯỜNG BUÔN MA THUỘT", "Cán bộ tiếp nhận (tài khoản trên máy): off",
                     "Người nộp hồ sơ", "(Ký, ghi rõ họ tên)"):
        assert expected in blocks, expected
    flat = " ".join(text.split())
    for expected in ("066190001234", "Nguyễn Tất Thành", "gần chợ trung tâm", "Ký, ghi rõ họ tên"):
        assert expected in flat, (expected, flat[:400])   # really on the printed page

    # The app's own print dialog: printers only, no "print to file"; nothing is written when it is cancelled.
    seen = []

    def fake_exec(dialog):
        seen.append(dialog.testOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile))
        return QPrintDialog.DialogCode.Rejected
    monkeypatch.setattr(QPrintDialog, "exec", fake_exec)
    monkeypatch.chdir(tmp_path)
    before = set(tmp_path.iterdir())
    page.print_dialog()
    assert seen == [False] and set(tmp_path.iterdir()) == before
    assert not [b for b in page.findChildren(type(page.print_button)) if "PDF" in b.text()]


@pytest.mark.slow
def test_a_print_of_quality_25_is_not_kept_after_one_try(qtbot, window):
    from fieldkit.enrolment.prints import Attempt
    from tests.ui.test_enrolment_flow import adult_person
    from tests.ui.test_wizard_citizens import FINGERS
    log_in(qtbot, window, "off")
    start_session(qtbot, window)
    window.show_page("enrol")
    wiz = window.wizard
    assert wiz.form.apply_qr(adult_person().card_qr())
    wiz.go(FINGERS)
    fingers, flow = wiz.fingers, wiz.controller.flow
    step = fingers.step
    import numpy as np
    image = np.full((64, 64), 180, np.uint8)            # a pale smudge of a print
    poor = Attempt(score=25, reasons=[], blobs={}, preview=image, minimum=40)
    fingers._assessed(step, poor)                        # what a scan of quality 25 hands the page
    assert fingers.step == step and len(fingers.attempts) == 1
    assert not fingers.keep_button.isEnabled()
    fingers.keep_best()                                  # Enter on the button, or a stray call: still refused
    assert fingers.step == step and len(fingers.attempts) == 1 and "2" in fingers.feedback.text()
    fingers._assessed(step, poor)
    assert fingers.step == step and not fingers.keep_button.isEnabled()
    fingers._assessed(step, Attempt(score=31, reasons=[], blobs={}, preview=image, minimum=40))   # the last try: the best is kept
    assert fingers.step != step and flow.record.captures.slaps[step].quality == 31
    wiz.leave()


@pytest.mark.slow
def test_an_infants_review_says_no_prints_under_6(qtbot, window):
    from datetime import date

    from tests.ui.test_wizard_citizens import REVIEW
    log_in(qtbot, window, "off")
    start_session(qtbot, window)
    window.show_page("enrol")
    wiz, form = window.wizard, window.wizard.form
    born = date.today().replace(year=date.today().year - 2, day=1)
    form.set_text("birth_name", "Y Bưk Niê")
    form.set_text("date_of_birth", f"{born:%d/%m/%Y}")
    wiz.go(REVIEW)
    text = wiz.review.details.text()
    assert "6" in text and "of 10" not in text and "/10" not in text and "0 trên 10" not in text, text
    set_language(qtbot, window, "en")
    qtbot.waitUntil(lambda: "under 6" in wiz.review.details.text())
    wiz.leave()


@pytest.mark.slow
def test_face_quality_reads_on_the_0_to_100_scale(qtbot, window):
    import re

    from fieldkit.ui.pages.review.detail import face_quality_text
    from tests.ui.test_wizard_citizens import REVIEW
    log_in(qtbot, window, "off")
    start_session(qtbot, window)
    wiz = to_face(qtbot, window)
    qtbot.waitUntil(lambda: wiz.controller.record.captures.face.image_ref is not None, timeout=60_000)
    quality = wiz.controller.record.captures.face.quality
    assert 0 <= quality <= 100
    assert re.search(r"\b\d{1,3} / 100\b", wiz.face.status.text()), wiz.face.status.text()
    wiz.go(REVIEW)
    assert f"{quality:.0f} / 100" in wiz.review.details.text()
    assert face_quality_text(87.5) == "88 / 100" and face_quality_text(None) == "—"
    wiz.leave()


@pytest.mark.slow
def test_a_camera_unplugged_before_the_face_step_is_reported_on_entering_it(qtbot, window):
    from fieldkit.ui.devices import simulator_of
    from fieldkit.ui.messages import device_health_message
    from tests.ui.test_wizard_citizens import FORM
    log_in(qtbot, window, "off")
    start_session(qtbot, window)
    wiz = to_face(qtbot, window)
    devices, spec = window.ctx.devices, TEST_DEVICES["camera"]
    wiz.go(FORM)                                        # the officer went back to the form (preview stopped)
    simulator_of(devices.get(spec)).faults.set(unplugged=True)
    wiz.go(FACE)                                        # the stream starts again and finds no camera
    qtbot.waitUntil(lambda: wiz.face.alert.isVisible(), timeout=WAIT)
    assert wiz.face.view._image is None and wiz.face.view._message == device_health_message("disconnected")
    simulator_of(devices.get(spec)).faults.set(unplugged=False)
    qtbot.waitUntil(lambda: wiz.face.alert.isHidden(), timeout=WAIT)
    wiz.leave()


def test_a_failed_save_or_blocked_submit_is_one_vietnamese_sentence(qtbot, window):
    from tests.ui.test_vietnamese_text import english_or_raw
    wiz = window.wizard
    wiz.controller._save_failed(OSError(28, "No space left on device", "/var/lib/fieldkit/records.sqlite3"))
    text = wiz.message.text()
    assert text and not english_or_raw(text) and "/var/lib" not in text and "Errno" not in text, text
    wiz.controller.submit()                               # an empty record cannot be submitted: say why in words
    text = wiz.message.text()
    assert "⛔" in text and not english_or_raw(text), text
    assert "required" not in text and "dob." not in text                     # no validation codes
