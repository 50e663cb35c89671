"""Live assessment (tracking, overlay, guidance) and auto-capture on sequences of real-face frames."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fieldkit.quality import defects
from fieldkit.quality.autocapture import AutoCapture, CaptureConfig
from fieldkit.quality.live import LiveAssessor, LiveConfig
from fieldkit.quality.portrait import EncodingError, encode_portrait
from fieldkit.quality.samples import camera_frames


@pytest.fixture(scope="module")
def clip():
    """24 landscape 640x480 frames of a real face swaying a little in front of a plain wall."""
    return camera_frames(24, (640, 480), seed=1)


def test_live_tracks_between_detections_and_judges_every_frame(clip):
    live = LiveAssessor(LiveConfig(redetect_every=8))
    results = [live.process(f) for f in clip]
    detected = [i for i, r in enumerate(results) if r.detected]
    assert detected == [0, 8, 16]  # the detector ran only on schedule: the other frames were tracked
    passed = sum(r.assessment.acceptable for r in results)
    assert passed >= 0.75 * len(clip), [c.code for r in results for c in r.assessment.failed]
    for r in results:
        assert len(r.assessment.checks) == 17 and r.elapsed_ms > 0


def test_overlay_geometry_is_on_the_face(clip):
    result = LiveAssessor().process(clip[0])
    overlay = result.overlay
    x, y, w, h = overlay.window
    assert (w, h) == (360, 480) and x == 140  # the centred 3:4 guide of a 640x480 frame
    left, top, right, bottom = overlay.face_box
    (lx, ly), (rx, ry) = overlay.eye_points
    assert left < lx < rx < right and top < ly < bottom
    assert abs((lx + rx) / 2 - 320) < 25  # the synthetic citizen stands in the middle


def test_guidance_follows_the_problem_and_the_track_recovers(clip):
    live = LiveAssessor()
    assert live.process(clip[0]).overlay.ok
    blurred = live.process(defects.blur(clip[1], 4))
    assert blurred.overlay.guidance_en.startswith("the photo is blurred")
    gone = live.process(defects.no_face(clip[2]))
    assert gone.detected and gone.assessment.face is None
    assert gone.overlay.guidance_vi.startswith("không thấy khuôn mặt")
    back = live.process(clip[3])
    assert back.detected and back.assessment.face is not None


def test_auto_capture_waits_for_good_frames_and_picks_one_of_them(clip):
    bad = [defects.blur(f, 4) for f in clip[:4]] + [defects.dark(f) for f in clip[4:6]]
    sequence = bad + list(clip[6:])
    capture = AutoCapture(CaptureConfig(consecutive=4))
    portrait, fed = None, 0
    for frame in sequence:
        _, portrait = capture.feed(frame)
        fed += 1
        if portrait is not None:
            break
    assert portrait is not None
    assert fed >= len(bad) + 4  # not before four good frames in a row
    assert len(bad) <= portrait.frame_index < fed
    assert portrait.format == "jp2" and portrait.size_bytes <= 20_000
    decoded = cv2.imdecode(np.frombuffer(portrait.data, np.uint8), cv2.IMREAD_COLOR)
    assert decoded.shape == (640, 480, 3)
    assert portrait.acceptable and portrait.inter_eye >= 90
    assert portrait.metadata()["checks"] and "data" not in portrait.metadata()


def test_a_bad_frame_restarts_the_count(clip):
    capture = AutoCapture(CaptureConfig(consecutive=3))
    frames = [clip[0], clip[1], defects.blur(clip[2], 4), clip[3], clip[4]]
    assert all(capture.feed(f)[1] is None for f in frames)  # never three good frames in a row


def test_jpeg_fallback_fits_the_budget_and_impossible_budgets_fail(good):
    encoded = encode_portrait(np.ascontiguousarray(good[0]), 20_000, fmt="jpeg")
    assert encoded.format == "jpeg" and len(encoded.data) <= 20_000 and encoded.psnr_db > 30
    with pytest.raises(EncodingError):
        encode_portrait(np.ascontiguousarray(good[0]), 300, fmt="jpeg")


def test_guide_height_sets_the_window_the_geometry_is_judged_in(clip):
    from fieldkit.quality.geometry import Window, portrait_window

    assert portrait_window((1280, 720), "camera", 0.5) == Window(505.0, 180.0, 270.0, 360.0)
    assert portrait_window((640, 480), "camera") == Window(140.0, 0.0, 360.0, 480.0)
    with pytest.raises(ValueError):
        portrait_window((640, 480), "camera", 0.0)
    # The clip's sitter fills a full-height guide; against a guide half as tall the head is too big.
    full = LiveAssessor(LiveConfig(guide_height=1.0)).process(clip[0]).assessment.check("head_size")
    half = LiveAssessor(LiveConfig(guide_height=0.5)).process(clip[0]).assessment.check("head_size")
    assert full.passed and not half.passed and half.reason_en == "move back"


def test_a_small_tracked_face_survives_scheduled_detections():
    # 1280x720, guide half the frame height: the face is ~150 px wide, ~37 px in a 320 px detection frame,
    # below what HOG finds. The detector must widen its view instead of losing the face every N frames.
    frames = camera_frames(13, (1280, 720), seed=2, guide_height=0.5)
    live = LiveAssessor(LiveConfig(redetect_every=4, guide_height=0.5))
    results = [live.process(f) for f in frames]
    assert all(r.assessment.face is not None for r in results[1:])  # found on the second, wider look
    assert [i for i, r in enumerate(results) if r.detected] == [0, 1, 5, 9]  # then on schedule, never lost
    # ~65 px between the eyes: the one thing to fix is the distance (or the camera's resolution)
    assert {c.code for r in results[1:] for c in r.assessment.failed} == {"inter_eye"}
    assert results[-1].overlay.guidance_vi == "lại gần hơn"


def test_covered_eyes_get_their_own_advice_and_the_track_is_confirmed_or_dropped():
    # Issue 13 item 14: with a bar over the eyes the detector finds no face and the landmark fit drifts
    # (eyes squeezed together -> "come closer"). The tracker must hold the face and say "uncover your eyes".
    from drivers.synthetic.face_scenes import Scene, SceneRenderer

    renderer, live = SceneRenderer(seed=0), LiveAssessor(LiveConfig(redetect_every=4))
    plain, covered = Scene(distance=0.7, sway=2), Scene(distance=0.7, sway=2, occlusion="eyes")
    script = [plain] * 6 + [covered] * 10 + [plain] * 4 + [Scene(sitter=None)] * 6
    results = [live.process(renderer.frame(scene, 640, 480, i)) for i, scene in enumerate(script)]
    assert all(r.assessment.check("eyes_visible").passed for r in results[:6])
    assert "eyes_visible" not in {c.code for r in results[:6] for c in r.assessment.failed}
    for r in results[6:16]:
        assert r.assessment.face is not None and r.overlay.guidance_en == "uncover your eyes"
        assert r.overlay.guidance_vi == "không che mắt, để lộ hai mắt"
    assert all(r.detected for r in results[7:16])  # unconfirmed: the detector looks on every frame
    uncovered = results[16:20]
    assert uncovered[0].assessment.check("eyes_visible").passed
    assert not uncovered[-1].detected  # confirmed again: back to tracking between scheduled detections
    # the same verdict as before the eyes were covered (at 640 px only the distance is short)
    before = {c.code for c in results[5].assessment.failed}
    assert {c.code for c in uncovered[-1].assessment.failed} == before and "eyes_visible" not in before
    # The citizen walks away: the face is dropped, not held, within the confirmation limit.
    assert results[-1].assessment.face is None and results[-1].overlay.guidance_en.startswith("no face")
