"""One citizen at the devices: card QR, face and fingerprints, through the drivers and the quality checks.

The simulators stand in for the citizen's body: the person's `biometric_seed` picks the camera sitter and is
the "person" the scanner simulators render prints for, so a repeat visitor shows the same face and the same
fingers under a new name. Everything after the simulator's "present" call is the app's own path: the
driver, the byte protocol, quality assessment, retries keeping the best try, WSQ / JPEG 2000 encoding.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from fieldkit.biometrics.fp_codec import encode_wsq
from fieldkit.biometrics.fp_enhance import analyse
from fieldkit.biometrics.fp_quality import assess_analysis
from fieldkit.biometrics.minutiae import extract_from_analysis
from fieldkit.demo.population import SyntheticCitizen
from fieldkit.domain.captures import Captures, FingerSlot
from fieldkit.domain.fingers import CAPTURE_PLAN, Finger, FingerStatus, Slap

# Fingers whose templates go to duplicate search, first captured two in this order (thumbs and index fingers
# are the ones national systems search on; two keep a 200-person session's 1:N pass to seconds).
DEDUP_FINGERS = (Finger.RIGHT_INDEX, Finger.LEFT_INDEX, Finger.RIGHT_THUMB, Finger.LEFT_THUMB,
                 Finger.RIGHT_MIDDLE, Finger.LEFT_MIDDLE)
DEDUP_FINGER_COUNT = 2
BAD_CONDITIONS = ("smudged", "dry", "wet")
# Pre-2025 card addresses of the session's area (Kon Tum, now Quảng Ngãi): what old cards carry.
CARD_ADDRESSES = (
    "Thôn 3, Xã Đắk Hring, Huyện Đắk Hà, Tỉnh Kon Tum",
    "Thôn Kon Rlong, Xã Đắk Hring, Huyện Đắk Hà, Tỉnh Kon Tum",
    "Làng Kon Klor, Phường Thắng Lợi, Thành phố Kon Tum, Tỉnh Kon Tum",
)


def person_rng(person: SyntheticCitizen, purpose: str) -> random.Random:
    return random.Random(f"fieldkit-demo|{person.biometric_seed}|{person.index}|{purpose}")


# ---------------------------------------------------------------------------------------------- card QR

def has_card(person: SyntheticCitizen, today: date) -> bool:
    """Citizens 14 and over with an ID number carry a chip card (its QR prefills the form)."""
    return bool(person.personal_id) and person.age_on(today) >= 14 and person.duplicate_of is None


def card_qr_text(person: SyntheticCitizen) -> str:
    """The QR on the back of the person's card (Thông tư 06/2021 layout), with a pre-2025 address."""
    rng = person_rng(person, "card")
    issued = date(rng.randint(2021, 2024), rng.randint(1, 12), rng.randint(1, 28))
    return "|".join((person.personal_id or "", "", person.birth_name, person.dob.strftime("%d%m%Y"), person.sex,
                     rng.choice(CARD_ADDRESSES), issued.strftime("%d%m%Y")))


def scan_card(reader, person: SyntheticCitizen, timeout: float = 10.0):
    """The card's CardPrefill as the reader driver parses it (fieldkit.domain.card_qr)."""
    reader.simulator.scan(card_qr_text(person))
    prefill = reader.read_card(timeout=timeout)
    if prefill is None:
        raise TimeoutError("the card QR did not arrive from the reader")
    return prefill


# ---------------------------------------------------------------------------------------------- face

@dataclass
class FaceResult:
    data: bytes
    metadata: dict
    encoding: np.ndarray | None
    frames: int
    auto: bool  # False: no frame passed every check in the budget, the officer kept the best one
    failed_checks: list[str] = field(default_factory=list)


def sitter_for(person: SyntheticCitizen) -> str:
    """The camera simulator's sitter for this body (same seed, same sitter): stable across processes."""
    from drivers.synthetic.face_scenes import SITTERS

    names = sorted(SITTERS)
    digest = hashlib.sha256(person.biometric_seed.encode()).digest()
    return names[int.from_bytes(digest[:4], "big") % len(names)]


def capture_face(camera, autocapture, person: SyntheticCitizen, max_frames: int = 12,
                 turned_frames: int = 0) -> FaceResult:
    """Auto-capture from live frames; after `max_frames` without a passing pose, keep the best frame.

    `turned_frames`: the citizen first looks aside for that many frames (a bad first capture).
    """
    from fieldkit.dedup.encoding import NoFaceError, face_encoding
    from fieldkit.quality.face import assess_face
    from fieldkit.quality.portrait import crop_portrait, encode_portrait

    sim = camera.simulator
    sim.set_scene(sitter=sitter_for(person), yaw=25.0 if turned_frames else 0.0)
    autocapture.reset()
    best, best_score = None, -1.0
    for index in range(max_frames):
        if index == turned_frames and turned_frames:
            sim.set_scene(yaw=0.0)
        frame = camera.read_frame(timeout=30).image
        live, portrait = autocapture.feed(frame)
        if portrait is not None:
            return FaceResult(portrait.data, portrait.metadata(), _encoding(face_encoding, NoFaceError, frame),
                              index + 1, True)
        a = live.assessment
        passed = sum(c.passed for c in a.checks)
        if a.face is not None and passed > best_score:
            best, best_score = (frame, a), passed
    if best is None:
        raise RuntimeError("no face seen in any frame")
    frame, assessment = best
    crop = crop_portrait(frame, assessment.face.landmarks, autocapture.config.size)
    final = assess_face(crop.image, framing="portrait")
    encoded = encode_portrait(crop.image, autocapture.config.max_bytes, autocapture.config.fmt)
    failed = [c.code for c in final.checks if not c.passed]
    metadata = {"format": encoded.format, "mime": encoded.mime, "size_bytes": len(encoded.data),
                "acceptable": final.acceptable, "checks": [c.as_dict() for c in final.checks],
                "kept_by_officer": True}
    return FaceResult(encoded.data, metadata, _encoding(face_encoding, NoFaceError, frame), max_frames, False, failed)


