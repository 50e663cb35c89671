"""The wizard's "find in the database" step (issue 14): with an extract loaded the wizard starts there; a search
typed without diacritics finds the resident, choosing prefills the form, a field the citizen corrects is a
discrepancy in the saved record; "not found" is DC01; the VNeID request shows on the receipt. Without an
extract the wizard starts at the form and says the database was not searched (no dead end)."""

from __future__ import annotations

import pytest

from fieldkit.domain.dates import PartialDate
from fieldkit.domain.population import RegistryStatus
from fieldkit.domain.record import EnrolmentRecord
from fieldkit.population.resident import Resident
from fieldkit.population.store import ExtractStore
from fieldkit.security import keystore
from sync.hub.registry.extract import write_extract
from sync.hub.registry.store import RegistryStore
from tests.population.conftest import enrol_kit_at_hub, hub_service
from tests.ui.flows import WAIT, finish_form, log_in, start_session, type_into

FORM, FACE, FINGERS, REVIEW, SLIP, FIND = range(6)
COMMUNE = "23512"  # Xã Đăk Mar, Quảng Ngãi
PEOPLE = [
    Resident("R1", "Nguyễn Thị Hoà", "female", PartialDate(1975), "062175001234", ethnicity="Kinh",
             religion="Không", birth_registration_place="Kon Tum", hometown="Xã Đăk Mar, Quảng Ngãi",
             province="Quảng Ngãi", commune="Xã Đăk Mar", commune_code=COMMUNE, street="Thôn 3",
             household_id="HK-1", relation_to_head="chủ hộ", phone="0912345678"),
    Resident("R2", "Nguyễn Văn An", "male", PartialDate(1972, 5, 2), "062072001111", province="Quảng Ngãi",
             commune="Xã Đăk Mar", commune_code=COMMUNE, street="Thôn 3", household_id="HK-1",
             relation_to_head="chồng"),
]


@pytest.fixture
def extract_loaded(kit_dir, tmp_path):
    """The kit holds an extract of two residents of Xã Đăk Mar, sealed to it by a hub."""
    hub_dir = tmp_path / "hub"
    with RegistryStore(hub_dir) as store:
        store.load(PEOPLE, 0)
    enrol_kit_at_hub(hub_dir, kit_dir)
    service = hub_service(hub_dir)
    try:
        write_extract(service, hub_dir, [COMMUNE], keystore.kit_id(kit_dir), tmp_path / "ex.fkx")
    finally:
        service.storage.close()
    kit = keystore.unlock(kit_dir, "off", "officer-passphrase-1")
    try:
        ExtractStore(kit_dir, kit).load((tmp_path / "ex.fkx").read_bytes())
    finally:
        kit.lock()
    return kit_dir


def to_find(qtbot, window):
    log_in(qtbot, window, "off")
    qtbot.waitUntil(lambda: window.ctx.population is not None and len(window.ctx.population) == 2, timeout=WAIT)
    start_session(qtbot, window, "Quảng Ngãi", "Xã Đăk Mar")
    window.show_page("enrol")
    wiz = window.wizard
    assert wiz.current() == FIND and wiz.find.search is not None
    return wiz


