"""Distinct people in the camera simulator: the kit's own face encoder and threshold tell them apart, and
find the same person again under another pose, light, distance, background and white balance."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from drivers.synthetic import face_scenes as fs
from fieldkit.dedup.detector import FACE_DISTANCE_THRESHOLD
from fieldkit.dedup.encoding import face_encoding

OTHER_SCENE = dict(background="room", yaw=10.0, light_gradient=0.35, distance=1.3, exposure=0.9, noise=2.0)


def _encode(sitter_id: str, **scene) -> np.ndarray:
    frame = fs.SceneRenderer(seed=5).frame(fs.Scene(sitter=sitter_id, **scene), 640, 480, 7)
    return face_encoding(frame)


@pytest.fixture(scope="module")
def encodings():
    """person -> (plain sitter, frontal studio encoding, encoding of another appearance in another scene)."""
    out = {}
    for person, sitter_id in fs.IDENTITIES.items():
        variants = [s.id for s in fs.SITTERS.values() if s.person == person and s.id != sitter_id]
        other = variants[0] if variants else sitter_id
        out[person] = (sitter_id, _encode(sitter_id), _encode(other, **OTHER_SCENE))
    return out


def test_there_are_three_real_people_and_derived_ones():
    real = {s.person for s in fs.SITTERS.values() if s.derive is None}
    assert real == {"person-hopper", "person-astronaut", "person-luispedro"}
    assert len(fs.IDENTITIES) == 3 + len(fs.DERIVED) >= 10
    assert all(fs.SITTERS[sid].person == person for person, sid in fs.IDENTITIES.items())


def test_distinct_identities_do_not_match_under_the_kit_threshold(encodings):
    for (a, (_, fa, oa)), (b, (_, fb, ob)) in itertools.combinations(encodings.items(), 2):
        # gallery frontal vs probe frontal, and a probe taken in another scene against the gallery
        for x, y in ((fa, fb), (oa, fb), (fa, ob)):
            distance = float(np.linalg.norm(x - y))
            assert distance > FACE_DISTANCE_THRESHOLD, f"{a} and {b} match at {distance:.3f}"


def test_the_same_identity_matches_in_another_pose_light_and_appearance(encodings):
    for person, (_, frontal, other) in encodings.items():
        distance = float(np.linalg.norm(frontal - other))
        assert distance < FACE_DISTANCE_THRESHOLD, f"{person} not found again ({distance:.3f})"


def test_a_seed_keeps_its_face_and_a_population_gets_distinct_faces():
    assert fs.sitter_for_seed("bio-1") == fs.sitter_for_seed("bio-1")
    assert fs.sitter_for_seed("bio-1") in fs.IDENTITIES.values()
    seeds = [f"bio-{i}" for i in range(len(fs.IDENTITIES))]
    assigned = fs.assign_sitters(seeds + ["bio-3"])     # a repeat visitor comes back with the same seed
    people = [fs.SITTERS[assigned[s]].person for s in seeds]
    assert len(set(people)) == len(seeds)                # no two different people share a face
    assert fs.assign_sitters(seeds) == assigned          # deterministic
    more = fs.assign_sitters(seeds + ["bio-extra"])       # beyond the registry, faces are reused
    assert more["bio-extra"] in fs.IDENTITIES.values()


def test_derived_face_box_follows_the_warp():
    scene = fs.Scene(sitter=fs.IDENTITIES[f"{fs.REAL_PEOPLE['astronaut']}-d7"])
    frame = fs.SceneRenderer().composite(scene, 640, 480)
    from fieldkit.quality.landmarks import find_faces

    found = find_faces(np.ascontiguousarray(frame), upsample=0, landmark_samples=1)
    (_, (x0, y0, x1, y1)), = fs.face_boxes(scene, 640, 480)
    left, top, right, bottom = found[0].box
    overlap_w = min(x1, right) - max(x0, left)
    overlap_h = min(y1, bottom) - max(y0, top)
    assert overlap_w > 0.6 * (x1 - x0) and overlap_h > 0.6 * (y1 - y0)


def test_a_derived_face_has_the_shape_it_was_given():
    # The warp is what makes a derived identity: a mark drawn at a landmark of the real photo must come out
    # where the new face shape puts that landmark (and the shape must really differ from the real one).
    import cv2

    from drivers.synthetic.face_identities import photo_landmarks, target_shape, warp_to_shape

    source = photo_landmarks("astronaut")
    target = target_shape(source, 7, fs.DERIVE_STRENGTH)
    picked = (0, 8, 16, 30, 36, 45, 48, 54)   # jaw ends, chin, nose tip, outer eye corners, mouth corners
    marks = np.zeros((512, 512), np.float32)
    for i in picked:
        cv2.circle(marks, tuple(int(round(v)) for v in source[i]), 2, 1.0, -1)
    warped = warp_to_shape(marks, source, target)
    for i in picked:
        x, y = (int(round(v)) for v in target[i])
        window = warped[y - 6:y + 7, x - 6:x + 7]
        ys, xs = np.mgrid[y - 6:y + 7, x - 6:x + 7]
        assert window.sum() > 3, f"landmark {i} did not arrive"
        centre = np.array([(xs * window).sum(), (ys * window).sum()]) / window.sum()
        # marks drawn at whole pixels and a map sampled every 4 px: a few pixels of slack, no more
        assert np.linalg.norm(centre - target[i]) < 3.5, (i, centre, target[i])
        if np.linalg.norm(target[i] - source[i]) > 3:
            assert np.linalg.norm(centre - target[i]) < np.linalg.norm(centre - source[i]), i
    assert np.linalg.norm(target - source, axis=1).max() > 8      # the face really changed shape