def _encoding(face_encoding, no_face, frame):
    try:
        return face_encoding(frame)
    except no_face:
        return None


# ---------------------------------------------------------------------------------------------- fingers

@dataclass
class FingerResult:
    captures: Captures
    blobs: dict[str, bytes]
    templates: dict[str, bytes]  # "fp:<position>" -> minutiae template, for duplicate search
    retries: int = 0  # tries beyond the first, over all steps
    exceptions: int = 0
    low_quality: int = 0  # steps whose best try stayed below the minimum
    scores: dict[str, int] = field(default_factory=dict)


def bad_steps(person: SyntheticCitizen) -> dict:
    """For a bad first capture: two steps (one slap, one rolled finger) whose first try is poor, and how."""
    if not person.bad_first_capture:
        return {}
    rng = person_rng(person, "bad")
    return {rng.choice(list(Slap)): rng.choice(BAD_CONDITIONS), rng.choice(list(Finger)): rng.choice(BAD_CONDITIONS)}


def capture_fingers(slap_scanner, module, person: SyntheticCitizen, minimum: int, max_tries: int) -> FingerResult:
    """Slaps 4-4-2, then the ten rolled prints (CAPTURE_PLAN); exceptions recorded with their reasons."""
    caps = Captures()
    result = FingerResult(caps, {}, {})
    excepted = dict(person.finger_exceptions)
    poor_first = bad_steps(person)
    for finger, (status, reason) in excepted.items():
        caps.rolled[finger] = FingerSlot(status, reason)
        result.exceptions += 1
    for step in CAPTURE_PLAN:
        if isinstance(step, Slap):
            _slap_step(slap_scanner, person, step, excepted, poor_first.get(step), minimum, max_tries, result)
        elif step not in excepted:
            _rolled_step(module, person, Finger(step), poor_first.get(step), minimum, max_tries, result)
    return result


def _slap_step(scanner, person, slap: Slap, excepted, first_condition, minimum, max_tries, result) -> None:
    slot = result.captures.slaps[slap]
    missing = [f for f in slap.fingers if f in excepted]
    for f in missing:
        status, reason = excepted[f]
        slot.fingers[f] = FingerSlot(status, reason)
    if len(missing) == len(slap.fingers):
        return
    best = None
    for attempt in range(max_tries):
        condition = first_condition if attempt == 0 and first_condition else "good"
        scanner.simulator.present_hand(person.biometric_seed, condition, missing=missing)
        capture = scanner.capture_slap(slap, timeout=60)
        scores = {s.finger: assess_analysis(analyse(s.image), minimum).score
                  for s in capture.segments if s.present and s.image is not None}
        score = min(scores.values()) if scores else 0
        if best is None or score > best[0]:
            best = (score, capture, scores)
        if score >= minimum:
            break
    result.retries += attempt
    score, capture, scores = best
    name = f"print/slap/{slap.name.lower()}.wsq"
    result.blobs[name] = encode_wsq(capture.image)
    slot.image_ref, slot.quality, slot.tries = name, float(score), attempt + 1
    for finger, finger_score in scores.items():
        slot.fingers[finger] = FingerSlot(FingerStatus.CAPTURED, "", None, float(finger_score), attempt + 1)
    result.scores[slap.name.lower()] = int(score)
    result.low_quality += score < minimum


def _rolled_step(module, person, finger: Finger, first_condition, minimum, max_tries, result) -> None:
    best = None
    for attempt in range(max_tries):
        condition = first_condition if attempt == 0 and first_condition else "good"
        module.simulator.present_finger(person.biometric_seed, int(finger), condition)
        capture = module.capture_rolled(finger, timeout=60)
        analysis = analyse(capture.image)
        report = assess_analysis(analysis, minimum)
        if best is None or report.score > best[0]:
            best = (report.score, capture, analysis)
        if report.score >= minimum:
            break
    module.simulator.lift()
    result.retries += attempt
    score, capture, analysis = best
    name = f"print/rolled/{finger.name.lower()}.wsq"
    result.blobs[name] = encode_wsq(capture.image)
    result.captures.rolled[finger] = FingerSlot(FingerStatus.CAPTURED, "", name, float(score), attempt + 1)
    result.scores[finger.name.lower()] = int(score)
    result.low_quality += score < minimum
    wanted = [f for f in DEDUP_FINGERS if f not in _excepted_of(result)][:DEDUP_FINGER_COUNT]
    if finger in wanted and score >= minimum:
        result.templates[f"fp:{int(finger)}"] = extract_from_analysis(analysis).to_bytes()


def _excepted_of(result: FingerResult) -> set[Finger]:
    return {f for f, s in result.captures.rolled.items() if s.status is not None and s.status.needs_reason}