@pytest.mark.slow
def test_find_choose_prefill_correct_and_the_saved_record_holds_the_discrepancy(qtbot, extract_loaded, window):
    wiz = to_find(qtbot, window)
    box = wiz.find.search.box
    box.setFocus()
    type_into(box, "nguyen thi hoa")                      # no diacritics typed
    qtbot.waitUntil(lambda: wiz.find.search.results.count() == 1, timeout=WAIT)
    assert "Nguyễn Thị Hoà" in wiz.find.search.results.item(0).text()
    qtbot.waitUntil(lambda: wiz.find.search.household.count() == 2, timeout=WAIT)   # the household, beside
    with qtbot.waitSignal(wiz.find.done, timeout=WAIT):
        wiz.find.search.choose.click()
    assert wiz.current() == FORM
    form = wiz.form
    assert (form.text("birth_name"), form.text("personal_id"), form.text("street")) == \
        ("Nguyễn Thị Hoà", "062175001234", "Thôn 3")
    assert wiz.controller.flow.seen == {"R1"}
    assert wiz.registry_note.text().endswith(": 0") and wiz.registry_note.isVisible()   # found, nothing to correct yet
    form.set_text("date_of_birth", "12/03/1975")          # the citizen's birth certificate gives the full date
    form.set_text("phone", "0987654321")                  # and a new phone
    form._edited()
    assert wiz.registry_note.text().endswith(": 2")       # the line above the pages follows the form
    with qtbot.waitSignal(wiz.controller.saved, timeout=WAIT):
        wiz.controller.save_now()
    view = window.ctx.kit_session.get_record(wiz.controller.record_id)
    record = EnrolmentRecord.from_dict(view.record)
    assert record.registry.status is RegistryStatus.FOUND and record.registry.resident_id == "R1"
    assert record.registry.extract_id is not None
    found = {d.field: (d.registry_value, d.observed_value) for d in record.discrepancies}
    assert found == {"date_of_birth": ("1975", "1975-03-12"), "phone": ("0912345678", "0987654321")}

    # The review (the CC01 receipt the citizen checks) shows the corrections and the VNeID request; the
    # officer names the document that proves the birth date.
    wiz.go(REVIEW)
    proof, note = wiz.review.corrections.proofs["date_of_birth"]
    assert set(wiz.review.corrections.proofs) == {"date_of_birth", "phone"} and wiz.review.corrections.isVisible()
    proof.setText("giấy khai sinh")
    proof.editingFinished.emit()
    with qtbot.waitSignal(wiz.controller.saved, timeout=WAIT):
        wiz.controller.save_now()
    saved = EnrolmentRecord.from_dict(window.ctx.kit_session.get_record(wiz.controller.record_id).record)
    assert {d.field: d.proof for d in saved.discrepancies}["date_of_birth"] == "giấy khai sinh"
    box = wiz.review.vneid
    box.setChecked(True)
    box.phone.setText("0212345678")                       # a landline: refused, on screen, not in the record
    box.consent.setChecked(True)
    assert wiz.controller.record.vneid is None and box.problem.text()
    box.phone.setText("0987654321")
    box.phone.editingFinished.emit()
    assert wiz.controller.record.vneid is not None and wiz.controller.record.vneid.consent_officer == "off"
    details = wiz.review.details.text()
    assert "0987654321" in details and "VNeID" in details and "1975-03-12" in details
    # Continued later (a draft from the home page): linked to the same resident again, still compared.
    record_id = wiz.controller.record_id
    with qtbot.waitSignal(wiz.controller.saved, timeout=WAIT):
        wiz.controller.save_now()
    wiz.begin(window.ctx.kit_session.get_record(record_id))
    assert wiz.current() == FORM and wiz.controller.flow.decision.resident.resident_id == "R1"
    assert {d.field for d in wiz.controller.flow.snapshot().record.discrepancies} == {"date_of_birth", "phone"}
    wiz.leave()
    window.ctx.log_out()
    assert window.ctx.population is None                  # the decrypted residents do not outlive the login


@pytest.mark.slow
def test_not_found_is_dc01_and_the_form_says_so(qtbot, extract_loaded, window):
    wiz = to_find(qtbot, window)
    type_into(wiz.find.search.box, "y blui")
    qtbot.waitUntil(lambda: wiz.find.search.status.text() != "" and "…" not in wiz.find.search.status.text(),
                    timeout=WAIT)
    assert wiz.find.search.results.count() == 0
    wiz.find.search.dc01.click()
    assert wiz.find.dc01_box.isVisible()
    wiz.find.dc01_inputs["place_of_birth"].setText("Kon Tum")
    wiz.find.dc01_inputs["reason"].setText("vùng trắng")
    with qtbot.waitSignal(wiz.find.done, timeout=WAIT):
        wiz.find.go_on.click()
    assert wiz.current() == FORM and "DC01" in wiz.registry_note.text()
    link = wiz.controller.flow.snapshot().record.registry
    assert link.not_in_database and link.commune_code == COMMUNE
    assert (link.dc01.place_of_birth, link.dc01.reason) == ("Kon Tum", "vùng trắng")
    wiz.leave()


