"""Finger positions (ANSI/NIST-ITL 1-2011 Table 8 codes) and the capture plan: slaps 4-4-2, then ten rolled.

Codes 1-10 are single fingers (1 right thumb … 5 right little, 6 left thumb … 10 left little);
13/14/15 are the plain slaps: right four fingers, left four fingers, both thumbs.
"""

from __future__ import annotations

from enum import Enum, IntEnum


class Finger(IntEnum):
    RIGHT_THUMB = 1
    RIGHT_INDEX = 2
    RIGHT_MIDDLE = 3
    RIGHT_RING = 4
    RIGHT_LITTLE = 5
    LEFT_THUMB = 6
    LEFT_INDEX = 7
    LEFT_MIDDLE = 8
    LEFT_RING = 9
    LEFT_LITTLE = 10

    @property
    def hand(self) -> str:
        return "right" if self <= 5 else "left"


class Slap(IntEnum):
    RIGHT_FOUR = 13
    LEFT_FOUR = 14
    TWO_THUMBS = 15

    @property
    def fingers(self) -> tuple[Finger, ...]:
        return SLAP_FINGERS[self]


# Order of fingers within a slap image, left to right as they lie on the platen (palm down).
SLAP_FINGERS: dict[Slap, tuple[Finger, ...]] = {
    Slap.RIGHT_FOUR: (Finger.RIGHT_INDEX, Finger.RIGHT_MIDDLE, Finger.RIGHT_RING, Finger.RIGHT_LITTLE),
    Slap.LEFT_FOUR: (Finger.LEFT_LITTLE, Finger.LEFT_RING, Finger.LEFT_MIDDLE, Finger.LEFT_INDEX),
    Slap.TWO_THUMBS: (Finger.LEFT_THUMB, Finger.RIGHT_THUMB),
}

# Thông tư 60/2021/TT-BCA Điều 5 k.3: slaps first (4-4-2), then every finger rolled.
CAPTURE_PLAN: tuple[Slap | Finger, ...] = (Slap.RIGHT_FOUR, Slap.LEFT_FOUR, Slap.TWO_THUMBS, *Finger)


class FingerStatus(str, Enum):
    """Why a finger has or lacks a print: a finger is never skipped silently."""

    CAPTURED = "captured"
    MISSING = "missing"      # amputated or absent from birth
    INJURED = "injured"
    BANDAGED = "bandaged"
    UNABLE = "unable"        # present but no usable print after the allowed tries (worn ridges, tremor)

    @property
    def needs_reason(self) -> bool:
        return self is not FingerStatus.CAPTURED
