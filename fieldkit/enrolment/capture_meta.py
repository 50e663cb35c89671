"""The typed description of how a record's biometrics were captured: what travels beside the record.

    meta = CaptureMetadata()
    meta.face = FaceMeta.from_portrait(...)            # or kept by the officer, or an exception with a reason
    meta.fingers["right_four"] = StepMeta(score=61, tries=2, scores=[34, 61])
    meta.duplicates = [DuplicateHit(...)]             # the duplicate search on submit
    session.save_draft(record, blobs, capture=meta)   # the service stores meta.to_dict()

One key scheme for every producer (the app's wizard and `fieldkit demo` drive the same EnrolmentFlow):
`devices`, `face`, `fingers` (step name in lower case: "right_four", "two_thumbs", "left_little"),
`duplicates`, `duplicates_error`, `validation_warnings`. docs/packet-format.md lists them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

KEYS = ("devices", "face", "fingers", "duplicates", "duplicates_error", "validation_warnings")


@dataclass
class FaceMeta:
    """The kept portrait: how it was taken and which ICAO checks it passed."""

    format: str = ""                 # "jp2" or "jpg"
    mime: str = ""
    size_bytes: int = 0
    acceptable: bool = False         # every check passed on the cropped portrait
    checks: list[dict] = field(default_factory=list)   # CheckResult.as_dict() of each check
    failed_checks: list[str] = field(default_factory=list)
    kept_by_officer: bool = False    # no frame passed in time: the officer kept the best one (for the supervisor)
    frames: int = 0                  # frames seen before the portrait was kept
    exception_reason: str = ""       # no usable photo at all: why (the supervisor decides)
    detail: dict = field(default_factory=dict)  # encoder figures (width, height, psnr_db, ...)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "FaceMeta":
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        extra = {k: v for k, v in data.items() if k not in cls.__dataclass_fields__}
        meta = cls(**known)
        meta.detail = {**extra, **meta.detail}
        return meta


@dataclass
class StepMeta:
    """One fingerprint step (a slap or a rolled finger): the kept try's score, every try's score."""

    score: int
    tries: int
    scores: list[int] = field(default_factory=list)
    timings: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "StepMeta":
        return cls(int(data.get("score", 0)), int(data.get("tries", 0)), list(data.get("scores", [])),
                   dict(data.get("timings", {})))


@dataclass(frozen=True)
class DuplicateHit:
    """An earlier record that may be the same person (fieldkit.dedup.detector.DuplicateCandidate, stored)."""

    record_id: str
    modality: str      # "face" or "fingerprint"
    score: float
    threshold: float | None  # None: the search did not record one (the UI shows "—", never a made-up 0.00)
    detail: str

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "DuplicateHit":
        threshold = data.get("threshold")
        return cls(str(data["record_id"]), str(data["modality"]), float(data.get("score", 0.0)),
                   float(threshold) if threshold is not None else None, str(data.get("detail", "")))


@dataclass(frozen=True)
class RecaptureLink:
    """The earlier enrolment a recapture answers (sync.client.outcomes.start_recapture): the hub's verdict."""

    record_id: str
    packet_id: str
    outcome_id: str
    reason: str = ""

    def to_dict(self) -> dict:
        return {"record_id": self.record_id, "packet_id": self.packet_id, "outcome_id": self.outcome_id,
                "reason": self.reason}

    @classmethod
    def from_dict(cls, data: dict) -> "RecaptureLink":
        return cls(str(data.get("record_id", "")), str(data.get("packet_id", "")), str(data.get("outcome_id", "")),
                   str(data.get("reason", "")))


@dataclass
class CaptureMetadata:
    devices: dict[str, str] = field(default_factory=dict)   # role -> device spec without options
    recapture_of: RecaptureLink | None = None     # a new enrolment for a downstream "needs recapture" verdict
    face: FaceMeta | None = None
    fingers: dict[str, StepMeta] = field(default_factory=dict)
    duplicates: list[DuplicateHit] | None = None   # None: the search has not run (not submitted yet, no gallery)
    duplicates_error: str = ""
    validation_warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        out: dict = {"devices": dict(self.devices), "face": self.face.to_dict() if self.face else {},
                     "fingers": {k: v.to_dict() for k, v in self.fingers.items()},
                     "validation_warnings": list(self.validation_warnings)}
        if self.duplicates is not None:
            out["duplicates"] = [d.to_dict() for d in self.duplicates]
        if self.duplicates_error:
            out["duplicates_error"] = self.duplicates_error
        if self.recapture_of is not None:
            out["recapture_of"] = self.recapture_of.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: dict | None) -> "CaptureMetadata":
        """Reads what this class writes, and drafts saved before it (the demo's old "fingerprints" key)."""
        data = dict(data or {})
        fingers = data.get("fingers") or {}
        return cls(devices={str(k): str(v) for k, v in (data.get("devices") or {}).items()},
                   face=FaceMeta.from_dict(data["face"]) if data.get("face") else None,
                   fingers={k: StepMeta.from_dict(v) for k, v in fingers.items() if isinstance(v, dict)},
                   duplicates=[DuplicateHit.from_dict(d) for d in data["duplicates"]]
                   if data.get("duplicates") is not None else None,
                   duplicates_error=str(data.get("duplicates_error") or ""),
                   validation_warnings=[str(w) for w in data.get("validation_warnings") or []],
                   recapture_of=RecaptureLink.from_dict(data["recapture_of"])
                   if isinstance(data.get("recapture_of"), dict) else None)
