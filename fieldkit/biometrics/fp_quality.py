"""Fingerprint quality 0-100 in the spirit of NFIQ 2, with reasons an officer can act on (vi / en).

NFIQ 2 computes block features (orientation certainty, local clarity, frequency domain, ridge-valley
uniformity, contrast, minutiae, region of interest) and maps them with a trained random forest. FieldKit has no
trained model to ship, so each feature is mapped linearly between a "bad" and a "good" anchor to a goodness in
[0, 1] and the goodnesses are combined by a weighted geometric mean (one very bad feature pulls the score down
hard, as a random forest does; an arithmetic mean would let four good features hide a smear). Foreground area
then caps the score: a print covering a fifth of the window cannot be a good enrolment print however clear.

FEATURES is the single table (name, anchors, weight, source/rationale); docs/fingerprints.md prints it and a
test keeps them equal. Anchors were calibrated on the synthetic prints (good vs dry/wet/smudged/partial) and
on the published ranges: ridge period 7-13 px at 500 ppi; NFIQ 2 OCL and LCS definitions.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Sequence

import numpy as np

from fieldkit.biometrics.fp_enhance import PERIOD_RANGE, Analysis, analyse, block_reduce, gabor_enhance
from fieldkit.biometrics.minutiae import Template, extract_from_analysis

DEFAULT_MINIMUM = 40          # settings: fingerprint_quality_min
DEFAULT_MAX_TRIES = 3         # settings: fingerprint_max_tries
CLARITY_BLOCK = 32
MIN_GOODNESS = 0.02
DRY_ORIENTATION_CERTAINTY = 0.62   # below: ridges broken up (dry, light touch); above: smeared (smudge)           # floor so a zero feature gives a low score, not a math error


@dataclass(frozen=True)
class FeatureSpec:
    name: str
    unit: str
    bad: float                # value at (or beyond) which goodness is 0
    good: float               # value at (or beyond) which goodness is 1
    weight: float
    source: str


FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec("orientation_certainty", "coherence 0-1", 0.45, 0.85, 0.25,
                "NFIQ 2 OCL: strength of one dominant ridge direction per block (gradient coherence, Bazen & Gerez)."),
    FeatureSpec("local_clarity", "d' ridge vs valley", 0.7, 1.8, 0.25,
                "NFIQ 2 LCS: grey-level separation of ridge and valley pixels in each block after Gabor segmentation."),
    FeatureSpec("ridge_frequency", "share of blocks", 0.3, 0.8, 0.15,
                "NFIQ 2 frequency domain: blocks with a clear spectral peak at a ridge period of 7-13 px (500 ppi)."),
    FeatureSpec("contrast", "grey levels", 25.0, 80.0, 0.20,
                "NFIQ 2 contrast/uniformity: mean grey difference between valleys and ridges in the foreground."),
    FeatureSpec("minutiae_count", "minutiae", 12.0, 40.0, 0.15,
                "NFIQ 2 minutiae count: a plain 500 ppi print shows ~30-80; fewer than 12 rarely matches."),
)
AREA = FeatureSpec("foreground_area", "share of image", 0.25, 0.55, 0.0,
                   "NFIQ 2 ROI: finger contact area (block-variance segmentation); caps the score, not averaged.")


@dataclass(frozen=True)
class Reason:
    code: str
    vi: str
    en: str


REASONS = {
    "no_finger": Reason("no_finger", "Không thấy ngón tay trên mặt kính — đặt ngón tay lên máy quét",
                        "No finger on the platen — place the finger on the scanner"),
    "small_area": Reason("small_area", "Ngón tay chạm quá ít — đặt ngón tay vào giữa và ấn phẳng cả đầu ngón",
                         "Too little of the finger touches — centre the finger and press the whole tip flat"),
    "off_centre": Reason("off_centre", "Ngón tay lệch — đặt ngón tay vào giữa mặt kính",
                         "Finger off-centre — place the finger in the middle of the platen"),
    "faint": Reason("faint", "Vân tay mờ, da khô — ấn mạnh hơn; hà hơi hoặc thoa chút kem dưỡng lên ngón tay",
                    "Faint print, dry skin — press harder; breathe on the finger or apply a little moisturiser"),
    "too_dark": Reason("too_dark", "Vân tay đậm, dính vào nhau — lau khô ngón tay và ấn nhẹ hơn",
                       "Dark, merged ridges — wipe the finger dry and press more lightly"),
    "smudged": Reason("smudged", "Vân tay bị nhòe — giữ yên ngón tay khi quét, lau sạch mặt kính",
                      "Smudged print — keep the finger still while scanning and clean the platen"),
    "unclear_ridges": Reason("unclear_ridges", "Không thấy rõ đường vân — lau sạch ngón tay và mặt kính rồi quét lại",
                             "No clear ridge pattern — clean the finger and the platen, then scan again"),
    "few_minutiae": Reason("few_minutiae", "Quá ít điểm đặc trưng — đặt lại ngón tay, phủ kín vùng quét",
                           "Too few ridge details — place the finger again, covering the scan area"),
}


@dataclass(frozen=True)
class Feature:
    name: str
    value: float
    goodness: float
    weight: float
    unit: str
    reason: Reason | None = None      # what to do about this feature when it is low

    @property
    def ok(self) -> bool:
        return self.goodness >= 0.5


@dataclass
class QualityReport:
    score: int
    minimum: int
    features: list[Feature]
    reasons: list[Reason]
    template: Template | None = field(default=None, repr=False)

    @property
    def acceptable(self) -> bool:
        return self.score >= self.minimum

    def to_dict(self) -> dict:
        return {
            "score": self.score, "minimum": self.minimum, "acceptable": self.acceptable,
            "features": [{**asdict(f), "ok": f.ok} for f in self.features],   # asdict nests the reason
            "reasons": [asdict(r) for r in self.reasons],
        }


def features_markdown_table() -> str:
    """The feature table as docs/fingerprints.md shows it (a test keeps the two equal)."""
    lines = ["| feature | unit | bad (0) | good (1) | weight | source / rationale |", "|---|---|---|---|---|---|"]
    for s in (*FEATURES, AREA):
        weight = f"{s.weight:.2f}" if s.weight else "cap (multiplies)"
        lines.append(f"| `{s.name}` | {s.unit} | {s.bad:g} | {s.good:g} | {weight} | {s.source} |")
    return "\n".join(lines) + "\n"


def goodness(spec: FeatureSpec, value: float) -> float:
    """Linear map of a raw value between the spec's bad and good anchors onto [0, 1]."""
    g = (value - spec.bad) / (spec.good - spec.bad)
    return float(np.clip(g, 0.0, 1.0))


