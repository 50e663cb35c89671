"""Device spec strings: `kind:backend[:target][?key=value&...]`, as in pyvisa-sim resource names.

    camera:opencv:0   camera:sim:studio   fingerprint:serial:/dev/ttyUSB0?baud=57600
    fingerprint:sim:normal   qr:serial:/dev/ttyACM0   qr:sim
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from drivers.errors import SpecError

KINDS = ("camera", "fingerprint", "slap", "qr")


@dataclass(frozen=True)
class DeviceSpec:
    kind: str
    backend: str
    target: str = ""
    options: dict[str, str] = field(default_factory=dict, hash=False, compare=True)

    @classmethod
    def parse(cls, text: str) -> "DeviceSpec":
        raw = (text or "").strip()
        body, _, query = raw.partition("?")
        parts = body.split(":", 2)
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise SpecError(f"not a device spec: {raw!r}")
        kind, backend = parts[0].lower(), parts[1].lower()
        if kind not in KINDS:
            raise SpecError(f"unknown device kind {kind!r} (known: {', '.join(KINDS)})", spec=raw)
        try:
            options = dict(parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query)))
        except ValueError:
            raise SpecError(f"bad options {query!r}", spec=raw) from None
        return cls(kind, backend, parts[2] if len(parts) > 2 else "", options)

    def option(self, name: str, default, convert=str):
        """An option converted to the wanted type, or SpecError naming the bad value."""
        if name not in self.options:
            return default
        try:
            return convert(self.options[name])
        except (TypeError, ValueError):
            what = getattr(convert, "what", convert.__name__)
            raise SpecError(f"option {name}={self.options[name]!r} is not a valid {what}",
                            spec=str(self)) from None

    def __str__(self) -> str:
        text = f"{self.kind}:{self.backend}" + (f":{self.target}" if self.target else "")
        if self.options:
            text += "?" + "&".join(f"{k}={v}" for k, v in self.options.items())
        return text


def parse_bool(text: str) -> bool:
    """Spec option converter: 1/0, true/false, yes/no, on/off."""
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(text)


parse_bool.what = "true/false (1/0)"


def parse_int(text: str) -> int:
    """Spec option converter: decimal, or hex with 0x (passwords, keys)."""
    return int(text, 16) if text.strip().lower().startswith("0x") else int(text, 10)


parse_int.what = "number (decimal, or hex with 0x)"
