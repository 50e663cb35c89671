"""What a Type-10/14 header needs to know about an image, read from its own header bytes (never decoded).

WSQ: the frame header (SOF, marker FFA2) holds height and width (FBI WSQ spec IAFIS-IC-0110 §3). JPEG and
JPEG 2000 sizes come from Pillow, which parses only the header; a JPEG 2000 codestream's COD segment says
whether the wavelet is reversible (lossless, ANSI/NIST CGA `JP2L`) or not (`JP2`).
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

WSQ_SOI, WSQ_SOF = 0xFFA0, 0xFFA2
J2K_SOC, J2K_COD = b"\xff\x4f", 0xFF52


class ImageFormatError(ValueError):
    """The bytes are not an image of the expected kind (or its header is damaged)."""


@dataclass(frozen=True)
class ImageInfo:
    width: int
    height: int
    compression: str  # ANSI/NIST-ITL CGA code: WSQ20, JPEGB, JP2, JP2L
    colour_space: str  # Type-10 CSP: YCC (JPEG), SRGB (JPEG 2000), GRAY


def wsq_info(data: bytes) -> ImageInfo:
    if len(data) < 4 or struct.unpack(">H", data[:2])[0] != WSQ_SOI:
        raise ImageFormatError("not a WSQ image (no SOI marker)")
    pos = 2
    while pos + 4 <= len(data):
        marker, length = struct.unpack(">HH", data[pos:pos + 4])
        if marker == WSQ_SOF:
            if pos + 10 > len(data):
                break
            height, width = struct.unpack(">HH", data[pos + 6:pos + 10])
            if not width or not height:
                raise ImageFormatError("WSQ frame header with a zero size")
            return ImageInfo(width, height, "WSQ20", "GRAY")
        if marker >> 8 != 0xFF or length < 2:
            break
        pos += 2 + length
    raise ImageFormatError("WSQ image without a frame header")


def face_info(data: bytes) -> ImageInfo:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:  # header only: Pillow decodes lazily
            width, height, kind, mode = image.width, image.height, image.format, image.mode
    except (UnidentifiedImageError, OSError) as exc:
        raise ImageFormatError(f"face image unreadable: {exc}") from None
    if kind == "JPEG":
        return ImageInfo(width, height, "JPEGB", "GRAY" if mode == "L" else "YCC")
    if kind == "JPEG2000":
        return ImageInfo(width, height, "JP2L" if _j2k_reversible(data) else "JP2", "GRAY" if mode == "L" else "SRGB")
    raise ImageFormatError(f"face image is {kind}, not JPEG or JPEG 2000")


def _j2k_reversible(data: bytes) -> bool:
    """True when the codestream's COD segment selects the reversible 5-3 wavelet (lossless)."""
    pos = data.find(J2K_SOC)
    if pos < 0:
        return False
    pos += 2
    while pos + 4 <= len(data):
        marker, length = struct.unpack(">HH", data[pos:pos + 4])
        if marker == J2K_COD:
            # Lcod(2) Scod(1) SGcod(4: order, layers(2), MCT) SPcod(levels, cb w, cb h, style, transform)
            transform_at = pos + 2 + 2 + 1 + 4 + 4
            return transform_at < len(data) and data[transform_at] == 1
        if marker >> 8 != 0xFF or length < 2:
            return False
        pos += 2 + length
    return False
