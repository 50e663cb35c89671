"""Issue 13 item 7: the Vietnamese UI shows no English sentences and no raw technical text (device specs, paths,
exception class names, errno, a hint printed twice, UTC ISO times), whatever fails: device faults, sync
failures, invalid input. Qt's own dialog buttons are Vietnamese too."""

from __future__ import annotations

import re

import pytest

from tests.ui.flows import WAIT, log_in

# English words that are not also Vietnamese written without diacritics ("to", "an", "no", "in" are).
STOPWORDS = {"the", "is", "not", "of", "and", "was", "did", "has", "for", "with", "it", "be", "at", "or", "could",
             "does", "this", "that", "fields", "refused", "by", "from", "your", "are"}
CLASS_NAME = re.compile(r"\b[A-Z][A-Za-z]+(Error|Exception|Refused|Unreachable|NotFound|Disconnected|Timeout|"
                        r"Denied|Busy|Rejected)\b")
RAW = re.compile(r"Errno|Traceback|/dev/|:sim:|\?transport=|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def english_or_raw(text: str) -> list[str]:
    """Lines of `text` that read as English (3+ plain-ASCII words in a row, one an English stopword) or raw
    technical text."""
    bad = [line.strip() for line in text.splitlines() if CLASS_NAME.search(line) or RAW.search(line)]
    for line in re.split(r"[\n.;:!?]", text):
        run = []
        for word in re.findall(r"[^\s,()«»\"'“”]+", line):
            if re.fullmatch(r"[A-Za-z]+", word):
                run.append(word.lower())
                if len(run) >= 3 and STOPWORDS & set(run):
                    bad.append(line.strip())
                    break
            else:
                run = []
    return bad


def test_the_checker_catches_what_issue_13_saw():
    for seen in ("slap:sim:normal: RIGHT_FOUR slap: the scanner did not settle", "31/02/1976 does not exist",
                 "a card QR has at least 6 fields separated by '|'", "ConnectError: [Errno 111] Connection refused",
                 "Lần đồng bộ cuối: 2026-12-04T22:30:00Z"):
        assert english_or_raw(seen), seen
    assert not english_or_raw("Không tìm thấy thiết bị. Thiết bị đã cắm và bật chưa?")


def failures():
    """One exception of each kind the UI shows, with the raw text issue 13 found on screen."""
    import httpx

    from drivers import errors as e
    from fieldkit.domain.card_qr import QrParseError, parse_card_qr
    from fieldkit.domain.dates import DateFormatError, PartialDate
    from sync.client.transport import HubRefused, HubUnreachable

    out = [e.DeviceNotFound("no such port /dev/ttyUSB9", spec="fingerprint:serial:/dev/ttyUSB9"),
           e.CaptureRejected("RIGHT_FOUR slap: the scanner did not settle within 10 s", spec="slap:sim:normal"),
           e.DeviceDisconnected("camera unplugged", spec="camera:sim:studio"),
           e.DeviceTimeout("no answer", spec="fingerprint:sim:instant"), e.DeviceAccessDenied("wrong password"),
           e.ProtocolError("bad checksum"), e.DeviceBusy("port busy"), e.SpecError("bad spec"),
           HubUnreachable("ConnectError: [Errno 111] Connection refused"),
           HubRefused(403, "kit_unknown", "kit not provisioned", {}),
           httpx.ConnectError("[Errno 111] Connection refused"), ConnectionRefusedError(111, "Connection refused"),
           RuntimeError("something odd in module x")]
    for bad in (lambda: parse_card_qr("just some text"), lambda: parse_card_qr("001090012345||Lê Văn Tám|31021990|Nam|Hà Nội"),
                lambda: PartialDate(1976, 2, 31)):
        try:
            bad()
        except (QrParseError, DateFormatError) as exc:
            out.append(exc)
    return out


@pytest.mark.parametrize("lang", ("vi", "en"))
def test_every_failure_reads_as_one_sentence_in_the_language(qtbot, window, lang):
    from fieldkit.ui.messages import user_message
    window.language_requested.emit(lang)
    for exc in failures():
        text = user_message(exc)
        assert text and type(exc).__name__ not in text and "Errno" not in text and ":sim:" not in text, text
        if lang == "vi":
            assert not english_or_raw(text), (type(exc).__name__, text)
        hint = getattr(exc, "hint", None)
        assert not hint or text.count(hint) <= 1 and (lang == "en" or hint not in text)   # never twice


def test_domain_input_errors_follow_the_language():
    from fieldkit.domain.dates import DateFormatError, PartialDate
    from fieldkit.domain.messages import localized, render
    with pytest.raises(DateFormatError) as caught:
        PartialDate(1976, 2, 31)
    vi = render("dob.impossible", {"detail": localized(caught.value, "vi")}, "vi")
    en = render("dob.impossible", {"detail": localized(caught.value, "en")}, "en")
    assert vi == "Ngày sinh không có thật: 31/02/1976" and not english_or_raw(vi)
    assert en.startswith("The date of birth does not exist") and "Ngày" not in en


def test_sync_status_words_and_times_are_local():
    from fieldkit.ui.messages import local_time, sync_error_text, sync_state_name
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", local_time("2026-12-04T22:30:00Z"))
    assert local_time(None) == "—"
    assert sync_state_name("offline") != "offline"
    assert sync_error_text("ConnectError: [Errno 111] Connection refused") != ""


def visible_texts(window) -> list[tuple[str, str]]:
    """(widget, text) of everything a person reads on the current page (the lab's byte log, spec box and "open:
    <spec>" line excepted: they show the technician the device spec by design)."""
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QGroupBox, QLabel, QLineEdit, QTableWidget
    out = []
    for w in window.findChildren(QLabel) + window.findChildren(QAbstractButton) + window.findChildren(QGroupBox):
        if w.isVisible():
            out.append((w.objectName(), w.text() if not isinstance(w, QGroupBox) else w.title()))
    for w in window.findChildren(QLineEdit):
        if w.isVisible():
            out.append((w.objectName(), w.placeholderText()))
    for w in window.findChildren(QTableWidget):
        if w.isVisible():
            out += [(w.objectName(), w.horizontalHeaderItem(c).text()) for c in range(w.columnCount())
                    if w.horizontalHeaderItem(c)]
    for w in window.findChildren(QComboBox):
        if w.isVisible() and w.objectName() not in ("labSpec",) and w is not window.language_box:
            out += [(w.objectName(), w.itemText(i)) for i in range(w.count())]
    return [(name, text) for name, text in out if text and name not in ("brand", "labState")]


def assert_vietnamese(window):
    bad = [(name, line) for name, text in visible_texts(window) for line in english_or_raw(text)]
    assert not bad, bad


def test_vietnamese_pages_after_device_faults_and_bad_input_show_no_english(qtbot, window, kit_dir):
    from tests.ui.conftest import store_test_hub_keys
    from tests.ui.flows import records_for_review
    store_test_hub_keys(kit_dir)
    records_for_review(kit_dir, 2)

    window.login.user.setText("nobody")
    window.login.passphrase.setText("wrong")
    window.login.submit()
    qtbot.waitUntil(lambda: window.login.button.isEnabled(), timeout=WAIT)
    assert_vietnamese(window)

    log_in(qtbot, window, "sup")
    assert_vietnamese(window)
    window.show_page("session")
    window.session_setup.start()      # nothing chosen: an error, in Vietnamese
    assert window.session_setup.error.text()
    assert_vietnamese(window)
    window.show_page("review")
    qtbot.waitUntil(lambda: len(window.review_list.rows) == 2, timeout=WAIT)
    assert_vietnamese(window)
    with qtbot.waitSignal(window.review_detail.viewed, timeout=WAIT):
        window.open_record(window.review_list.rows[0].record_id)
    window.review_detail.return_button.click()    # no reason typed
    assert window.review_detail.status.text()
    assert_vietnamese(window)

    window.lock()
    log_in(qtbot, window, "tech")
    window.show_page("lab")
    lab = window.lab
    lab.spec_box.setCurrentText("fingerprint:serial:/dev/ttyFIELDKIT-NONE")
    lab.open_device()
    qtbot.waitUntil(lambda: lab.error.isVisible(), timeout=WAIT)
    assert_vietnamese(window)
    lab.spec_box.setCurrentText("fingerprint:sim:instant?transport=memory&images=placeholder")
    lab.open_device()
    qtbot.waitUntil(lambda: lab.device is not None, timeout=WAIT)
    for fault in ("timeout", "checksum", "password"):
        lab.fault_checks[fault].setChecked(True)
        lab.test_capture()
        qtbot.waitUntil(lambda: lab.test_button.isEnabled(), timeout=WAIT)
        assert_vietnamese(window)
        lab.fault_checks[fault].setChecked(False)
    lab.close_device()


def test_qt_dialog_buttons_are_vietnamese(qtbot, window):
    from PySide6.QtWidgets import QMessageBox
    box = QMessageBox(QMessageBox.Icon.Question, "x", "y",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, window)
    texts = {box.button(b).text().replace("&", "") for b in (QMessageBox.StandardButton.Yes,
                                                              QMessageBox.StandardButton.No)}
    assert texts == {"Có", "Không"}
    box.deleteLater()
