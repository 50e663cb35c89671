"""The kit's settings: one declarative table, read from `<data>/settings.json` and `FIELDKIT_<NAME>` variables.

The table is the single source of truth: docs/settings.md is checked against it by a test, and the
`fieldkit settings` command prints it. A value from the environment beats the file, which beats the default.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    type: type
    help: str
    choices: tuple[str, ...] = ()

    def parse(self, raw: Any) -> Any:
        """Turn a JSON or environment value into this setting's type, or raise ValueError saying why."""
        if self.type is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError(f"{self.name}: expected true/false, got {raw!r}")
        try:
            value = self.type(raw)
        except (TypeError, ValueError):
            raise ValueError(f"{self.name}: expected {self.type.__name__}, got {raw!r}") from None
        if self.choices and value not in self.choices:
            raise ValueError(f"{self.name}: expected one of {', '.join(self.choices)}, got {raw!r}")
        return value


SETTINGS: tuple[Setting, ...] = (
    Setting("language", "vi", str, "Interface language at start-up.", ("vi", "en")),
    Setting("camera", "camera:sim:studio", str, "Camera device spec (e.g. camera:opencv:0)."),
    Setting("fingerprint", "fingerprint:sim:normal", str, "Single-finger scanner spec (e.g. fingerprint:serial:/dev/ttyUSB0?baud=57600)."),
    Setting("slap_scanner", "slap:sim:normal", str, "Four-finger slap scanner spec."),
    Setting("qr_reader", "qr:sim", str, "Card-QR reader spec (e.g. qr:serial:/dev/ttyACM0)."),
    Setting("hub_url", "", str, "Receiving hub URL, set by `fieldkit provision`."),
    Setting("inactivity_lock_minutes", 5, int, "Lock the kit after this many minutes without input."),
    Setting("fingerprint_quality_min", 40, int, "Lowest fingerprint quality score (0-100) accepted without a retry."),
    Setting("fingerprint_max_tries", 3, int, "Tries per finger before the best one is kept."),
    Setting("sync_retention_days", 30, int, "Days an acknowledged packet is kept before it is purged."),
    Setting("hpke_suite", "x25519", str, "Packet encryption: x25519 (RFC 9180 base) or mlkem768-x25519 (post-quantum hybrid).",
            ("x25519", "mlkem768-x25519")),
    Setting("token_module", "", str, "PKCS#11 library of the supervisors' signing tokens (e.g. the vendor's .so); empty: no tokens."),
    Setting("token_label", "", str, "Label of the signing token to use; empty: the only token plugged in."),
    Setting("token_slot", -1, int, "PKCS#11 slot id of the signing token; -1: any slot."),
    Setting("issuing_unit", "", str, "Police unit printed on the appointment slip (e.g. Công an xã Ea Tu); empty: \"Công an\" + the session's commune."),
    Setting("log_level", "INFO", str, "Log level for the kit's log file.", ("DEBUG", "INFO", "WARNING", "ERROR")),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}
SETTINGS_FILE = "settings.json"


def env_name(name: str) -> str:
    return "FIELDKIT_" + name.upper()


class Settings:
    """Resolved values for one data directory. Read-only; `save()` writes overrides back to the file."""

    def __init__(self, values: dict[str, Any], path: Path | None = None):
        self._values = values
        self.path = path

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"no setting named {name!r}") from None

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    def with_overrides(self, **changes: Any) -> "Settings":
        values = dict(self._values)
        for name, raw in changes.items():
            if name not in BY_NAME:
                raise KeyError(f"no setting named {name!r}")
            values[name] = BY_NAME[name].parse(raw)
        return Settings(values, self.path)

    def save(self) -> None:
        if self.path is None:
            raise ValueError("these settings have no file")
        changed = {s.name: self._values[s.name] for s in SETTINGS if self._values[s.name] != s.default}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(changed, indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.path)


def load_settings(data_dir: Path | None = None, environ: dict[str, str] | None = None,
                  on_error: Callable[[str], None] | None = None) -> Settings:
    """Defaults, then `<data_dir>/settings.json`, then FIELDKIT_<NAME> variables.

    A bad value is reported through `on_error` and the lower layer's value is kept, so a typo in a
    settings file never stops a kit from starting in a village.
    """
    environ = os.environ if environ is None else environ
    report = on_error or (lambda message: None)
    values = {s.name: s.default for s in SETTINGS}
    path = data_dir / SETTINGS_FILE if data_dir else None
    if path and path.exists():
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            report(f"{path}: unreadable settings file ({exc}); using defaults")
            stored = {}
        for name, raw in stored.items():
            if name not in BY_NAME:
                report(f"{path}: unknown setting {name!r} ignored")
                continue
            try:
                values[name] = BY_NAME[name].parse(raw)
            except ValueError as exc:
                report(str(exc))
    for setting in SETTINGS:
        raw = environ.get(env_name(setting.name))
        if raw is not None:
            try:
                values[setting.name] = setting.parse(raw)
            except ValueError as exc:
                report(str(exc))
    return Settings(values, path)


def settings_markdown_table() -> str:
    """The table as it stands in docs/settings.md (a test keeps the two equal)."""
    lines = ["| name | default | type | environment | help |", "|---|---|---|---|---|"]
    for s in SETTINGS:
        default = json.dumps(s.default, ensure_ascii=False)
        kind = s.type.__name__ + (f" ({' / '.join(s.choices)})" if s.choices else "")
        lines.append(f"| `{s.name}` | `{default}` | {kind} | `{env_name(s.name)}` | {s.help} |")
    return "\n".join(lines) + "\n"
