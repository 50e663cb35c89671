"""Faults a simulator injects on demand, toggled at run time (`sim.faults.set(...)`) or from a spec/profile.

Text form (spec option `faults=`, profile key `faults`, `fieldkit sim --faults`): comma-separated names, each
optionally with a probability and/or a count: `checksum`, `timeout:0.1` (10 % of answers), `disconnect*1`
(once), `garbage:0.5*3`. Names:

    checksum    answer with a wrong checksum / CRC                → driver raises ProtocolError
    timeout     do not answer                                      → DeviceTimeout
    disconnect  pull the cable mid-answer (mid image upload)       → DeviceDisconnected, then replug
    garbage     answer with line noise instead of a frame          → ProtocolError
    password    refuse the password                                → DeviceAccessDenied
    busy        another program holds the port                     → DeviceBusy on (re)open
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

FAULT_NAMES = ("checksum", "timeout", "disconnect", "garbage", "password", "busy")


@dataclass
class Fault:
    probability: float = 1.0
    times: int | None = None  # None: until cleared


class Faults:
    """Thread-safe set of active faults; `fires(name)` decides (and counts) one occurrence."""

    def __init__(self, seed: int = 0, on_change=None):
        self._active: dict[str, Fault] = {}
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self._on_change = on_change

    def set(self, *names: str, probability: float = 1.0, times: int | None = None, **flags) -> None:
        """Enable faults by name (`set("checksum")`) or by flag (`set(timeout=0.2, checksum=False)`)."""
        changes = {name: probability for name in names}
        changes.update(flags)
        with self._lock:
            for name, value in changes.items():
                _check_name(name)
                if value is False or value == 0:
                    self._active.pop(name, None)
                else:
                    p = 1.0 if value is True else float(value)
                    if not 0.0 < p <= 1.0:
                        raise ValueError(f"fault {name}: probability must be in (0, 1], got {value!r}")
                    self._active[name] = Fault(p, times)
        self._changed()

    def clear(self, *names: str) -> None:
        with self._lock:
            for name in names or list(self._active):
                self._active.pop(name, None)
        self._changed()

    def is_set(self, name: str) -> bool:
        with self._lock:
            return name in self._active

    def active(self) -> dict[str, Fault]:
        with self._lock:
            return dict(self._active)

    def fires(self, name: str) -> bool:
        """True if the fault happens now; counts down `times` faults and drops them at zero."""
        with self._lock:
            fault = self._active.get(name)
            if fault is None or self._random.random() >= fault.probability:
                return False
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    del self._active[name]
        self._changed()
        return True

    def apply_text(self, text: str) -> None:
        for name, fault in parse_faults(text).items():
            self.set(name, probability=fault.probability, times=fault.times)

    def describe(self) -> str:
        return format_faults(self.active()) or "none"

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change(self)


def _check_name(name: str) -> None:
    if name not in FAULT_NAMES:
        raise ValueError(f"unknown fault {name!r} (known: {', '.join(FAULT_NAMES)})")


def parse_faults(text: str) -> dict[str, Fault]:
    """'checksum,timeout:0.1,disconnect*1' → {name: Fault}; ValueError names the bad item."""
    result: dict[str, Fault] = {}
    for item in filter(None, (part.strip() for part in (text or "").split(","))):
        head, _, count = item.partition("*")
        name, _, prob = head.partition(":")
        _check_name(name.strip())
        try:
            p = float(prob) if prob else 1.0
            times = int(count) if count else None
        except ValueError:
            raise ValueError(f"bad fault {item!r}: write name[:probability][*times], e.g. timeout:0.1*3") from None
        if not 0.0 < p <= 1.0 or (times is not None and times < 1):
            raise ValueError(f"bad fault {item!r}: probability in (0, 1], times ≥ 1")
        result[name.strip()] = Fault(p, times)
    return result


def format_faults(faults: dict[str, Fault]) -> str:
    parts = []
    for name, fault in faults.items():
        text = name + (f":{fault.probability:g}" if fault.probability != 1.0 else "")
        parts.append(text + (f"*{fault.times}" if fault.times is not None else ""))
    return ",".join(parts)
