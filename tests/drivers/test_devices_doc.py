"""docs/devices-fingerprint-qr.md stays honest: every profile, fault, event state and code it must list."""

from __future__ import annotations

from pathlib import Path

from drivers.fingerprint import protocol as p
from drivers.sim.catalogue import enumerate_simulators
from drivers.sim.faults import FAULT_NAMES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "devices-fingerprint-qr.md").read_text(encoding="utf-8")


def test_every_simulator_profile_is_documented():
    for info in enumerate_simulators():
        spec = "qr:sim" if info.spec == "qr:sim:normal" else info.spec
        assert f"`{spec}`" in DOC, spec


def test_every_fault_is_documented():
    for name in FAULT_NAMES:
        assert f"| `{name}` |" in DOC, name


def test_every_confirmation_code_is_documented_with_both_languages():
    for code, (name, english, vietnamese) in p.CONFIRMATION.items():
        assert f"| 0x{code:02X} | {name} | {english} | {vietnamese} |" in DOC, hex(code)


def test_event_states_are_documented():
    import re

    root = Path(__file__).resolve().parents[2] / "drivers"
    paths = [*root.joinpath("fingerprint").rglob("*.py"), *root.joinpath("qr").rglob("*.py"),
             root / "serial_device.py", root / "serial_link.py"]
    states = set()
    for path in paths:
        states |= set(re.findall(r'emit\("status", state="(\w+)"', path.read_text(encoding="utf-8")))
    assert states >= {"connected", "disconnected", "error", "waiting_for_finger", "finger_captured", "scanned"}
    for state in states:
        assert f"`{state}`" in DOC, state