def _ridge_valley_stats(analysis: Analysis) -> tuple[float, float, float]:
    """Median ridge/valley separation d', median valley-ridge grey difference, mean foreground grey."""
    gray = analysis.gray.astype(np.float32)
    mask = analysis.mask
    if not mask.any():
        return 0.0, 0.0, float(gray.mean())
    enhanced = gabor_enhance(analysis)
    ridge, valley = (enhanced > 0) & mask, (enhanced <= 0) & mask
    b = CLARITY_BLOCK

    def total(x):
        return block_reduce(x.astype(np.float32), b, np.sum)

    n_r, n_v = total(ridge), total(valley)
    mean_r, mean_v = total(gray * ridge) / np.maximum(n_r, 1), total(gray * valley) / np.maximum(n_v, 1)
    var_r = np.maximum(total(gray * gray * ridge) / np.maximum(n_r, 1) - mean_r ** 2, 0)
    var_v = np.maximum(total(gray * gray * valley) / np.maximum(n_v, 1) - mean_v ** 2, 0)
    full = (block_reduce(mask.astype(np.float32), b, np.mean) > 0.9) & (n_r > 50) & (n_v > 50)
    if not full.any():
        return 0.0, 0.0, float(gray[mask].mean())
    separation = (mean_v - mean_r) / (np.sqrt(var_r) + np.sqrt(var_v) + 1e-6)
    return float(np.median(separation[full])), float(np.median((mean_v - mean_r)[full])), float(gray[mask].mean())


def measure(analysis: Analysis, template: Template) -> dict[str, float]:
    """Raw feature values of one analysed print."""
    mask = analysis.mask
    separation, contrast, mean_grey = _ridge_valley_stats(analysis)
    periods, peaks = analysis.block_periods, analysis.block_peak
    clear = (periods >= PERIOD_RANGE[0]) & (periods <= PERIOD_RANGE[1]) & (peaks >= 0.3)
    rows, cols = np.nonzero(mask)
    if rows.size:
        offset = max(abs(rows.mean() / mask.shape[0] - 0.5), abs(cols.mean() / mask.shape[1] - 0.5))
    else:
        offset = 0.5
    return {
        "orientation_certainty": float(analysis.coherence[mask].mean()) if mask.any() else 0.0,
        "local_clarity": separation,
        "ridge_frequency": float(clear.mean()) if clear.size else 0.0,
        "contrast": contrast,
        "minutiae_count": float(len(template)),
        "foreground_area": float(mask.mean()),
        "centre_offset": float(offset),
        "mean_grey": mean_grey,
    }


