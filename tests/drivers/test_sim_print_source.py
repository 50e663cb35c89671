"""Default simulated scanners hand out real synthetic prints (drivers.synthetic.fingerprints), not timeouts.

Found by the UI integration: the simulators called the image source with `seed_offset=`, which the synthetic
generator did not take, so rendering failed, the module kept answering "no finger" and a capture timed out.
The simulators now pass `impression=` (the generator's own name); these tests pin the whole default path.
`pacing=0` only drops the line timing, everything else is the default profile and image source.
"""

from __future__ import annotations

import numpy as np

from drivers.registry import open_device
from drivers.synthetic.fingerprints import synthesize_print
from fieldkit.domain.fingers import Finger, Slap

PERSON = "demo-s7-p3"


def test_default_fingerprint_module_capture_is_the_synthetic_print():
    scanner = open_device("fingerprint:sim:normal?pacing=0")
    try:
        scanner.simulator.present_finger(PERSON, int(Finger.RIGHT_INDEX))
        capture = scanner.capture_rolled(Finger.RIGHT_INDEX, timeout=30)
        impression = scanner.simulator.module.impression
    finally:
        scanner.close()
    expected = synthesize_print(PERSON, int(Finger.RIGHT_INDEX), impression=impression, size=(288, 256))
    assert capture.image.shape == (288, 256)
    # the module sends 4 bits a pixel: grey = nibble x 17
    assert np.array_equal(capture.image, (expected >> 4) * 17)


def test_default_slap_scanner_segments_are_synthetic_prints():
    scanner = open_device("slap:sim:normal?pacing=0")
    try:
        scanner.simulator.present_hand(PERSON)
        capture = scanner.capture_slap(Slap.TWO_THUMBS, timeout=30)
        impression = scanner.simulator.model.impression
    finally:
        scanner.close()
    for segment in capture.segments:
        assert segment.present and segment.image is not None
        x, y, w, h = segment.box
        expected = synthesize_print(PERSON, int(segment.finger), impression=impression, size=(h, w))
        top = slice(0, h // 4)  # above the lift-off fade the tip is the print itself
        assert np.array_equal(segment.image[top], np.minimum(segment.image[top], expected[top]))
        assert np.corrcoef(segment.image[top].ravel(), expected[top].ravel())[0, 1] > 0.9
