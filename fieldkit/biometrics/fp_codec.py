"""WSQ (FBI/NIST Wavelet Scalar Quantization) encoding of 500 ppi prints for packets.

Uses the PyPI `wsq` package: a Pillow plugin over NIST's NBIS codec (CeCILL-C). Its bit rate is fixed at
0.75 bits/pixel (~15:1 on a 480 x 400 print, ~30 dB PSNR). Only 8-bit greyscale ("L") images are accepted:
WSQ is defined for 8-bit grey at 500 ppi, so a colour or 16-bit image is an error, not a silent conversion.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

import wsq  # noqa: F401  (registers the WSQ plugin with Pillow)

WSQ_MAGIC = b"\xff\xa0"        # SOI marker of a WSQ stream
MIN_SIDE = 32


class WsqError(ValueError):
    """Image or bytes the WSQ codec cannot handle, with the reason."""


def encode_wsq(image: np.ndarray) -> bytes:
    """Encode an 8-bit greyscale array (500 ppi) to WSQ bytes."""
    if not isinstance(image, np.ndarray):
        raise WsqError(f"expected a numpy array, got {type(image).__name__}")
    if image.ndim != 2:
        raise WsqError(f"WSQ takes 8-bit greyscale images; got shape {image.shape}")
    if image.dtype != np.uint8:
        raise WsqError(f"WSQ takes 8-bit greyscale images; got dtype {image.dtype}")
    if min(image.shape) < MIN_SIDE:
        raise WsqError(f"image {image.shape[1]}x{image.shape[0]} too small for WSQ (min {MIN_SIDE} px a side)")
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(image), mode="L").save(buffer, format="WSQ")
    return buffer.getvalue()


def decode_wsq(data: bytes) -> np.ndarray:
    """Decode WSQ bytes to a uint8 greyscale array."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise WsqError(f"expected bytes, got {type(data).__name__}")
    if bytes(data[:2]) != WSQ_MAGIC:
        raise WsqError("not a WSQ stream (missing the FF A0 start-of-image marker)")
    try:
        with Image.open(io.BytesIO(bytes(data))) as img:
            img.load()
            return np.array(img.convert("L"))
    except Exception as exc:      # the plugin raises whatever its parser hits (even UnboundLocalError)
        raise WsqError(f"corrupt WSQ stream: {exc}") from exc


def psnr(original: np.ndarray, decoded: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB between two uint8 images of the same shape."""
    if original.shape != decoded.shape:
        raise ValueError(f"shapes differ: {original.shape} vs {decoded.shape}")
    mse = float(np.mean((original.astype(np.float64) - decoded.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10.0 * np.log10(255.0 ** 2 / mse)
