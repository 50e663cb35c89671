"""`fieldkit doctor` section for the face pipeline: models load, portrait encoders work."""

from __future__ import annotations

import time

import numpy as np


def face_section(ctx) -> tuple[str, list[str]]:
    """Lines a technician reads: dlib models, JPEG 2000 writers, a timed check on a blank frame."""
    import cv2  # noqa: PLC0415
    from PIL import features  # noqa: PLC0415

    from fieldkit.quality.landmarks import _models, detect_boxes  # noqa: PLC0415

    lines = []
    start = time.perf_counter()
    try:
        _models()
        lines.append(f"dlib face models loaded in {(time.perf_counter() - start) * 1000:.0f} ms")
        blank = np.full((480, 640), 200, np.uint8)
        start = time.perf_counter()
        detect_boxes(blank)
        lines.append(f"face detection on a 640x480 frame: {(time.perf_counter() - start) * 1000:.0f} ms")
    except Exception as exc:  # report, do not crash the other sections
        lines.append(f"dlib face models MISSING: {type(exc).__name__}: {exc}")
    try:
        ok, buf = cv2.imencode(".jp2", np.zeros((64, 64, 3), np.uint8), [cv2.IMWRITE_JPEG2000_COMPRESSION_X1000, 100])
        lines.append(f"OpenCV JPEG 2000 writer: {'ok' if ok and len(buf) else 'FAILED'}")
    except cv2.error as exc:
        lines.append(f"OpenCV JPEG 2000 writer: unavailable ({exc.err})")
    lines.append(f"Pillow JPEG 2000 (openjpeg): {'ok' if features.check('jpg_2000') else 'unavailable'}")
    return "Face quality", lines
