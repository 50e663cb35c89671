"""The default camera (`camera:sim:studio`, default settings) lets auto-capture take an ICAO portrait quickly.

Found by the UI integration: the sitter sat so far away that the eyes were 56-82 px apart and the head filled a
third of the guide, so auto-capture with default settings never captured. The profile is calibrated for it.
"""

from __future__ import annotations

from drivers.registry import open_device
from fieldkit.quality.autocapture import AutoCapture

FRAME_BUDGET = 30  # one second of video at the profile's 30 fps


def test_default_studio_camera_auto_captures_a_passing_portrait():
    camera = open_device("camera:sim:studio")
    try:
        capture = AutoCapture()
        portrait = None
        for _ in range(FRAME_BUDGET):
            _live, portrait = capture.feed(camera.read_frame(timeout=30).image)
            if portrait is not None:
                break
    finally:
        camera.close()
    assert portrait is not None, "auto-capture did not capture within one second of frames"
    assert portrait.acceptable, [c.code for c in portrait.checks if not c.passed]
    assert portrait.source_inter_eye >= 90
