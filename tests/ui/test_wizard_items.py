"""Issue 13 items inside the wizard pages: 3 (an unplugged camera during the face step), the form's errors
(7, 14: translated, shown when leaving a field, not on a blank form), 11 (the appointment slip) and 14 (face
quality on 0–100, covered eyes, an infant's review, a poor print kept only after the retries)."""

from __future__ import annotations

import pytest

from tests.ui.conftest import TEST_DEVICES
from tests.ui.flows import WAIT, log_in, start_session
from tests.ui.test_wizard_citizens import FACE, to_face


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
