"""The simulated devices a technician can open, for `fieldkit devices` and the hardware lab."""

from __future__ import annotations

import tomllib
from importlib import resources

from drivers.sim.profiles import list_profiles

# (spec prefix, package, profile folder, what it simulates)
SIMULATORS = (
    ("fingerprint:sim", "fingerprint", "profiles", "simulated R30x module"),
    ("slap:sim", "fingerprint", "slap-profiles", "simulated slap scanner"),
    ("qr:sim", "qr", "profiles", "simulated card-QR reader"),
)


def enumerate_simulators() -> list:
    from drivers.registry import DeviceInfo

    found = []
    for prefix, package, folder, what in SIMULATORS:
        for profile in list_profiles(package, folder):
            text = _description(package, folder, profile)
            found.append(DeviceInfo(spec=f"{prefix}:{profile}", description=f"{what}: {text or profile}",
                                    simulated=True))
    return found


def _description(package: str, folder: str, profile: str) -> str:
    path = resources.files(f"drivers.{package}").joinpath("data").joinpath(folder).joinpath(f"{profile}.toml")
    try:
        return str(tomllib.loads(path.read_text(encoding="utf-8")).get("description", ""))
    except (OSError, tomllib.TOMLDecodeError):
        return ""
