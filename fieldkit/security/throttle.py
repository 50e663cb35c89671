"""Failed-login throttling that survives restarts: a persisted failure count and a refuse-until time.

No thread ever sleeps: an attempt before `locked_until` is refused at once with the seconds left, which the
UI shows and the CLI prints. Counts are per user name (`*` for attempts that name no user).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from fieldkit.security.files import read_json, write_json_atomic

FREE_FAILURES = 3  # typos are forgiven: the delay starts at the 3rd consecutive failure
FIRST_DELAY_S = 5.0
MAX_DELAY_S = 15 * 60.0


class Throttled(PermissionError):
    def __init__(self, seconds_left: float):
        super().__init__(f"too many failed attempts: try again in {int(seconds_left + 0.999)} s")
        self.seconds_left = seconds_left


def delay_after(failures: int) -> float:
    """Seconds to refuse attempts after `failures` consecutive failures: 0, 0, 5, 10, 20 … 900."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(MAX_DELAY_S, FIRST_DELAY_S * 2 ** (failures - FREE_FAILURES))


class LoginThrottle:
    def __init__(self, path: Path, clock: Callable[[], float] = time.time):
        self.path, self.clock = Path(path), clock

    def _load(self) -> dict:
        try:
            return read_json(self.path)
        except (FileNotFoundError, ValueError):
            return {}

    def check(self, user: str) -> None:
        """Raise Throttled if `user` must still wait."""
        entry = self._load().get(user or "*", {})
        left = float(entry.get("locked_until", 0)) - self.clock()
        if left > 0:
            raise Throttled(left)

    def failures(self, user: str) -> int:
        return int(self._load().get(user or "*", {}).get("failures", 0))

    def record_failure(self, user: str) -> float:
        """Count a failure durably (before the caller reports it) and return the delay now in force."""
        state = self._load()
        entry = state.setdefault(user or "*", {"failures": 0, "locked_until": 0})
        entry["failures"] = int(entry.get("failures", 0)) + 1
        delay = delay_after(entry["failures"])
        entry["locked_until"] = self.clock() + delay
        write_json_atomic(self.path, state)
        return delay

    def record_success(self, user: str) -> None:
        state = self._load()
        if state.pop(user or "*", None) is not None:
            write_json_atomic(self.path, state)
