"""Face quality of one image: every ICAO/OFIQ-style check with its value, verdict and reason.

    assessment = assess_face(bgr_image)             # a finished portrait (e.g. a saved photo)
    assessment = assess_face(frame, framing="camera")  # a camera frame: geometry inside the 3:4 window
    assessment.acceptable, [c.as_dict() for c in assessment.checks]

The checks split into cheap ones (landmarks only, or a small face crop) and the background check,
which looks at the whole window; fieldkit.quality.live reuses these pieces frame by frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fieldkit.quality import geometry, photometric
from fieldkit.quality.checks import CheckResult, judge, judge_two_sided, not_evaluated
from fieldkit.quality.landmarks import Face, find_faces, to_grey
from fieldkit.quality.pose import HeadPose, head_pose
from fieldkit.quality.thresholds import THRESHOLDS

CHECK_ORDER = tuple(THRESHOLDS)  # the order of the thresholds table is the order of the report
SMALL_IMAGE_PX = 1000  # images up to this size get a second, upsampled detection pass when no face is found


@dataclass
class FaceAssessment:
    """All checks on one image, the face they were measured on, and the estimated pose."""

    checks: list[CheckResult]
    face: Face | None = None
    pose: HeadPose | None = None
    window: geometry.Window | None = None
    faces_found: int = 0

    @property
    def acceptable(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def failed(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.passed]

    def check(self, code: str) -> CheckResult:
        return next(c for c in self.checks if c.code == code)

    def guidance(self) -> tuple[str, str]:
        """The one instruction to say now (first failed check in table order), or ('', '') if all pass."""
        failed = self.failed
        return (failed[0].reason_vi, failed[0].reason_en) if failed else ("", "")

    def as_dict(self) -> dict:
        return {
            "acceptable": self.acceptable,
            "faces_found": self.faces_found,
            "checks": [c.as_dict() for c in self.checks],
        }


def face_count_checks(faces: list[Face]) -> list[CheckResult]:
    """faces_found and single_face (second-largest / largest face area)."""
    found = judge("faces_found", len(faces), "no_face")
    if not faces:
        return [found, not_evaluated("single_face")]
    ratio = faces[1].area / max(faces[0].area, 1) if len(faces) > 1 else 0.0
    return [found, judge("single_face", ratio, "single_face")]


def landmark_checks(face: Face, image_size: tuple[int, int], window: geometry.Window) -> tuple[list[CheckResult], HeadPose]:
    """Checks that need only the landmarks: eyes distance, pose, eyes, mouth, position, size."""
    lm = face.landmarks
    pose = head_pose(lm)
    mx, my = geometry.position_in_window(lm, window)
    # The citizen faces the camera, so the image's left is their right: a face left of centre must
    # move to its left. Preview images are not mirrored here; the UI mirrors only what it draws.
    results = [
        judge("inter_eye", face.inter_eye, "closer"),
        judge("yaw", pose.yaw, "look_straight"),
        judge("pitch", pose.pitch, "look_straight"),
        judge("roll", pose.roll, "head_straight"),
        judge("eyes_open", geometry.eyes_open_ratio(lm), "eyes_open"),
        judge("mouth_closed", geometry.mouth_open_ratio(lm), "mouth_closed"),
        judge_two_sided("centred_x", mx, "move_left", "move_right"),
        judge_two_sided("eyes_height", my, "move_up", "move_down"),
        judge_two_sided("head_size", geometry.head_size_in_window(lm, window), "closer", "farther"),
    ]
    return results, pose


def face_pixel_checks(grey: np.ndarray, face: Face) -> list[CheckResult]:
    """Checks on the face's own pixels (small crops): eyes visible, exposure, uniformity, sharpness."""
    dark, bright = photometric.exposure_shares(grey, face.landmarks)
    return [
        judge("eyes_visible", photometric.eye_contrast(grey, face.landmarks), "eyes_covered"),
        judge("underexposure", dark, "too_dark"),
        judge("overexposure", bright, "too_bright"),
        judge("illumination_uniformity", photometric.illumination_uniformity(grey, face.landmarks), "uneven_light"),
        judge("sharpness", photometric.sharpness(grey, face.landmarks), "blurred"),
    ]


def background_check(grey: np.ndarray, face: Face, window: geometry.Window) -> CheckResult:
    return judge("background_uniformity", photometric.background_std(grey, face.landmarks, window), "background")


def order_checks(results: list[CheckResult]) -> list[CheckResult]:
    """Results in the thresholds table order (the report and guidance order)."""
    rank = {code: i for i, code in enumerate(CHECK_ORDER)}
    return sorted(results, key=lambda c: rank[c.code])


def assess_face(image: np.ndarray, framing: str = "portrait", upsample: int = 0,
                faces: list[Face] | None = None, guide_height: float = 1.0) -> FaceAssessment:
    """Run every check on one BGR (or grey) image; `faces` skips detection when already known.

    `framing` and `guide_height` choose the window the ICAO geometry is measured in
    (geometry.portrait_window).
    """
    if image is None or image.ndim not in (2, 3) or image.dtype != np.uint8:
        raise ValueError("expected an 8-bit grey or BGR image")
    grey = to_grey(image)
    size = (grey.shape[1], grey.shape[0])
    window = geometry.portrait_window(size, framing, guide_height)
    if faces is None:
        faces = find_faces(grey, upsample=upsample)
        if not faces and upsample == 0 and max(size) <= SMALL_IMAGE_PX:
            # HOG at upsample 0 misses faces under ~80 px; in a small image look again at double size
            # so a face that is merely too small is reported as "come closer", not "no face".
            faces = find_faces(grey, upsample=1)
    results = face_count_checks(faces)
    if not faces:
        others = [not_evaluated(code) for code in CHECK_ORDER if code not in ("faces_found", "single_face")]
        return FaceAssessment(order_checks(results + others), window=window)
    face = faces[0]
    geo, pose = landmark_checks(face, size, window)
    results += geo + face_pixel_checks(grey, face) + [background_check(grey, face, window)]
    return FaceAssessment(order_checks(results), face=face, pose=pose, window=window, faces_found=len(faces))
