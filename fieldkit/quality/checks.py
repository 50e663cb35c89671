"""CheckResult and the words an officer says to the citizen when a check fails.

Reasons are short instructions in Vietnamese and English ("mở mắt" / "open your eyes"), not measurements:
the measurement is in `value`, the limit in `threshold`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from fieldkit.quality.thresholds import THRESHOLDS

# code -> (pass text vi, pass text en, fail reason vi, fail reason en). Checks with two ways to fail
# (too small / too big) pick the reason with `reason_key` from REASONS_BY_KEY.
REASONS_BY_KEY: dict[str, tuple[str, str]] = {
    "no_face": ("không thấy khuôn mặt, nhìn vào máy ảnh", "no face found, look at the camera"),
    "single_face": ("chỉ một người trong khung hình", "only one person in the picture"),
    "eyes_covered": ("không che mắt, để lộ hai mắt", "uncover your eyes"),
    "closer": ("lại gần hơn", "come closer"),
    "farther": ("lùi lại", "move back"),
    "look_straight": ("nhìn thẳng vào máy ảnh", "look straight at the camera"),
    "head_straight": ("giữ đầu thẳng, không nghiêng", "keep your head straight, do not tilt it"),
    "eyes_open": ("mở mắt", "open your eyes"),
    "mouth_closed": ("ngậm miệng", "close your mouth"),
    "move_left": ("dịch sang trái", "move to your left"),
    "move_right": ("dịch sang phải", "move to your right"),
    "move_up": ("nâng máy ảnh lên hoặc cúi thấp xuống", "raise the camera or lower yourself"),
    "move_down": ("hạ máy ảnh xuống hoặc đứng thẳng lên", "lower the camera or stand up straight"),
    "too_dark": ("thiếu sáng", "too dark, add light"),
    "too_bright": ("quá sáng", "too bright, reduce the light"),
    "uneven_light": ("ánh sáng không đều", "uneven light on the face"),
    "blurred": ("ảnh bị mờ, giữ yên", "the photo is blurred, hold still"),
    "background": ("phông nền không đồng nhất", "the background is not plain"),
}


@dataclass(frozen=True)
class CheckResult:
    """One quality check on one image."""

    code: str
    passed: bool
    value: float | None
    threshold: str
    reason_vi: str
    reason_en: str

    def as_dict(self) -> dict:
        return asdict(self)


def judge(code: str, value: float, fail_key: str) -> CheckResult:
    """Compare `value` with THRESHOLDS[code]; on failure give the reason `fail_key`."""
    limit = THRESHOLDS[code]
    passed = bool(limit.accepts(value))
    vi, en = ("đạt", "ok") if passed else REASONS_BY_KEY[fail_key]
    return CheckResult(code, passed, round(float(value), 4), limit.describe(), vi, en)


def judge_two_sided(code: str, value: float, low_key: str, high_key: str) -> CheckResult:
    """Like `judge`, but the reason depends on which side of the range the value fell."""
    limit = THRESHOLDS[code]
    too_low = limit.low is not None and value < limit.low
    return judge(code, value, low_key if too_low else high_key)


def not_evaluated(code: str, why_key: str = "no_face") -> CheckResult:
    """A check that could not run (no face): it fails, with the reason that blocked it."""
    vi, en = REASONS_BY_KEY[why_key]
    return CheckResult(code, False, None, THRESHOLDS[code].describe(), vi, en)
