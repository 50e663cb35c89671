"""A kit's four enrolment devices, opened once from its settings and closed together (fieldkit.kit.Kit.devices).

The specs are the kit's settings (`camera`, `qr_reader`, `slap_scanner`, `fingerprint`), so `fieldkit demo`
runs the same drivers as the enrolment screens (the app opens the same specs one by one through its
DeviceManager, on its BackgroundRunner). For simulated devices `real_timing=False` adds `pacing=0`: a
simulated R307 at 57 600 baud spends its real 6.95 s on every image upload, and the slap scanner 2 s per slap, which would make a 200-citizen demo last hours. The
bytes, frames, checksums and drivers are the same; only the line's waiting is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from drivers.registry import open_device
from drivers.spec import DeviceSpec

ROLES = ("qr", "camera", "slap", "fingerprint")
_SETTING = {"qr": "qr_reader", "camera": "camera", "slap": "slap_scanner", "fingerprint": "fingerprint"}
_PACED = ("qr", "slap", "fingerprint")  # simulators with line timing (the camera sim has none)
_INSTANT_PROFILE = ("slap", "fingerprint")  # scanners whose simulators have an `instant` profile


def demo_spec(spec: str, real_timing: bool = False) -> str:
    """`spec`, with the line timing of a simulated serial/USB device switched off unless asked for.

    The scanners' default `normal` profile also emulates the device's own processing (the R307 spends
    ~0.16 s per image); without real timing the `instant` profile of the same simulator is used instead."""
    parsed = DeviceSpec.parse(spec)
    if real_timing or parsed.backend != "sim" or parsed.kind not in _PACED or "pacing" in parsed.options:
        return str(parsed)
    if parsed.kind in _INSTANT_PROFILE and parsed.target in ("", "normal"):
        parsed = DeviceSpec(parsed.kind, parsed.backend, "instant", dict(parsed.options))
    return f"{parsed}{'&' if parsed.options else '?'}pacing=0"


@dataclass
class KitDevices:
    """Opened devices by role; `close()` closes every one (and with it its worker thread and simulator)."""

    devices: dict[str, object] = field(default_factory=dict)
    specs: dict[str, str] = field(default_factory=dict)

    @classmethod
    def open(cls, settings, real_timing: bool = True, roles: tuple[str, ...] = ROLES) -> "KitDevices":
        opened = cls()
        try:
            for role in roles:
                spec = demo_spec(getattr(settings, _SETTING[role]), real_timing)
                opened.devices[role] = open_device(spec)
                opened.specs[role] = spec
        except BaseException:
            opened.close()
            raise
        return opened

    @property
    def qr(self):
        return self.devices["qr"]

    @property
    def camera(self):
        return self.devices["camera"]

    @property
    def slap(self):
        return self.devices["slap"]

    @property
    def fingerprint(self):
        return self.devices["fingerprint"]

    def simulated(self, role: str) -> bool:
        return getattr(self.devices.get(role), "simulator", None) is not None

    def close(self) -> None:
        errors = []
        for role in reversed(list(self.devices)):
            try:
                self.devices.pop(role).close()
            except Exception as exc:  # close the others anyway
                errors.append(exc)
        if errors:
            raise errors[0]

    def __enter__(self) -> "KitDevices":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