@pytest.mark.slow
def test_without_an_extract_the_wizard_starts_at_the_form_and_says_so(qtbot, window):
    log_in(qtbot, window, "off")
    start_session(qtbot, window)
    window.show_page("enrol")
    wiz = window.wizard
    assert wiz.current() == FORM and wiz.registry_note.isVisible() and wiz.registry_note.text()
    wiz.back()                                            # the find step is still there: it says why it is empty
    assert wiz.current() == FIND and wiz.find.search is None and wiz.find.state.text()
    with qtbot.waitSignal(wiz.find.done, timeout=WAIT):
        wiz.find.skip.click()                             # no dead end
    assert wiz.current() == FORM
    assert wiz.form.apply_qr("062175001234||Nguyễn Thị Hoà|12031975|Nữ|Thôn 3, Xã Đăk Mar, Huyện Đăk Hà, Tỉnh Kon Tum|01012022")
    finish_form(window)
    wiz.next()
    assert wiz.current() == FACE
    wiz.leave()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_find_step_and_vneid_box_fit_1366x768(qtbot, extract_loaded, window, language):
    """With the search, the household list, the DC01 fields and the VNeID box all showing (the fullest state)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton

    from tests.ui.test_wizard_fits import HEIGHTS, SCREEN_W, on_screen
    usable_h = HEIGHTS[1]   # beside a desktop panel: the tighter case

    wiz = to_find(qtbot, window)
    if window.ctx.language != language:
        window.language_box.setCurrentIndex(window.language_box.findData(language))
        qtbot.waitUntil(lambda: window.ctx.language == language)
    window.resize(SCREEN_W, usable_h)
    qtbot.waitUntil(lambda: window.size().height() == usable_h)
    type_into(wiz.find.search.box, "nguyen")
    qtbot.waitUntil(lambda: wiz.find.search.household.count() == 2, timeout=WAIT)
    wiz.find.not_found("nguyen")                          # the DC01 fields open below the search
    assert wiz.find.dc01_box.isVisible()
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    page = wiz.find
    controls = [*page.findChildren(QPushButton), *page.findChildren(QLineEdit)]
    qtbot.waitUntil(lambda: all(on_screen(w, window) for w in controls if w.isVisibleTo(window)), timeout=5000)
    assert wiz.find.search.results.height() >= 80         # the results stay readable, not squeezed away
    wiz.go(REVIEW)
    wiz._saved(wiz.controller.record_id, 12)              # the bar's fullest state: the DC01 line and "saved"
    assert "DC01" in wiz.registry_note.text() and wiz.registry_note.isVisible()
    assert window.minimumSizeHint().width() <= SCREEN_W
    wiz.review.vneid.setChecked(True)
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    for widget in (wiz.review.confirm, wiz.review.submit_button, wiz.back_button, wiz.new_button,
                   wiz.discard_button, wiz.registry_note, wiz.saved_label):
        qtbot.waitUntil(lambda w=widget: on_screen(w, window), timeout=5000)
    wiz.leave()


@pytest.mark.slow
def test_an_extract_that_does_not_open_is_said_and_the_officer_goes_on(qtbot, extract_loaded, window):
    data = next((extract_loaded / "population").glob("*.data"))
    raw = bytearray(data.read_bytes())
    raw[len(raw) // 2] ^= 0xFF                            # damaged on disk
    data.write_bytes(bytes(raw))
    log_in(qtbot, window, "off")
    qtbot.waitUntil(lambda: window.ctx.population_failed, timeout=WAIT)
    start_session(qtbot, window, "Quảng Ngãi", "Xã Đăk Mar")
    window.show_page("enrol")
    wiz = window.wizard
    assert wiz.current() == FIND and wiz.find.search is None
    assert wiz.find.state.isVisible() and wiz.find.state.text() and "Traceback" not in wiz.find.state.text()
    with qtbot.waitSignal(wiz.find.done, timeout=WAIT):
        wiz.find.skip.click()
    assert wiz.current() == FORM
    wiz.leave()
