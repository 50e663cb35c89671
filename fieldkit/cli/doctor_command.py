"""`fieldkit doctor`: what a technician checks first: versions, data dir, devices, keys."""

from __future__ import annotations

import importlib
import importlib.metadata
import platform
import sys

from fieldkit import __version__

# Each probe returns lines for one section; probes of later parts (devices, keys) are added here.
PROBES = (
    "fieldkit.cli.doctor_command:versions_section",
    "fieldkit.cli.doctor_command:data_section",
    "fieldkit.security.doctor:keys_section",
    "fieldkit.quality.doctor:face_section",
    "fieldkit.cli.device_commands:doctor_section",
    "sync.client.doctor:sync_section",
)

_PACKAGES = ("PySide6", "opencv-python-headless", "face-recognition", "dlib-bin", "numpy", "cryptography",
             "sqlite-utils", "pyserial", "vietnamadminunits")


def versions_section(ctx) -> tuple[str, list[str]]:
    lines = [f"fieldkit {__version__}", f"Python {sys.version.split()[0]} on {platform.platform()}"]
    for name in _PACKAGES:
        try:
            lines.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            lines.append(f"{name} MISSING")
    return "Versions", lines


def data_section(ctx) -> tuple[str, list[str]]:
    d = ctx.data_dir
    mode = oct(d.stat().st_mode & 0o777)
    return "Data", [f"data dir {d} (mode {mode})", f"settings file {d / 'settings.json'}"]


def register(sub) -> None:
    p = sub.add_parser("doctor", help="print versions, data dir, devices found and key state")
    p.set_defaults(func=run)


def run(args, ctx) -> int:
    """Exit 1 if a probe broke or warned (a WARNING line: e.g. hub keys not sealed by this kit)."""
    failed = 0
    for ref in PROBES:
        module, _, attr = ref.partition(":")
        try:
            title, lines = getattr(importlib.import_module(module), attr)(ctx)
        except Exception as exc:  # a broken probe must not hide the others
            title, lines, failed = ref, [f"ERROR {type(exc).__name__}: {exc}"], failed + 1
        print(f"== {title}")
        for line in lines:
            print(f"  {line}")
        failed += any(line.startswith("WARNING") for line in lines)
    return 1 if failed else 0
