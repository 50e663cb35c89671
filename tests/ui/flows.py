"""Steps a person takes in the UI, shared by the tests (mouse-free where the test says so)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.ui.conftest import PASS

WAIT = 30_000  # ms: generous for a loaded 2-core CI machine; waits end as soon as the condition holds


def log_in(qtbot, window, user: str) -> None:
    window.show_page("login")
    window.login.user.setText(user)
    window.login.passphrase.setText(PASS[user])
    window.login.submit()
    qtbot.waitUntil(lambda: window.ctx.kit_session is not None and window.current_key() == "home", timeout=WAIT)


def start_session(qtbot, window, province="Đắk Lắk", commune=None) -> None:
    from fieldkit.domain.units import find_province
    window.show_page("session")
    page = window.session_setup
    commune = commune or find_province(province).communes[0].name
    page.choose(province, commune)
    page.team.setText("Đội 1")
    page.village.setText("Buôn Ko Tam")
    page.start()
    assert window.ctx.work_session is not None, page.error.text()
    qtbot.waitUntil(lambda: window.current_key() == "home")


def finish_form(window) -> None:
    """Fields the card QR does not carry."""
    form = window.wizard.form
    for key, value in (("ethnicity", "Ê Đê"), ("religion", "Không"), ("nationality", "Việt Nam"),
                       ("birth_registration_province", "Đắk Lắk"), ("hometown", "Đắk Lắk"),
                       ("phone", "0912345678")):
        form.set_text(key, value)
    form._edited()


def type_into(widget, text: str) -> None:
    QTest.keyClicks(widget, text)


def key(widget, k=Qt.Key.Key_Return) -> None:
    QTest.keyClick(widget, k)


def records_for_review(data, count: int, captures: dict | None = None) -> list[str]:
    """`count` synthetic adults submitted for review by the officer (no photos or prints: list and detail tests);
    `captures` gives the capture metadata (fieldkit.enrolment.capture_meta.CaptureMetadata) of some of them by
    index. Record ids in order."""
    from drivers.qr.people import synthetic_person
    from fieldkit.domain.dates import PartialDate
    from fieldkit.domain.record import Demographics, EnrolmentRecord, Residence
    from fieldkit.enrolment.service import EnrolmentService

    ids = []
    with EnrolmentService(data) as service:
        session = service.unlock("off", PASS["off"])
        for n in range(count):
            p = synthetic_person(n + 1)
            record = EnrolmentRecord(demographics=Demographics(
                birth_name=p.full_name, personal_id=p.id_number,
                date_of_birth=PartialDate(p.birth_date.year, p.birth_date.month, p.birth_date.day),
                residence=Residence(province="Đắk Lắk", commune="Phường Buôn Ma Thuột")))
            ref = session.save_draft(record.to_dict(), capture=(captures or {}).get(n))
            session.submit_for_review(ref.record_id)
            ids.append(ref.record_id)
        session.lock()
    return ids
