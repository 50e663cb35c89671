"""Issue 13 items 3, 12 (greyed-out enrolment says why), 13 and the home page's counts and device state.

Item 3: an unplugged camera is reported (DeviceManager.health_changed + a Vietnamese message) instead of a frozen
last frame. Item 13: a failed Open is shown above the picture, each test starts from a blank result and image,
and the "password" fault has a visible effect at once.
"""

from __future__ import annotations

from tests.ui.conftest import TEST_DEVICES
from tests.ui.flows import WAIT, log_in, records_for_review, start_session

FINGERPRINT = "fingerprint:sim:instant?transport=memory&images=placeholder"


def test_unplugged_camera_is_reported_while_streaming(qtbot, window):
    from fieldkit.ui.devices import simulator_of
    from fieldkit.ui.messages import device_health_message
    devices, spec = window.ctx.devices, TEST_DEVICES["camera"]
    from fieldkit.ui.widgets.device_alert import DeviceAlert
    alert = DeviceAlert(devices, spec)   # what the face step places above its preview
    qtbot.addWidget(alert)
    assert alert.isHidden() and alert.live
    opened = []
    devices.open(spec, on_ready=opened.append)
    qtbot.waitUntil(lambda: bool(opened), timeout=WAIT)
    camera = opened[0]
    frames = []
    camera.start_stream(frames.append, fps=15)
    qtbot.waitUntil(lambda: bool(frames), timeout=WAIT)
    try:
        with qtbot.waitSignal(devices.health_changed, timeout=WAIT,
                              check_params_cb=lambda s, state: s == spec and state == "disconnected"):
            simulator_of(camera).faults.set(unplugged=True)
        message = device_health_message("disconnected")
        assert message and devices.health[spec] == "disconnected"
        assert not alert.isHidden() and alert.text() == message and not alert.live
        window.show_page("home")   # the home page's device line says so too (after log-in it is visible)
        assert "⚠" in window.home.device_label.text()
        with qtbot.waitSignal(devices.health_changed, timeout=WAIT,
                              check_params_cb=lambda s, state: s == spec and state == "ok"):
            simulator_of(camera).faults.set(unplugged=False)
        assert alert.isHidden() and alert.live
    finally:
        camera.stop_stream()


def test_home_counts_devices_and_why_enrolment_is_greyed_out(qtbot, window, kit_dir):
    records_for_review(kit_dir, 3)
    log_in(qtbot, window, "sup")
    home = window.home
    assert not home.buttons["enrol"].isEnabled() and home.enrol_hint.isVisible() and home.enrol_hint.text()
    qtbot.waitUntil(lambda: home.counts is not None and home.counts.pending == 3, timeout=WAIT)
    assert home.count_values["pending"].text() == "3" and home.count_values["drafts"].text() == "0"
    home.check_devices()
    qtbot.waitUntil(lambda: all(window.ctx.devices.is_open(getattr(window.ctx.settings, k))
                                for k in ("camera", "fingerprint", "slap_scanner", "qr_reader")), timeout=WAIT)
    assert home.device_label.text().count("✓") == 4
    start_session(qtbot, window)
    assert home.buttons["enrol"].isEnabled() and not home.enrol_hint.isVisible()


def test_lab_failed_open_is_prominent_and_each_test_starts_clean(qtbot, window):
    log_in(qtbot, window, "tech")
    window.show_page("lab")
    lab = window.lab
    lab.spec_box.setCurrentText("fingerprint:serial:/dev/ttyFIELDKIT-NONE")
    lab.open_device()
    qtbot.waitUntil(lambda: lab.error.isVisible(), timeout=WAIT)
    assert lab.error.text() and lab.device is None

    lab.spec_box.setCurrentText(FINGERPRINT)
    lab.open_device()
    qtbot.waitUntil(lambda: lab.device is not None, timeout=WAIT)
    assert not lab.error.isVisible()                      # a good Open clears the old error
    lab.test_capture()
    qtbot.waitUntil(lambda: lab.test_button.isEnabled() and lab.last_image is not None, timeout=WAIT)
    first_result = lab.result.text()

    lab.fault_checks["timeout"].setChecked(True)
    lab.test_capture()
    assert lab.last_image is None and lab.result.text() != first_result   # reset as the test starts
    qtbot.waitUntil(lambda: lab.test_button.isEnabled(), timeout=WAIT)
    assert lab.last_image is None and lab.view._image is None and lab.result.text() != first_result
    lab.fault_checks["timeout"].setChecked(False)

    lab.fault_checks["password"].setChecked(True)         # visible at once: the kit re-checks the password
    qtbot.waitUntil(lambda: lab.error.isVisible(), timeout=WAIT)
    lab.fault_checks["password"].setChecked(False)
    lab.close_device()


def test_lab_fault_names_are_words_not_identifiers(qtbot, window):
    from fieldkit.ui.pages.lab.lab import CAMERA_FAULTS, SERIAL_FAULTS
    texts = {name: box.text() for name, box in window.lab.fault_checks.items()}
    assert set(texts) == set(SERIAL_FAULTS + CAMERA_FAULTS)
    assert all(text and text != name for name, text in texts.items())
