"""Device side of the simulated enrolment-grade slap scanner (FKSP/1, see slap_protocol.py).

    sim = SlapSimulator("normal")                       # pty by default; transport="memory" for unit tests
    sim.present_hand("person-7", condition="good", missing=(Finger.RIGHT_LITTLE,))
    sim.lift();  sim.faults.set("disconnect");  sim.close()

A capture renders each finger of the slap with the image source at its place on a 1600 × 1500 px
(3.2 × 3.0 in at 500 ppi) platen and reports the boxes it drew, as scanner SDKs report their segmentation.

Timing, from the profile: after a hand is placed the scanner reports "capturing" for `settle_seconds`
(auto-capture waits for the fingers to hold still), then takes `capture_seconds` to expose and segment, then
sends the image at the line rate (`baud`). The default profile ("normal") is a good USB 2.0 scanner, about a
second a slap; "hard" is an older full-speed one that keeps the lab's patience and timeout paths busy.
`pacing=0` skips the emulated waiting (line rate and settle time), not the scanner's processing time.
The masters of all ten fingers start synthesising (or loading from the print cache) when the hand is placed,
so the image is ready before the settle time is over on a machine that is not starved.
"""

from __future__ import annotations

import random
import struct
import time
import zlib

import numpy as np

from drivers.errors import ProtocolError
from drivers.fingerprint import slap_protocol as sp
from drivers.fingerprint.images import CONDITIONS, resolve_image_source
from drivers.fingerprint.simulator import noise
from drivers.sim.faults import Faults
from drivers.sim.profiles import load_profile
from drivers.sim.render import BackgroundRenderer
from drivers.sim.device import SimulatedSerialDevice
from drivers.sim.runner import Pause, Send, Unplug
from fieldkit.domain.fingers import SLAP_FINGERS, Finger, Slap

PPI = 500
PLATEN = (1500, 1600)          # height, width in pixels
ROLLED = (750, 800)            # 1.5 × 1.6 in image for a single rolled finger
ROLLED_BOX = (160, 95, 480, 560)  # x, y, w, h of the finger in it (the print generator's largest size)
MODEL = "FieldKit simulated 4-4-2 scanner"

DEFAULTS = {"description": "", "baud": 12_000_000, "pacing": True, "access_key": 0, "faults": "",
            "settle_seconds": 0.0, "capture_seconds": 0.0, "default_condition": "good", "image_source": "synthetic",
            "replug_after": 0.3}
# The order a capture session needs the fingers in (slaps 4-4-2, then rolled): masters are prefetched so.
PREFETCH_ORDER = (*(int(f) for f in SLAP_FINGERS[Slap.RIGHT_FOUR]), *(int(f) for f in SLAP_FINGERS[Slap.LEFT_FOUR]),
                  *(int(f) for f in SLAP_FINGERS[Slap.TWO_THUMBS]))

# Where each finger lands on the platen (x, y, w, h): fingertips staggered as a hand lies, thumbs apart.
_FOUR_BOXES = ((100, 420, 300, 440), (460, 260, 300, 460), (820, 320, 300, 450), (1180, 560, 280, 400))
_THUMB_BOXES = ((260, 480, 340, 480), (1000, 480, 340, 480))


def slap_layout(slap: Slap) -> list[tuple[Finger, tuple[int, int, int, int]]]:
    boxes = _THUMB_BOXES if slap is Slap.TWO_THUMBS else _FOUR_BOXES
    return list(zip(SLAP_FINGERS[slap], boxes, strict=True))


def _lift_off(tip: np.ndarray) -> np.ndarray:
    """In a plain slap the finger leaves the platen towards the first joint: fade the print's lower part."""
    background = float(np.median(tip[:4]))
    fade = np.clip(np.linspace(1.6, -0.2, tip.shape[0], dtype=np.float32), 0.0, 1.0)[:, None]
    return np.clip(background - (background - tip.astype(np.float32)) * fade, 0, 255).astype(np.uint8)


