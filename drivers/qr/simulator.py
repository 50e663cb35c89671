"""Device side of a serial-mode QR reader: sends each "scanned" code as a UTF-8 line on a pty.

    sim = QrSimulator("normal")                 # transport="memory" for unit tests
    text = sim.present_card(7)                  # synthetic person 7's ID-card QR; returns the text sent
    sim.scan("any text");  sim.faults.set("checksum");  sim.close()

Faults (see drivers/sim/faults.py): checksum → one byte of the code corrupted to invalid UTF-8; garbage →
a line of noise; timeout → the code stops half-way without a line end; disconnect → cable pulled
mid-code; busy → another program holds the port. A QR reader has no password: `password` is ignored.
"""

from __future__ import annotations

import random

from drivers.fingerprint.simulator import noise
from drivers.qr.people import SyntheticPerson, synthetic_person
from drivers.sim.faults import Faults
from drivers.sim.profiles import load_profile
from drivers.sim.device import SimulatedSerialDevice
from drivers.sim.runner import Pause, Send, Unplug

DEFAULTS = {"description": "", "baud": 115200, "pacing": True, "terminator": "\r\n", "chunked": True,
            "faults": "", "replug_after": 0.3}


class QrReaderModel:
    """Serial-mode readers ignore what the host sends; they only speak when a code is scanned."""

    def __init__(self, profile: dict, faults: Faults, seed: int = 0):
        self.profile = profile
        self.faults = faults
        self.rng = random.Random(seed)

    def on_bytes(self, data: bytes) -> list:
        return []

    def on_replug(self) -> None:
        pass

    def scan_actions(self, text: str) -> list:
        data = text.encode("utf-8")
        end = self.profile["terminator"].encode()
        if self.faults.fires("timeout"):
            return [Send(data[: len(data) // 2])]
        if self.faults.fires("garbage"):
            return [Send(noise(self.rng, 40) + end)]
        if self.faults.fires("disconnect"):
            return [Send(data[: len(data) // 2]), Unplug(self.profile["replug_after"])]
        if self.faults.fires("checksum") and data:
            corrupted = bytearray(data)
            corrupted[len(data) // 2] = 0xFF  # never valid in UTF-8
            data = bytes(corrupted)
        return self._chunks(data + end)

    def _chunks(self, data: bytes) -> list:
        if not self.profile["chunked"]:
            return [Send(data)]
        actions, pos = [], 0
        while pos < len(data):
            size = self.rng.randint(1, 64)  # USB CDC packets of a few dozen bytes, split anywhere
            actions += [Send(data[pos:pos + size]), Pause(0.002)]
            pos += size
        return actions


class QrSimulator(SimulatedSerialDevice):
    def __init__(self, profile: str = "normal", *, transport: str = "pty", faults: str | None = None,
                 pacing: bool | None = None, seed: int = 0):
        self.profile = load_profile("qr", profile, DEFAULTS)
        if pacing is not None:
            self.profile["pacing"] = pacing
        super().__init__(seed)
        self.model = QrReaderModel(self.profile, self.faults, seed)
        self._start(self.model, kind="qr", transport=transport, fault_texts=(self.profile["faults"], faults),
                    baudrate=int(self.profile["baud"]), pacing=bool(self.profile["pacing"]))

    @property
    def baudrate(self) -> int:
        return int(self.profile["baud"])

    def scan(self, text: str) -> None:
        """As if the reader decoded a code with this text."""
        self.runner.enqueue(self.model.scan_actions(text))

    def present_card(self, person: int | SyntheticPerson) -> str:
        """Scan a synthetic person's ID-card QR; returns the text."""
        if isinstance(person, int):
            person = synthetic_person(person)
        text = person.card_qr()
        self.scan(text)
        return text
