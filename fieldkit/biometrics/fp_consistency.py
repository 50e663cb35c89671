"""Capture-consistency checks within one person's ten-print: the same finger twice, fingers in the wrong order.

The plan is slaps 4-4-2 then ten rolled (fieldkit.domain.fingers.CAPTURE_PLAN). The slaps are the control:
a slap cannot present the fingers in the wrong order, so each slap segment (in SLAP_FINGERS order) must match
the rolled print of its own finger best.

Findings:
  same_finger_twice  two finger slots hold prints that match each other (the officer captured one finger twice)
  wrong_order        a slap segment matches another finger's rolled print better than its own (swapped slots)
  wrong_hand         ... and that other finger is on the other hand (the wrong hand was presented)
Each finding carries the finger codes, the score and messages in Vietnamese and English.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Mapping, Sequence

import numpy as np

from fieldkit.biometrics.fp_matcher import MATCH_THRESHOLD, match_score
from fieldkit.biometrics.minutiae import Template, extract_minutiae
from fieldkit.domain.fingers import SLAP_FINGERS, Finger, Slap

_VI_FINGER = {"THUMB": "ngón cái", "INDEX": "ngón trỏ", "MIDDLE": "ngón giữa", "RING": "ngón áp út",
              "LITTLE": "ngón út"}


def finger_label_vi(code: int) -> str:
    hand, name = Finger(code).name.split("_")
    return f"{_VI_FINGER[name]} tay {'phải' if hand == 'RIGHT' else 'trái'}"


def finger_label_en(code: int) -> str:
    hand, name = Finger(code).name.split("_")
    return f"{hand.lower()} {name.lower()}"


@dataclass(frozen=True)
class Finding:
    code: str
    fingers: tuple[int, ...]
    score: float
    vi: str
    en: str


def _template(item) -> Template:
    return item if isinstance(item, Template) else extract_minutiae(item)


def find_duplicates(prints: Mapping[int, Template | np.ndarray],
                    threshold: float = MATCH_THRESHOLD) -> list[Finding]:
    """Pairs of finger slots whose prints match: the same finger presented twice."""
    templates = {int(k): _template(v) for k, v in prints.items()}
    findings = []
    for a, b in combinations(sorted(templates), 2):
        score = match_score(templates[a], templates[b])
        if score >= threshold:
            findings.append(Finding(
                "same_finger_twice", (a, b), score,
                f"Ô {finger_label_vi(a)} và ô {finger_label_vi(b)} là cùng một ngón — chụp lại đúng ngón",
                f"The {finger_label_en(a)} and {finger_label_en(b)} slots hold the same finger — capture the right finger again"))
    return findings


def find_order_errors(rolled: Mapping[int, Template | np.ndarray],
                      slaps: Mapping[int, Sequence[Template | np.ndarray]],
                      threshold: float = MATCH_THRESHOLD) -> list[Finding]:
    """Slap segments that match another finger's rolled print better than their own."""
    templates = {int(k): _template(v) for k, v in rolled.items()}
    findings = []
    for slap_code, segments in slaps.items():
        expected = SLAP_FINGERS[Slap(int(slap_code))]
        for finger, segment in zip(expected, segments):
            segment = _template(segment)
            scores = {code: match_score(segment, tpl) for code, tpl in templates.items()}
            if not scores:
                continue
            best = max(scores, key=scores.__getitem__)
            own = scores.get(int(finger), 0.0)
            if best == int(finger) or scores[best] < threshold or scores[best] <= own:
                continue
            other_hand = Finger(best).hand != Finger(int(finger)).hand
            code = "wrong_hand" if other_hand else "wrong_order"
            findings.append(Finding(
                code, (int(finger), best), scores[best],
                f"Ảnh lăn ở ô {finger_label_vi(best)} lại khớp với {finger_label_vi(int(finger))} trong ảnh "
                f"bốn ngón — kiểm tra thứ tự ngón và chụp lăn lại",
                f"The rolled print in the {finger_label_en(best)} slot matches the {finger_label_en(int(finger))} in the slap — "
                f"check the finger order and roll again"))
    return findings


def check_capture(rolled: Mapping[int, Template | np.ndarray],
                  slaps: Mapping[int, Sequence[Template | np.ndarray]] | None = None,
                  threshold: float = MATCH_THRESHOLD) -> list[Finding]:
    """All consistency findings of one person's capture (empty list = consistent)."""
    templates = {int(k): _template(v) for k, v in rolled.items()}
    findings = find_duplicates(templates, threshold)
    if slaps:
        findings += find_order_errors(templates, slaps, threshold)
    return findings
