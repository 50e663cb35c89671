"""numpy images ↔ QImage/QPixmap (copies: a QImage must not point into a buffer another thread reuses)."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage, QPixmap


def qimage_from_array(image: np.ndarray) -> QImage:
    """A QImage owning its pixels, from a grey (H, W) or BGR (H, W, 3) uint8 array."""
    image = np.ascontiguousarray(image)
    if image.ndim == 2:
        h, w = image.shape
        return QImage(image.data, w, h, w, QImage.Format.Format_Grayscale8).copy()
    h, w, _ = image.shape
    return QImage(image.data, w, h, 3 * w, QImage.Format.Format_BGR888).copy()


def pixmap_from_bytes(data: bytes) -> QPixmap:
    """A pixmap from encoded image bytes (PNG/JPEG by Qt; JPEG 2000 and WSQ through the core's decoders)."""
    pix = QPixmap()
    if pix.loadFromData(data):
        return pix
    array = decode_image(data)
    return QPixmap.fromImage(qimage_from_array(array)) if array is not None else QPixmap()


def decode_image(data: bytes) -> np.ndarray | None:
    if data[:4] == b"\xff\xa0\xff\xa8":  # WSQ start-of-image + comment marker
        from fieldkit.biometrics.fp_codec import decode_wsq
        return decode_wsq(data)
    import cv2
    array = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    return array
