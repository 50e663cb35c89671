"""The 128-d face encoding (face_recognition / dlib ResNet) used for 1:N duplicate search.

~110 ms per face on this machine: computed once per enrolment (on save), never per preview frame.
"""

from __future__ import annotations

import warnings

import cv2
import numpy as np

from fieldkit.quality.landmarks import Face, find_faces

ENCODING_DIM = 128


class NoFaceError(ValueError):
    """The image holds no face to encode."""


def face_encoding(image: np.ndarray, face: Face | None = None) -> np.ndarray:
    """The float32 encoding of the largest face in a BGR image (or of `face`, already found)."""
    with warnings.catch_warnings():  # face_recognition_models' pkg_resources deprecation notice
        warnings.simplefilter("ignore", UserWarning)
        import face_recognition  # noqa: PLC0415 - loads the dlib models on first use

    if face is None:
        # upsample 0 finds faces of ICAO size fast (~30 ms); look again at upsample 1 only for a small face
        faces = find_faces(image, upsample=0, landmark_samples=1) or find_faces(image, upsample=1, landmark_samples=1)
        if not faces:
            raise NoFaceError("no face in the image")
        face = faces[0]
    left, top, right, bottom = face.box
    rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB) if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    encodings = face_recognition.face_encodings(rgb, known_face_locations=[(top, right, bottom, left)])
    if not encodings:
        raise NoFaceError("the face could not be encoded")
    return np.asarray(encodings[0], dtype=np.float32)


def encoding_to_bytes(encoding: np.ndarray) -> bytes:
    """512 bytes: 128 little-endian float32 values (the stored template format)."""
    vec = np.asarray(encoding, dtype="<f4").reshape(-1)
    if vec.size != ENCODING_DIM:
        raise ValueError(f"a face encoding has {ENCODING_DIM} values, got {vec.size}")
    return vec.tobytes()


def encoding_from_bytes(data: bytes) -> np.ndarray:
    if len(data) != ENCODING_DIM * 4:
        raise ValueError(f"a stored face template is {ENCODING_DIM * 4} bytes, got {len(data)}")
    return np.frombuffer(data, dtype="<f4").astype(np.float32)
