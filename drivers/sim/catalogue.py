"""The simulated devices a technician can open, for `fieldkit devices` and the hardware lab."""

from __future__ import annotations

from drivers.sim.profiles import list_profiles


def enumerate_simulators() -> list:
    from drivers.registry import DeviceInfo

    found = []
    for profile in list_profiles("fingerprint"):
        found.append(DeviceInfo(spec=f"fingerprint:sim:{profile}", description=_describe("fingerprint", profile),
                                simulated=True))
    for profile in list_profiles("fingerprint", "slap-profiles"):
        found.append(DeviceInfo(spec=f"slap:sim:{profile}", description="simulated slap scanner: " + profile,
                                simulated=True))
    for profile in list_profiles("qr"):
        spec = "qr:sim" if profile == "normal" else f"qr:sim:{profile}"
        found.append(DeviceInfo(spec=spec, description="simulated card-QR reader (serial mode): " + profile,
                                simulated=True))
    return found


def _describe(kind: str, profile: str) -> str:
    import tomllib
    from importlib import resources

    path = resources.files(f"drivers.{kind}").joinpath("data").joinpath("profiles").joinpath(f"{profile}.toml")
    try:
        text = tomllib.loads(path.read_text(encoding="utf-8")).get("description", "")
    except (OSError, tomllib.TOMLDecodeError):
        text = ""
    return f"simulated R30x module: {text}" if text else "simulated R30x module"
