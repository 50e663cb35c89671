"""One fingerprint try, assessed: quality of a rolled print or of each finger of a slap, WSQ bytes to keep,
and (rolled prints) the minutiae template the duplicate search uses. Runs off the UI thread.

The choice between tries is `fieldkit.biometrics.fp_quality.best_of_tries` (the flow calls it): a slap's
score is its weakest finger's, so one poor finger makes the whole slap worth another try.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fieldkit.biometrics.fp_quality import QualityReport, TriesOutcome, best_of_tries
from fieldkit.domain.fingers import Finger, Slap

# Fingers whose templates go to the duplicate search, the first two captured in this order: thumbs and index
# fingers are what national systems search on, and two keep a 200-person session's 1:N pass to seconds.
DEDUP_FINGERS = (Finger.RIGHT_INDEX, Finger.LEFT_INDEX, Finger.RIGHT_THUMB, Finger.LEFT_THUMB,
                 Finger.RIGHT_MIDDLE, Finger.LEFT_MIDDLE)
DEDUP_FINGER_COUNT = 2


def blob_name(step) -> str:
    """The one naming scheme of print blobs: print/slap/<slap>.wsq, print/rolled/<finger>.wsq."""
    if isinstance(step, Slap):
        return f"print/slap/{step.name.lower()}.wsq"
    return f"print/rolled/{Finger(step).name.lower()}.wsq"


def step_key(step) -> str:
    """The capture-metadata key of a step: "right_four", "two_thumbs", "left_little"."""
    return step.name.lower() if isinstance(step, Slap) else Finger(step).name.lower()


@dataclass
class Attempt:
    score: int
    reasons: list
    blobs: dict[str, bytes]                          # blob name -> WSQ bytes
    per_finger: dict[Finger, int] = field(default_factory=dict)
    present: dict[Finger, bool] = field(default_factory=dict)
    preview: object = field(default=None, repr=False)   # numpy image for the preview
    timings: dict = field(default_factory=dict)
    template: bytes | None = field(default=None, repr=False)   # rolled print: minutiae for the duplicate search
    minimum: int = 0

    def report(self) -> QualityReport:
        return QualityReport(self.score, self.minimum, [], list(self.reasons))


def assess_capture(capture, step, minimum: int) -> Attempt:
    """Quality of a rolled print or of each finger of a slap (scanner capture object), and WSQ bytes to keep."""
    from fieldkit.biometrics.fp_codec import encode_wsq
    from fieldkit.biometrics.fp_quality import assess_print

    if isinstance(step, Slap):
        per, present, reasons = {}, {}, []
        for seg in capture.segments:
            present[seg.finger] = seg.present
            if seg.present and seg.image is not None:
                report = assess_print(seg.image, minimum)
                per[seg.finger] = report.score
                reasons += [r for r in report.reasons if r not in reasons]
        score = min(per.values()) if per else 0
        return Attempt(score, reasons, {blob_name(step): encode_wsq(capture.image)}, per, present, capture.image,
                       dict(capture.timings), None, minimum)
    report = assess_print(capture.image, minimum)
    finger = Finger(step)
    template = report.template.to_bytes() if report.template is not None else None
    return Attempt(report.score, list(report.reasons), {blob_name(step): encode_wsq(capture.image)},
                   {finger: report.score}, {finger: True}, capture.image, dict(getattr(capture, "timings", {}) or {}),
                   template, minimum)


def decide(attempts: list[Attempt], minimum: int, max_tries: int) -> TriesOutcome:
    """Keep the best try; stop once one is acceptable or the tries are used up (best_of_tries)."""
    return best_of_tries([a.report() for a in attempts], minimum, max_tries)
