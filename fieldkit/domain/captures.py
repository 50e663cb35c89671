"""Capture slots of a record: the face, the three slaps (4-4-2) and the ten rolled prints.

A slot holds an opaque image reference (a blob id in the encrypted store — images never go into the record JSON),
a quality score and the number of tries. A finger slot also holds its FingerStatus; `status=None` means "not yet
done". Any status other than captured needs a reason ("cụt ngón từ nhỏ", "băng bó sau tai nạn").
JSON keys for fingers and slaps are the enum names in lower case: "right_thumb", "two_thumbs".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fieldkit.domain.fingers import Finger, FingerStatus, Slap
from fieldkit.domain.jsonread import Obj, RecordFormatError, enum_parser, join


def _enum_key(member) -> str:
    return member.name.lower()


def _read_enum_key(enum, key: str, path: str):
    try:
        return enum[key.upper()]
    except KeyError:
        names = ", ".join(_enum_key(m) for m in enum)
        raise RecordFormatError(join(path, key), f"unknown {enum.__name__.lower()} (use one of: {names})") from None


def _quality(o: Obj):
    return o.get("quality", (int, float), None)


def _tries(o: Obj) -> int:
    tries = o.get("tries", int, 0)
    if tries < 0:
        raise RecordFormatError(join(o.path, "tries"), "cannot be negative")
    return tries


@dataclass
class FaceSlot:
    image_ref: str | None = None
    quality: float | None = None
    tries: int = 0
    exception_reason: str = ""   # no usable photo could be taken: why (the supervisor decides)

    @property
    def captured(self) -> bool:
        return self.image_ref is not None

    def to_dict(self) -> dict:
        out = {"image_ref": self.image_ref, "quality": self.quality, "tries": self.tries}
        if self.exception_reason:   # written only when used: older records and readers stay as they were
            out["exception_reason"] = self.exception_reason
        return out

    @classmethod
    def from_obj(cls, o: Obj) -> "FaceSlot":
        slot = cls(o.text("image_ref", None), _quality(o), _tries(o), o.text("exception_reason", ""))
        o.done()
        return slot


@dataclass
class FingerSlot:
    status: FingerStatus | None = None
    reason: str = ""
    image_ref: str | None = None
    quality: float | None = None
    tries: int = 0

    @property
    def is_exception(self) -> bool:
        return self.status is not None and self.status.needs_reason

    def to_dict(self) -> dict:
        return {"status": self.status.value if self.status else None, "reason": self.reason,
                "image_ref": self.image_ref, "quality": self.quality, "tries": self.tries}

    @classmethod
    def from_obj(cls, o: Obj) -> "FingerSlot":
        status = o.convert("status", enum_parser(FingerStatus), None)
        slot = cls(status, o.text("reason", ""), o.text("image_ref", None), _quality(o), _tries(o))
        o.done()
        return slot


@dataclass
class SlapSlot:
    """One slap image and, per finger in it, whether that finger was there (segmentation fills quality)."""

    slap: Slap
    image_ref: str | None = None
    quality: float | None = None
    tries: int = 0
    fingers: dict[Finger, FingerSlot] = field(default_factory=dict)

    def __post_init__(self):
        for finger in self.slap.fingers:
            self.fingers.setdefault(finger, FingerSlot())

    def to_dict(self) -> dict:
        return {"image_ref": self.image_ref, "quality": self.quality, "tries": self.tries,
                "fingers": {_enum_key(f): self.fingers[f].to_dict() for f in self.slap.fingers}}

    @classmethod
    def from_obj(cls, slap: Slap, o: Obj) -> "SlapSlot":
        fingers: dict[Finger, FingerSlot] = {}
        f_obj = o.child("fingers", optional=True)
        if f_obj is not None:
            for key in f_obj.data:
                if key.startswith("_"):
                    continue
                finger = _read_enum_key(Finger, key, f_obj.path)
                if finger not in slap.fingers:
                    raise RecordFormatError(join(f_obj.path, key), f"is not a finger of the {_enum_key(slap)} slap")
                fingers[finger] = FingerSlot.from_obj(f_obj.child(key))
            f_obj.done()
        slot = cls(slap, o.text("image_ref", None), _quality(o), _tries(o), fingers)
        o.done()
        return slot


def _all_slaps() -> dict[Slap, SlapSlot]:
    return {s: SlapSlot(s) for s in Slap}


def _all_rolled() -> dict[Finger, FingerSlot]:
    return {f: FingerSlot() for f in Finger}


@dataclass
class Captures:
    face: FaceSlot = field(default_factory=FaceSlot)
    slaps: dict[Slap, SlapSlot] = field(default_factory=_all_slaps)
    rolled: dict[Finger, FingerSlot] = field(default_factory=_all_rolled)

    def any_biometrics(self) -> bool:
        """True if any face or fingerprint image is referenced."""
        slots = [self.face, *self.slaps.values(), *self.rolled.values(),
                 *(f for s in self.slaps.values() for f in s.fingers.values())]
        return any(slot.image_ref is not None for slot in slots)

    def to_dict(self) -> dict:
        return {"face": self.face.to_dict(),
                "slaps": {_enum_key(s): self.slaps[s].to_dict() for s in Slap},
                "rolled": {_enum_key(f): self.rolled[f].to_dict() for f in Finger}}

    @classmethod
    def from_obj(cls, o: Obj) -> "Captures":
        face_obj = o.child("face", optional=True)
        captures = cls(face=FaceSlot.from_obj(face_obj) if face_obj else FaceSlot())
        slaps = o.child("slaps", optional=True)
        if slaps is not None:
            for key in [k for k in slaps.data if not k.startswith("_")]:
                slap = _read_enum_key(Slap, key, slaps.path)
                captures.slaps[slap] = SlapSlot.from_obj(slap, slaps.child(key))
            slaps.done()
        rolled = o.child("rolled", optional=True)
        if rolled is not None:
            for key in [k for k in rolled.data if not k.startswith("_")]:
                finger = _read_enum_key(Finger, key, rolled.path)
                captures.rolled[finger] = FingerSlot.from_obj(rolled.child(key))
            rolled.done()
        o.done()
        return captures
