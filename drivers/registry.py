"""Open a device from its spec string, and list what is plugged in.

BACKENDS maps (kind, backend) to "module:function". The opener takes a DeviceSpec and returns the live
device object; an optional enumerator (ENUMERATORS) returns DeviceInfo for devices it can see. Modules are
imported only when used, so a missing optional dependency breaks only its own backend.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from drivers.errors import DeviceError, SpecError
from drivers.spec import DeviceSpec

BACKENDS: dict[tuple[str, str], str] = {
    ("fingerprint", "serial"): "drivers.fingerprint.uart_scanner:open_scanner",
    ("fingerprint", "sim"): "drivers.fingerprint.uart_scanner:open_simulated_scanner",
    ("slap", "serial"): "drivers.fingerprint.slap_scanner:open_slap_scanner",
    ("slap", "sim"): "drivers.fingerprint.slap_scanner:open_simulated_slap_scanner",
    ("qr", "serial"): "drivers.qr.reader:open_reader",
    ("qr", "sim"): "drivers.qr.reader:open_simulated_reader",
    ("camera", "opencv"): "drivers.camera.opencv_camera:open_opencv_camera",
    ("camera", "sim"): "drivers.camera.sim_camera:open_sim_camera",
}

ENUMERATORS: tuple[str, ...] = (
    "drivers.camera.opencv_camera:enumerate_cameras",
    "drivers.camera.sim_camera:enumerate_profiles",
    "drivers.serial_link:enumerate_serial_ports",
    "drivers.sim.catalogue:enumerate_simulators",
)


@dataclass(frozen=True)
class DeviceInfo:
    spec: str
    description: str
    simulated: bool = False


def _load(ref: str):
    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module), attr)


def open_device(spec: str | DeviceSpec, **kwargs: Any):
    """The opened device for `spec`, or a DeviceError subclass that says what is wrong."""
    parsed = spec if isinstance(spec, DeviceSpec) else DeviceSpec.parse(spec)
    ref = BACKENDS.get((parsed.kind, parsed.backend))
    if ref is None:
        known = sorted(f"{k}:{b}" for k, b in BACKENDS if k == parsed.kind)
        raise SpecError(f"no backend {parsed.backend!r} for {parsed.kind} (known: {', '.join(known) or 'none'})",
                        spec=str(parsed))
    return _load(ref)(parsed, **kwargs)


def enumerate_devices() -> list[DeviceInfo]:
    """Every device the enumerators can see; an enumerator that fails is reported as a pseudo-device."""
    found: list[DeviceInfo] = []
    for ref in ENUMERATORS:
        try:
            found.extend(_load(ref)())
        except DeviceError as exc:
            found.append(DeviceInfo(spec=ref, description=f"enumeration failed: {exc}"))
    return found
