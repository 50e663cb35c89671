"""`fieldkit doctor` section for the face pipeline: models load, portrait encoders work."""

from __future__ import annotations

import time

import numpy as np


def face_section(ctx) -> tuple[str, list[str]]:
    """Lines a technician reads: dlib models, JPEG 2000 writers, a timed check on a blank frame."""
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
    # Only Pillow's writer is probed: OpenCV's goes through a temp file (never used for portraits).
    lines.append(f"Pillow JPEG 2000 (openjpeg, in memory): {'ok' if features.check('jpg_2000') else 'unavailable'}"
                 + ("" if features.check("jpg_2000") else "; portraits fall back to JPEG"))
    return "Face quality", lines