def _reasons(values: dict[str, float], features: dict[str, Feature], area_goodness: float) -> list[Reason]:
    """What the officer should do, most important first."""
    if values["foreground_area"] < 0.12:
        return [REASONS["no_finger"]]
    reasons = []
    if area_goodness < 0.5:
        reasons.append(REASONS["small_area"])
    if values["centre_offset"] > 0.15:
        reasons.append(REASONS["off_centre"])
    weak_contrast = not features["contrast"].ok or not features["local_clarity"].ok
    # dry skin breaks ridges into dots (direction lost); a smear keeps the direction but washes out the contrast
    broken = values["orientation_certainty"] < DRY_ORIENTATION_CERTAINTY
    if weak_contrast and values["mean_grey"] >= 150 and broken:
        reasons.append(REASONS["faint"])
    elif weak_contrast and values["mean_grey"] < 110:
        reasons.append(REASONS["too_dark"])
    elif weak_contrast or not features["orientation_certainty"].ok:
        reasons.append(REASONS["smudged"])
    if not features["ridge_frequency"].ok:
        reasons.append(REASONS["unclear_ridges"])
    if not features["minutiae_count"].ok:
        reasons.append(REASONS["few_minutiae"])
    return reasons


def assess_analysis(analysis: Analysis, minimum: int = DEFAULT_MINIMUM) -> QualityReport:
    template = extract_from_analysis(analysis)
    values = measure(analysis, template)
    features = {s.name: Feature(s.name, values[s.name], goodness(s, values[s.name]), s.weight, s.unit)
                for s in FEATURES}
    area_goodness = goodness(AREA, values["foreground_area"])
    combined = float(np.exp(sum(f.weight * np.log(max(f.goodness, MIN_GOODNESS)) for f in features.values())))
    score = int(round(100 * combined * area_goodness))
    listed = [*features.values(), Feature(AREA.name, values["foreground_area"], area_goodness, 0.0, AREA.unit),
              Feature("centre_offset", values["centre_offset"], float(values["centre_offset"] <= 0.15), 0.0,
                      "share of image"),
              Feature("mean_grey", values["mean_grey"], 1.0, 0.0, "grey level")]
    reasons = _reasons(values, features, area_goodness)
    listed = [_with_reason(f, reasons) for f in listed]
    return QualityReport(score, int(minimum), listed, reasons, template)


# which reasons explain a low value of each feature, most specific first
_FEATURE_REASONS = {
    "orientation_certainty": ("no_finger", "faint", "too_dark", "smudged"),
    "local_clarity": ("no_finger", "faint", "too_dark", "smudged"),
    "contrast": ("no_finger", "faint", "too_dark", "smudged"),
    "ridge_frequency": ("no_finger", "unclear_ridges"),
    "minutiae_count": ("no_finger", "few_minutiae", "small_area"),
    "foreground_area": ("no_finger", "small_area"),
    "centre_offset": ("no_finger", "off_centre"),
}


def _with_reason(feature: Feature, reasons: list[Reason]) -> Feature:
    if feature.ok:
        return feature
    codes = {r.code: r for r in reasons}
    for code in _FEATURE_REASONS.get(feature.name, ()):
        if code in codes:
            return replace(feature, reason=codes[code])
    return feature


def assess_print(image, minimum: int = DEFAULT_MINIMUM) -> QualityReport:
    """Quality of one 500 ppi print (uint8 array, dark ridges on light)."""
    return assess_analysis(analyse(image), minimum)


def limits_from_settings(settings) -> tuple[int, int]:
    """(minimum score, max tries) from a fieldkit.settings.Settings: `fingerprint_quality_min`, `fingerprint_max_tries`."""
    return int(settings.fingerprint_quality_min), max(1, int(settings.fingerprint_max_tries))


@dataclass(frozen=True)
class TriesOutcome:
    best_index: int
    best: QualityReport
    accepted: bool               # the best try reaches the minimum
    may_retry: bool              # not accepted and tries remain: ask for another capture


def best_of_tries(captures: Sequence, minimum: int = DEFAULT_MINIMUM,
                  max_tries: int = DEFAULT_MAX_TRIES) -> TriesOutcome:
    """Assess up to `max_tries` captures of one finger (images or QualityReports) and keep the best.

    Stop asking once one is acceptable; after `max_tries` the best try is kept and the officer records it
    (or marks the finger UNABLE with a reason).
    """
    if not captures:
        raise ValueError("no captures to choose from")
    reports = [c if isinstance(c, QualityReport) else assess_print(c, minimum) for c in captures[:max_tries]]
    index = max(range(len(reports)), key=lambda i: reports[i].score)
    best = reports[index]
    accepted = best.score >= minimum
    return TriesOutcome(index, best, accepted, not accepted and len(reports) < max_tries)
