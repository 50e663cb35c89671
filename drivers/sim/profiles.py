"""Simulator profiles as data, pyvisa-sim style: one TOML file per profile in `drivers/<kind>/data/profiles/`.

`fingerprint:sim:dry-finger` loads drivers/fingerprint/data/profiles/dry-finger.toml. A profile is merged
over the simulator's defaults; unknown keys are an error (a typo must not silently do nothing).
"""

from __future__ import annotations

import copy
import tomllib
from importlib import resources

from drivers.errors import SpecError


def _folder(kind: str, folder: str):
    return resources.files(f"drivers.{kind}").joinpath("data").joinpath(folder)


def list_profiles(kind: str, folder: str = "profiles") -> list[str]:
    folder = _folder(kind, folder)
    if not folder.is_dir():
        return []
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_profile(kind: str, name: str, defaults: dict, folder: str = "profiles") -> dict:
    """Defaults updated with the profile's values (one level of tables merged)."""
    name = name or "normal"
    path = _folder(kind, folder).joinpath(f"{name}.toml")
    if not path.is_file():
        known = ", ".join(list_profiles(kind, folder))
        raise SpecError(f"no {kind} simulator profile {name!r} in {folder} (known: {known})")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{kind} profile {name!r} is not valid TOML: {exc}") from None
    merged = copy.deepcopy(defaults)
    for key, value in data.items():
        if key not in defaults:
            raise SpecError(f"{kind} profile {name!r}: unknown key {key!r} (known: {', '.join(defaults)})")
        if isinstance(defaults[key], dict):
            if not isinstance(value, dict):
                raise SpecError(f"{kind} profile {name!r}: {key} must be a table")
            merged[key].update(value)
        else:
            merged[key] = value
    merged["name"] = name
    return merged
