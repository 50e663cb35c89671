"""Head pose (yaw, pitch, roll in degrees) from six of the 68 landmarks with cv2.solvePnP.

The 3D points are a generic adult head (millimetres, the widely used six-point model: nose tip, chin,
outer eye corners, mouth corners) written in camera axes: x to the image's right, y down, z away from
the camera, so a face looking straight into the lens gives a rotation near identity. The camera is a
pinhole with focal length = image width and the principal point in the centre (no calibration data
exists for field webcams).

Bias: a generic head does not fit a real one. Measured with landmarks averaged over 9 jittered boxes
(fieldkit.quality.landmarks.stable_landmarks) on the real photos shipped with scikit-image (astronaut) and
matplotlib (grace_hopper.jpg), on their mirror images (a mirror flips the true yaw and roll but not the
model's bias), each with the detector at upsample 0 and 1, raw (pitch, yaw, roll) were:
astronaut (10.3, -3.8, 2.9) (10.7, -4.3, 3.0), mirrored (11.3, 4.6, -3.4) (11.0, 4.4, -3.3);
grace_hopper (-3.4, 2.0, -4.5) (-1.0, -0.5, -2.2), mirrored (-3.6, 0.9, 4.3) (-1.1, 2.9, 3.1).
Their mean is the bias removed below. What is left (pitch +-7 deg between the two people, yaw +-4 deg)
is the generic model's identity-dependent error, which is why thresholds.py adds a margin to ICAO's
+-5 deg for yaw and pitch.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

LANDMARK_IDS = (30, 8, 36, 45, 48, 54)
MODEL_POINTS = np.array(
    [
        (0.0, 0.0, 0.0),  # nose tip
        (0.0, 330.0, 65.0),  # chin
        (-225.0, -170.0, 135.0),  # outer corner of the eye on the image's left
        (225.0, -170.0, 135.0),  # outer corner of the eye on the image's right
        (-150.0, 150.0, 125.0),  # mouth corner, image left
        (150.0, 150.0, 125.0),  # mouth corner, image right
    ]
)
FOCAL_PER_INTER_EYE = 16.0
BIAS_PITCH, BIAS_YAW, BIAS_ROLL = 4.3, 0.8, 0.0


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
    points = np.ascontiguousarray(landmarks[list(LANDMARK_IDS)], dtype=np.float64)
    # Start from "facing the camera at the distance the eye corners imply": without this guess the
    # iterative solver can settle on the mirror solution behind the camera (roll ~180 deg).
    corners = max(float(np.linalg.norm(landmarks[45] - landmarks[36])), 1.0)
    rvec0 = np.zeros((3, 1))
    tvec0 = np.array([[0.0], [0.0], [focal * (MODEL_POINTS[3, 0] - MODEL_POINTS[2, 0]) / corners]])
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
