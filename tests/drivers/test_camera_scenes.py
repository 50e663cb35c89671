"""The face-scene renderer: real photos, ground truth, and each scene control doing what it says."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from drivers.synthetic.face_scenes import SITTERS, Scene, SceneRenderer, face_boxes, load_cutout

W, H = 640, 480


@pytest.fixture(scope="module")
def renderer():
    return SceneRenderer(seed=0)


@pytest.fixture(scope="module")
def fr():
    return pytest.importorskip("face_recognition")


def rgb(image):
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def iou(a, b):
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def detected_boxes(fr, image):
    return [(left, top, right, bottom) for top, right, bottom, left in fr.face_locations(rgb(image), 0)]


def eye_angle(fr, image):
    """Roll seen by dlib's landmarks: angle of the line between the eye centres, degrees."""
    marks = fr.face_landmarks(rgb(image))[0]
    (lx, ly), (rx, ry) = (np.mean(marks[k], axis=0) for k in ("left_eye", "right_eye"))
    return float(np.degrees(np.arctan2(ry - ly, rx - lx)))


def test_sitters_include_two_real_people_and_variants_of_each():
    people = {s.person for s in SITTERS.values()}
    assert {"person-hopper", "person-astronaut"} <= people
    assert all(sum(s.person == p for s in SITTERS.values()) >= 2 for p in people)
    cut = load_cutout("astronaut")
    assert cut.bgra.shape[2] == 4 and cut.bgra[..., 3].max() == 255 and cut.bgra[0, 0, 3] == 0


def test_ground_truth_boxes_match_what_a_detector_finds(renderer, fr):
    for scene in (Scene(), Scene(sitter="astronaut", second_sitter="grace_hopper", background="room")):
        truth = [box for _, box in face_boxes(scene, W, H)]
        found = detected_boxes(fr, renderer.frame(scene, W, H, 0))
        assert len(found) == len(truth)
        assert all(max(iou(t, f) for f in found) > 0.4 for t in truth)


def test_same_person_matches_across_variants_and_different_people_do_not(renderer, fr):
    def encoding(sitter):
        image = rgb(renderer.frame(Scene(sitter=sitter), W, H, 1))
        return fr.face_encodings(image, fr.face_locations(image, 0))[0]

    hopper, hopper_mirror, astronaut = (encoding(s) for s in ("grace_hopper", "grace_hopper-mirror", "astronaut"))
    assert fr.face_distance([hopper], hopper_mirror)[0] < 0.6 < fr.face_distance([hopper], astronaut)[0]


def test_roll_turns_the_eye_line(renderer, fr):
    flat = eye_angle(fr, renderer.frame(Scene(), W, H, 0))
    rolled = eye_angle(fr, renderer.frame(Scene(roll=12), W, H, 0))
    assert abs((rolled - flat) - 12) < 3


def test_yaw_narrows_the_face_and_distance_scales_it():
    def width(scene):
        (_, (x0, _, x1, _)), = face_boxes(scene, W, H)
        return x1 - x0

    assert width(Scene(yaw=35)) < 0.9 * width(Scene())
    assert abs(width(Scene(distance=2.0)) / width(Scene()) - 0.5) < 0.03


def face_region(scene, renderer):
    (_, (x0, y0, x1, y1)), = face_boxes(scene, W, H)
    return renderer.frame(scene, W, H, 0)[y0:y1, x0:x1].astype(np.float32)


def test_lighting_controls_act_on_the_face(renderer):
    plain = face_region(Scene(noise=0), renderer)
    graded = face_region(Scene(noise=0, light_gradient=0.6), renderer)
    half = plain.shape[1] // 2
    assert graded[:, half:].mean() / plain[:, half:].mean() > 1.15
    assert graded[:, :half].mean() / plain[:, :half].mean() < 0.9
    assert face_region(Scene(noise=0, exposure=0.5), renderer).mean() < 0.6 * plain.mean()
    backlit = Scene(noise=0, background="window", face_light=0.45)
    frame = renderer.frame(backlit, W, H, 0)
    assert face_region(backlit, renderer).mean() < 0.6 * frame[: H // 6].mean()  # face darker than the sky


def test_occlusion_covers_the_eyes(renderer, fr):
    covered = renderer.frame(Scene(occlusion="eyes"), W, H, 0)
    plain = renderer.frame(Scene(), W, H, 0)
    marks = fr.face_landmarks(rgb(plain))[0]
    x, y = np.mean(marks["left_eye"], axis=0).astype(int)
    assert covered[y - 3:y + 3, x - 3:x + 3].mean() < 40 < plain[y - 12:y + 12, x - 12:x + 12].mean()


def test_blur_removes_detail(renderer):
    def sharpness(scene):
        return cv2.Laplacian(cv2.cvtColor(renderer.frame(scene, W, H, 0), cv2.COLOR_BGR2GRAY), cv2.CV_64F).var()

    assert sharpness(Scene(noise=0, blur=2.5)) < 0.3 * sharpness(Scene(noise=0))


def test_consecutive_frames_differ_by_sensor_noise_only(renderer):
    a, b = (renderer.frame(Scene(), W, H, i).astype(np.int16) for i in (5, 6))
    diff = np.abs(a - b).mean()
    assert 0.5 < diff < 5
    assert renderer.frame(Scene(noise=0), W, H, 1).tobytes() == renderer.frame(Scene(noise=0), W, H, 2).tobytes()


@pytest.mark.parametrize("changes, word", [({"sitter": "nobody"}, "sitter"), ({"background": "beach"}, "background"),
                                           ({"distance": 0}, "distance"), ({"yaw": 90}, "pose"),
                                           ({"occlusion": "hat"}, "occlusion"), ({"glasses": True}, "glasses")])
def test_bad_scene_settings_are_refused_by_name(changes, word):
    with pytest.raises(ValueError, match=word):
        Scene().replace(**changes)


def test_sway_moves_the_sitter_a_little_and_repeats(renderer):
    scene = Scene(sway=6, noise=0)
    centres = []
    for index in range(0, 24, 3):
        grey = cv2.cvtColor(renderer.frame(scene, W, H, index), cv2.COLOR_BGR2GRAY).astype(np.float32)
        moments = cv2.moments(255 - grey)  # the dark sitter on a light wall
        centres.append(moments["m10"] / moments["m00"])
    assert 1 < max(centres) - min(centres) < 12
    assert renderer.frame(scene, W, H, 0).tobytes() == renderer.frame(scene, W, H, 24).tobytes()
