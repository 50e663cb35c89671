"""Issue 13 item 12: the work session survives a restart of the app (encrypted on disk), a pre-2025 province name
finds the province it is part of now with a hint, and a corrected place clears the old error."""

from __future__ import annotations

from tests.ui.flows import WAIT, log_in, start_session


def test_work_session_is_kept_across_a_restart_and_is_not_readable_on_disk(qtbot, qapp, window, kit_dir,
                                                                          ui_settings):
    from fieldkit.ui.app import build_main_window
    log_in(qtbot, window, "off")
    start_session(qtbot, window, province="Đắk Lắk")
    first = window.ctx.work_session
    window.shutdown()                                     # the app closes (or the laptop restarts)
    saved = (kit_dir / "work_session.bin").read_bytes()
    assert "Đội 1".encode() not in saved and b"Buon" not in saved and "Buôn".encode() not in saved

    again = build_main_window(qapp, kit_dir, ui_settings, "vi")
    qtbot.addWidget(again)
    again.show()
    try:
        assert again.ctx.work_session is None             # nothing readable before a log-in
        log_in(qtbot, again, "off")
        ws = again.ctx.work_session
        assert ws is not None and (ws.province, ws.commune, ws.team, ws.session_id) == \
            (first.province, first.commune, first.team, first.session_id)
        assert again.home.buttons["enrol"].isEnabled()
    finally:
        again.shutdown()


def test_old_province_name_finds_the_new_province_with_a_hint(qtbot, window):
    log_in(qtbot, window, "off")
    window.show_page("session")
    page = window.session_setup
    page.province.lineEdit().setText("kon tum")
    page.province.lineEdit().editingFinished.emit()
    qtbot.waitUntil(lambda: page.province.currentText() == "Quảng Ngãi", timeout=WAIT)
    assert "Kon Tum" in page.province_hint.text() and "Quảng Ngãi" in page.province_hint.text()


def test_place_error_goes_once_the_place_is_chosen(qtbot, window):
    from fieldkit.domain.units import find_province
    log_in(qtbot, window, "off")
    window.show_page("session")
    page = window.session_setup
    page.start()
    assert page.error.text()
    page.choose("Đắk Lắk", find_province("Đắk Lắk").communes[0].name)
    assert page.error.text() == ""


def test_lock_screen_says_it_locked_for_inactivity(qtbot, window):
    """Issue 13 item 14: the officer coming back sees why the kit asks for the passphrase again."""
    log_in(qtbot, window, "off")
    window.inactivity.set_interval_ms(50)
    window.inactivity.arm()
    qtbot.waitUntil(lambda: window.current_key() == "login", timeout=WAIT)
    assert window.ctx.kit_session is None
    minutes = f"{window.ctx.settings.inactivity_lock_minutes:g}"
    assert minutes in window.login.error.text()
    window.login.reset()
    log_in(qtbot, window, "off")
    window.lock()                                          # the Lock button: no inactivity message
    assert window.login.error.text() == ""
