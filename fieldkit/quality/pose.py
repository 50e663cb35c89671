"""Head pose (yaw, pitch, roll in degrees) from the 68 landmarks with cv2.solvePnP and a generic head.

Model: the widely used six-point generic adult head (nose tip, chin, eyes, mouth corners; units ~0.2 mm)
in camera axes (x to the image's right, y down, z away from the camera), so a face looking into the lens
gives a rotation near identity. Two changes make it steadier on dlib landmarks: eye *centres* (means of
six points) replace the single eye-corner points, which jitter most, and two nose-bridge points (27, 29)
are added. Camera: principal point on the eye midpoint, focal length 16 x the eye distance (a subject
~1 m away), so the pose is relative to the line of sight and identical for a frame and any crop of it.

Bias: a generic head does not fit a real one. Raw (pitch, yaw, roll) with landmarks averaged over 9
jittered boxes, detector at upsample 0 and 1, on the real photos shipped with scikit-image (astronaut)
and matplotlib (grace_hopper.jpg) and on their mirror images (a mirror flips true yaw and roll, not the
model's bias):
    astronaut (13.0, -2.8, 2.9) (13.4, -3.4, 2.8); mirrored (13.2, 3.4, -3.1) (13.0, 3.5, -3.1)
    grace_hopper (-3.2, 2.1, -3.8) (-0.1, -0.7, -2.4); mirrored (-1.5, -0.1, 3.2) (0.6, 0.8, 3.6)
The mean of the eight is the bias removed below. What is left is the generic model's identity error:
pitch +-7 deg (the two people differ by 14 deg), yaw +-3 deg; thresholds.py adds it to ICAO's +-5 deg.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

MODEL_POINTS = np.array(
    [
        (0.0, 0.0, 0.0),  # nose tip (30)
        (0.0, 330.0, 65.0),  # chin (8)
        (-150.0, -170.0, 135.0),  # centre of the eye on the image's left (mean of 36-41)
        (150.0, -170.0, 135.0),  # centre of the eye on the image's right (mean of 42-47)
        (-150.0, 150.0, 125.0),  # mouth corner, image left (48)
        (150.0, 150.0, 125.0),  # mouth corner, image right (54)
        (0.0, -170.0, 40.0),  # top of the nose bridge, between the eyes (27)
        (0.0, -70.0, 16.0),  # middle of the nose bridge (29)
    ]
)


def model_image_points(landmarks: np.ndarray) -> np.ndarray:
    """The 2D points matching MODEL_POINTS. Eye centres (means of six points) are used instead of the
    eye corners of the usual six-point model: single corner landmarks jitter most, and with them the yaw
    of the same face read -0.9..-7.3 deg over six camera frames, with eye centres -2.3..-5.1 deg."""
    lm = landmarks
    return np.array([lm[30], lm[8], lm[36:42].mean(axis=0), lm[42:48].mean(axis=0), lm[48], lm[54], lm[27], lm[29]],
                    dtype=np.float64)


FOCAL_PER_INTER_EYE = 16.0
BIAS_PITCH, BIAS_YAW, BIAS_ROLL = 6.1, 0.35, 0.0


@dataclass(frozen=True)
class HeadPose:
    yaw: float
    pitch: float
    roll: float


def raw_pose(landmarks: np.ndarray) -> HeadPose:
    """Pose from solvePnP before bias correction."""
    # The principal point is put on the face (eye midpoint) and the focal length tied to face size
    # (a subject ~1 m away: 63 mm between the eyes -> f = 16 x inter-eye px). The pose is then the
    # head's rotation relative to the line of sight, the same for a frame and for any crop of it.
    eyes = (landmarks[36:42].mean(axis=0) + landmarks[42:48].mean(axis=0)) / 2
    focal = FOCAL_PER_INTER_EYE * max(float(np.linalg.norm(landmarks[42:48].mean(axis=0) - landmarks[36:42].mean(axis=0))), 1.0)
    camera = np.array([[focal, 0, eyes[0]], [0, focal, eyes[1]], [0, 0, 1]], dtype=np.float64)
    points = model_image_points(landmarks)
    # Start from "facing the camera at the distance the eye distance implies": without this guess the
    # iterative solver can settle on the mirror solution behind the camera (roll ~180 deg).
    eye_px = max(float(np.linalg.norm(points[3] - points[2])), 1.0)
    rvec0 = np.zeros((3, 1))
    tvec0 = np.array([[0.0], [0.0], [focal * (MODEL_POINTS[3, 0] - MODEL_POINTS[2, 0]) / eye_px]])
    ok, rvec, _ = cv2.solvePnP(MODEL_POINTS, points, camera, None, rvec0, tvec0, True, cv2.SOLVEPNP_ITERATIVE)
    if not ok:
        return HeadPose(float("nan"), float("nan"), float("nan"))
    rotation, _ = cv2.Rodrigues(rvec)
    pitch, yaw, roll = cv2.RQDecomp3x3(rotation)[0]
    return HeadPose(yaw=float(yaw), pitch=float(pitch), roll=float(roll))


def head_pose(landmarks: np.ndarray) -> HeadPose:
    """Bias-corrected head pose in degrees (0, 0, 0 = looking straight into the camera)."""
    raw = raw_pose(landmarks)
    return HeadPose(yaw=raw.yaw - BIAS_YAW, pitch=raw.pitch - BIAS_PITCH, roll=raw.roll - BIAS_ROLL)
