"""Crop a frame to the ICAO portrait and encode it compactly (JPEG 2000 when available, else JPEG).

Crop: 3:4, head centred horizontally, head width 62 % of the image width (ICAO 50-75 %), eye line at
40 % of the height from the top (ISO 30-50 %), output 480x640 by default. With typical head proportions
that puts ~135 px between the eyes, above ICAO's 90 px minimum; if the camera saw the face smaller than
that, the crop is upscaled and `upscaled` says so (upscaling adds no detail).

Encoding, in order of preference for format="jp2":
1. Pillow's JPEG 2000 plugin (OpenJPEG inside Pillow's wheels) into a BytesIO, with a compression-rate layer;
2. baseline JPEG (OpenCV, libjpeg's memory destination) with a quality search. format="jpeg" goes straight to 2.

Everything happens in memory: a portrait is personal data and never touches a disk in plaintext. OpenCV's
JPEG 2000 writer is NOT used: `cv2.imencode(".jp2")` writes the image to `/tmp/__opencv_temp.*` (mode 0644)
and reads it back (seen with `strace -f -e trace=openat`; a second process copied portraits from there).
Decoding for the PSNR check (`cv2.imdecode`) reads JPEG 2000 and JPEG from memory (checked the same way).
tests/security/test_attack_temp.py watches the temp folder during captures.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import cv2
import numpy as np

from fieldkit.quality import geometry

OUTPUT_SIZE = (480, 640)
HEAD_WIDTH_SHARE = 0.62
EYES_FROM_TOP = 0.40
MIN_INTER_EYE = 90


class EncodingError(RuntimeError):
    """No encoder could fit the portrait into the byte budget."""


@dataclass(frozen=True)
class PortraitCrop:
    image: np.ndarray
    source_inter_eye: float  # px between the eyes in the camera frame
    inter_eye: float  # px between the eyes in the portrait
    upscaled: bool  # the frame had fewer pixels than the portrait
    padded: bool  # part of the portrait lay outside the frame (filled by repeating the edge)


@dataclass(frozen=True)
class EncodedImage:
    data: bytes
    format: str  # "jp2" or "jpeg"
    mime: str
    encoder: str  # which library wrote it
    setting: int  # the compression value or JPEG quality used
    psnr_db: float  # fidelity of the decoded file against the crop


def crop_portrait(frame: np.ndarray, landmarks: np.ndarray, size: tuple[int, int] = OUTPUT_SIZE) -> PortraitCrop:
    """The ICAO portrait cut from `frame` around the face with these landmarks."""
    width, height = size
    crop_width = geometry.head_width(landmarks) / HEAD_WIDTH_SHARE
    scale = width / crop_width
    mx, my = geometry.eye_midpoint(landmarks)
    left, top = mx - crop_width / 2, my - EYES_FROM_TOP * height / scale
    affine = np.array([[scale, 0, -left * scale], [0, scale, -top * scale]])
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    image = cv2.warpAffine(frame, affine, (width, height), flags=interp, borderMode=cv2.BORDER_REPLICATE)
    fh, fw = frame.shape[:2]
    padded = left < 0 or top < 0 or left + crop_width > fw or top + height / scale > fh
    source_ied = float(np.linalg.norm(landmarks[42:48].mean(axis=0) - landmarks[36:42].mean(axis=0)))
    return PortraitCrop(image, source_ied, source_ied * scale, scale > 1.0, bool(padded))


def _psnr(original: np.ndarray, data: bytes) -> float:
    decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if decoded is None or decoded.shape != original.shape:
        return float("nan")
    return round(float(cv2.PSNR(original, decoded)), 2)


def _pillow_jp2(image: np.ndarray, max_bytes: int) -> EncodedImage | None:
    from PIL import Image, features  # noqa: PLC0415

    if not features.check("jpg_2000"):
        return None
    pil = Image.fromarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
    rate = max(2, math.ceil(image.size / max_bytes))
    for _ in range(8):
        buf = io.BytesIO()
        pil.save(buf, format="JPEG2000", quality_mode="rates", quality_layers=[rate], irreversible=True)
        if buf.tell() <= max_bytes:
            data = buf.getvalue()
            return EncodedImage(data, "jp2", "image/jp2", "pillow", rate, _psnr(image, data))
        rate = math.ceil(rate * buf.tell() / max_bytes * 1.05)
    return None


def _jpeg(image: np.ndarray, max_bytes: int) -> EncodedImage | None:
    low, high, best = 5, 95, None
    while low <= high:  # binary search: the highest quality that fits
        quality = (low + high) // 2
        ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if ok and len(buf) <= max_bytes:
            best, low = (quality, buf.tobytes()), quality + 1
        else:
            high = quality - 1
    if best is None:
        return None
    quality, data = best
    return EncodedImage(data, "jpeg", "image/jpeg", "opencv", quality, _psnr(image, data))


def encode_portrait(image: np.ndarray, max_bytes: int = 20_000, fmt: str = "jp2") -> EncodedImage:
    """The portrait encoded in at most `max_bytes`, JPEG 2000 first when fmt='jp2'."""
    if fmt not in ("jp2", "jpeg"):
        raise ValueError(f"unknown portrait format {fmt!r}: use 'jp2' or 'jpeg'")
    encoders = (_pillow_jp2, _jpeg) if fmt == "jp2" else (_jpeg,)
    for encoder in encoders:
        encoded = encoder(image, max_bytes)
        if encoded is not None:
            return encoded
    raise EncodingError(f"cannot fit a {image.shape[1]}x{image.shape[0]} portrait into {max_bytes} bytes")
