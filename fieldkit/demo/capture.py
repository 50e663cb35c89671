"""One simulated citizen at the devices: the demo plays the citizen, the EnrolmentFlow does the rest.

The simulators stand in for the citizen's body: the person's `biometric_seed` picks the camera sitter and is
the "person" the scanner simulators render prints for, so a repeat visitor shows the same face and the same
fingers under a new name. Everything after the simulator's "present" call is the app's own path: the
driver, the byte protocol, fieldkit.enrolment.face.FaceCapture (auto-capture, or the best frame kept),
fieldkit.enrolment.prints.assess_capture and the flow's best-of-N (EnrolmentFlow.add_attempt), WSQ / JPEG 2000.
Nothing here draws a print or a face: the simulators in drivers/ do.
"""

from __future__ import annotations

import random
from datetime import date

from fieldkit.demo.population import SyntheticCitizen
from fieldkit.domain.fingers import Finger, Slap

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

def sitter_for(person: SyntheticCitizen, sitters: dict[str, str] | None = None) -> str:
    """The camera simulator's sitter for this body: same seed, same face. `sitters` (assign_sitters over the
    village) gives different people different faces while identities last; without it a stable hash choice."""
    from drivers.synthetic.face_scenes import sitter_for_seed

    if sitters and person.biometric_seed in sitters:
        return sitters[person.biometric_seed]
    return sitter_for_seed(person.biometric_seed)


def capture_face(camera, face_capture, person: SyntheticCitizen, max_frames: int = 12, turned_frames: int = 0,
                 sitters: dict[str, str] | None = None):
    """Auto-capture from live frames; after `max_frames` without a passing pose the officer keeps the best
    frame (its failed checks recorded). Returns a fieldkit.enrolment.face.FacePortrait.

    `turned_frames`: the citizen first looks aside for that many frames (a bad first capture).
    """
    sim = camera.simulator
    sim.set_scene(sitter=sitter_for(person, sitters), yaw=25.0 if turned_frames else 0.0)
    face_capture.reset()
    for index in range(max_frames):
        if index == turned_frames and turned_frames:
            sim.set_scene(yaw=0.0)
        _live, portrait = face_capture.feed(camera.read_frame(timeout=30).image)
        if portrait is not None:
            return portrait
    if not face_capture.has_candidate:
        raise RuntimeError("no face seen in any frame")
    return face_capture.keep_best()


# ---------------------------------------------------------------------------------------------- fingers

def bad_steps(person: SyntheticCitizen) -> dict:
    """For a bad first capture: two steps (one slap, one rolled finger) whose first try is poor, and how."""
    if not person.bad_first_capture:
        return {}
    rng = person_rng(person, "bad")
    return {rng.choice(list(Slap)): rng.choice(BAD_CONDITIONS), rng.choice(list(Finger)): rng.choice(BAD_CONDITIONS)}


def capture_fingers(flow, slap_scanner, module, person: SyntheticCitizen) -> None:
    """Every fingerprint step the flow asks for (slaps 4-4-2, then ten rolled), tries until the flow keeps one.

    The person's finger exceptions are recorded first, with their reasons, as the officer does on seeing them.
    """
    from fieldkit.enrolment.prints import assess_capture

    for finger, (status, reason) in person.finger_exceptions.items():
        flow.mark_exception(finger, status, reason)
    flow.restart_fingers()
    poor_first = bad_steps(person)
    while (step := flow.finger_step) is not None:
        condition = poor_first.get(step) if not flow.attempts else None
        condition = condition or "good"
        if isinstance(step, Slap):
            slap_scanner.simulator.present_hand(person.biometric_seed, condition, missing=flow.missing_in(step))
            capture = slap_scanner.capture_slap(step, timeout=60)
        else:
            module.simulator.present_finger(person.biometric_seed, int(step), condition)
            capture = module.capture_rolled(Finger(step), timeout=60)
            module.simulator.lift()
        flow.add_attempt(assess_capture(capture, step, flow.minimum))