def _compose(shape: tuple[int, int], prints) -> np.ndarray:
    """Lay prints on an empty platen; the platen takes the prints' own background grey, so no seams show."""
    if prints:
        background = int(np.median(np.concatenate([p[:4].ravel() for _, _, p in prints])))
    else:
        background = 232
    image = np.full(shape, background, np.uint8)
    for _, (x, y, w, h), print_ in prints:
        region = image[y:y + h, x:x + w]
        np.minimum(region, print_, out=region)  # where a ridge touches, it is darker than the platen
    return image


class SlapScannerModel:
    """FKSP/1 device logic; runs on the simulator thread."""

    def __init__(self, profile: dict, faults: Faults, seed: int = 0, renderer: BackgroundRenderer | None = None):
        self.profile = profile
        self.renderer = renderer or BackgroundRenderer("slap")
        self.impression = 0
        self.faults = faults
        self.image_source = resolve_image_source(profile["image_source"])
        self.rng = random.Random(seed)
        self.reader = sp.SlapFrameReader()
        self.hand: tuple[str, str, tuple[Finger, ...]] | None = None  # person, condition, missing fingers
        self.placed_at = 0.0
        self.captures = 0
        self.authorised = False
        self.last_image: np.ndarray | None = None

    def on_replug(self) -> None:
        self.reader.clear()
        self.authorised = False

    def on_bytes(self, data: bytes) -> list:
        self.reader.feed(data)
        actions: list = []
        while True:
            try:
                frame = self.reader.next_frame()
            except ProtocolError:
                actions += self._answer([sp.error_frame(0, sp.ERROR_BAD_REQUEST, "corrupted request")])
                continue
            if frame is None:
                return actions
            actions += self._dispatch(frame)

    def _dispatch(self, frame: sp.Frame) -> list:
        if frame.type == sp.HELLO:
            return self._hello(frame)
        if not self.authorised:
            return self._answer([sp.error_frame(frame.seq, sp.ERROR_ACCESS_DENIED, "say HELLO with the access key")])
        if frame.type == sp.CAPTURE_SLAP and len(frame.payload) == 1 and frame.payload[0] in {s.value for s in Slap}:
            return self._capture(frame.seq, Slap(frame.payload[0]))
        if frame.type == sp.CAPTURE_FINGER and len(frame.payload) == 1 and 1 <= frame.payload[0] <= 10:
            return self._capture(frame.seq, Finger(frame.payload[0]))
        return self._answer([sp.error_frame(frame.seq, sp.ERROR_BAD_REQUEST, f"cannot do {frame.name}")])

    def _hello(self, frame: sp.Frame) -> list:
        key = struct.unpack(">I", frame.payload[:4])[0] if len(frame.payload) >= 4 else None
        if key != self.profile["access_key"] or self.faults.fires("password"):
            self.authorised = False
            return self._answer([sp.error_frame(frame.seq, sp.ERROR_ACCESS_DENIED, "wrong access key")])
        self.authorised = True
        info = {"model": MODEL, "ppi": PPI, "width": PLATEN[1], "height": PLATEN[0], "protocol": "FKSP/1"}
        return self._answer([sp.json_frame(sp.INFO, frame.seq, info)])

    def present(self, hand) -> None:
        if hand is not None:
            self.impression += 1
            self.placed_at = time.monotonic()
            self.prefetch(hand[0])
        self.hand = hand

    def prefetch(self, person: str) -> None:
        """Have `person`'s ten masters made (or loaded) on the prefetch thread, in the order captures need them."""
        from drivers.synthetic import fingerprints  # noqa: PLC0415 - only the synthetic source has masters

        if self.image_source is fingerprints.synthesize_print:
            for finger in PREFETCH_ORDER:  # one job a finger: closing the simulator waits for one master at most
                self.renderer.prefetch(("master", person, finger),
                                       lambda finger=finger: fingerprints.prepare_masters(person, (finger,)))

    def _capture(self, seq: int, what: Slap | Finger) -> list:
        hand = self.hand
        if hand is None:
            return self._answer([sp.error_frame(seq, sp.ERROR_NO_HAND, "nothing on the platen")])
        person, condition, missing = hand
        key = (what, hand, self.impression)
        rendered = self.renderer.get(key, lambda: self._render(what, person, condition, missing))
        # The settle time is emulated waiting like the line rate: `pacing=0` (demos, fast tests) skips both.
        settle = float(self.profile["settle_seconds"]) if self.profile["pacing"] else 0.0
        settling = time.monotonic() - self.placed_at < settle
        if rendered is None or settling:  # auto-capture still settling: the host asks again
            return self._answer([sp.error_frame(seq, sp.ERROR_CAPTURING, "capture in progress")])
        self.captures += 1
        image, segments = rendered
        self.last_image = image
        header = {"width": image.shape[1], "height": image.shape[0], "ppi": PPI,
                  "kind": "slap" if isinstance(what, Slap) else "finger", "code": int(what),
                  "bytes": image.size, "segments": segments}
        data = image.tobytes()
        frames = [sp.json_frame(sp.IMAGE_BEGIN, seq, header)]
        frames += [sp.encode_frame(sp.IMAGE_DATA, seq, data[i:i + sp.DATA_CHUNK])
                   for i in range(0, len(data), sp.DATA_CHUNK)]
        frames.append(sp.encode_frame(sp.IMAGE_END, seq, struct.pack(">I", zlib.crc32(data))))
        return self._answer(frames, delay=self.profile["capture_seconds"])

    def _render(self, what, person: str, condition: str, missing) -> tuple[np.ndarray, list[dict]]:
        if isinstance(what, Finger):
            present = what not in missing
            prints = [(what, (ROLLED_BOX), self._print(person, what, condition if present else "none", ROLLED_BOX))]
            image = _compose(ROLLED, prints)
            return image, [{"finger": int(what), "box": list(ROLLED_BOX), "present": present}]
        prints, segments = [], []
        for finger, box in slap_layout(what):
            present = finger not in missing
            if present:
                prints.append((finger, box, _lift_off(self._print(person, finger, condition, box))))
            segments.append({"finger": int(finger), "box": list(box), "present": present})
        return _compose(PLATEN, prints), segments

    def _print(self, person: str, finger: Finger, condition: str, box) -> np.ndarray:
        x, y, w, h = box
        return self.image_source(person, int(finger), condition=condition, size=(h, w), impression=self.impression)

    def _answer(self, frames: list[bytes], delay: float = 0.0) -> list:
        if self.faults.fires("timeout"):
            return []
        if self.faults.fires("garbage"):
            return [Pause(delay), Send(noise(self.rng, 64 + self.rng.randrange(64)))]
        if self.faults.fires("disconnect"):
            return [Pause(delay), *(Send(f) for f in frames[: len(frames) // 2]), Unplug(self.profile["replug_after"])]
        if self.faults.fires("checksum"):
            first = bytearray(frames[0])
            first[-1] ^= 0x5A
            frames = [bytes(first), *frames[1:]]
        return ([Pause(delay)] if delay else []) + [Send(f) for f in frames]


class SlapSimulator(SimulatedSerialDevice):
    """A simulated slap scanner on its own thread at `path`."""

    def __init__(self, profile: str = "normal", *, transport: str = "pty", faults: str | None = None,
                 pacing: bool | None = None, image_source: str | None = None, seed: int = 0):
        self.profile = load_profile("fingerprint", profile, DEFAULTS, folder="slap-profiles")
        if pacing is not None:
            self.profile["pacing"] = pacing
        if image_source is not None:
            self.profile["image_source"] = image_source
        super().__init__(seed)
        self.renderer = BackgroundRenderer("slap")
        self.model = SlapScannerModel(self.profile, self.faults, seed, self.renderer)
        # A USB device: the host's baud setting does not reach it.
        self._start(self.model, kind="slap", transport=transport, fault_texts=(self.profile["faults"], faults),
                    baudrate=int(self.profile["baud"]), pacing=bool(self.profile["pacing"]), check_baud=False)

    def present_hand(self, person: str, condition: str | None = None, missing=()) -> None:
        condition = condition or self.profile["default_condition"]
        if condition not in CONDITIONS:
            raise ValueError(f"unknown finger condition {condition!r} (known: {', '.join(CONDITIONS)})")
        self.model.present((person, condition, tuple(Finger(f) for f in missing)))

    def prefetch(self, person: str) -> None:
        """Make `person`'s master prints ahead of time (e.g. the next citizen in the queue), off the caller's thread."""
        self.model.prefetch(person)

    def lift(self) -> None:
        self.model.present(None)
