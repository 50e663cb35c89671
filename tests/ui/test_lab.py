"""Technician lab: a test capture on the fingerprint simulator with real synthetic prints; the result line
follows a language switch."""

from __future__ import annotations

import numpy as np

from tests.ui.flows import WAIT, log_in

SYNTHETIC = "fingerprint:sim:instant?transport=memory"   # no images=placeholder: the synthetic print generator


def test_lab_capture_shows_a_synthetic_print_and_retranslates(qtbot, window):
    from drivers.fingerprint.images import placeholder_print

    log_in(qtbot, window, "tech")
    window.show_page("lab")
    lab = window.lab
    assert window.current_key() == "lab"
    lab.spec_box.setCurrentText(SYNTHETIC)
    lab.open_device()
    qtbot.waitUntil(lambda: lab.device is not None, timeout=WAIT)
    lab.test_capture()
    qtbot.waitUntil(lambda: lab.test_button.isEnabled() and lab.last_image is not None, timeout=WAIT)
    image = lab.last_image
    placeholder = placeholder_print("lab-sample", 2, size=image.shape)
    assert image.dtype == np.uint8 and not np.array_equal(image, placeholder)
    assert "ms" in lab.result.text() and "Captured" not in lab.result.text()   # Vietnamese first

    window.language_requested.emit("en")
    qtbot.waitUntil(lambda: lab.result.text().startswith("Captured"))
    window.language_requested.emit("vi")
    qtbot.waitUntil(lambda: not lab.result.text().startswith("Captured"))
