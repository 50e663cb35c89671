"""Failed-login throttling that survives restarts and holds under parallel processes.

No thread ever sleeps: an attempt before `locked_until` is refused at once with the seconds left, which the
UI shows and the CLI prints. Three counters gate attempts:
- per user name: the first two consecutive failures are free, then 5, 10, 20 … 900 s;
- nameless (`*`, attempts that try every slot): the same schedule; while it refuses, named attempts are
  refused too, and a nameless attempt never tries the slot of a user who is being throttled;
- per kit (`#kit`): EVERY failed attempt, named or nameless, counts here, so guessing under many names is
  slowed as one. It allows more free failures (several people typo on one kit) and forgets them after an
  hour without failures; a success cancels only its own attempt, so an insider who knows their own
  passphrase cannot reset it by logging in between guesses.

Race-free: `reserve()` checks the counters AND counts the attempt as a failure in one step, under an
exclusive fcntl lock on `throttle.lock`, before the passphrase is tried; `record_success()` then cancels
that reservation and `confirm_failure()` makes it final. Ten processes guessing at once therefore get
exactly the free attempts between them. The state file is replaced atomically through a unique temporary
(no shared `throttle.json.tmp`).

A crash is not a guess: a reservation whose process died before it was settled (power cut, SIGKILL during
the login) is cancelled by the next attempt. This gives a guesser nothing: the result is settled in the file
before any process can report it, so killing a login before it is settled also kills its answer.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from fieldkit.security.files import exclusive_lock, read_json, write_json_atomic

FREE_FAILURES = 3  # typos are forgiven: the delay starts at the 3rd consecutive failure
FIRST_DELAY_S = 5.0
MAX_DELAY_S = 15 * 60.0
ANY = "*"  # nameless attempts
KIT = "#kit"  # every attempt of the kit
KIT_FREE_FAILURES = 10
KIT_QUIET_S = 3600.0  # the kit counter starts again after an hour without failures
PENDING = "#pending"  # unsettled reservations: token -> {"pid", "user", "at"}
PENDING_MAX_S = 120.0  # a reservation this old is settled as a failure even if its pid looks alive (pid reuse)


@dataclass(frozen=True)
class Reservation:
    token: str
    user: str | None
    delay: float  # the delay in force if this attempt fails


class Throttled(PermissionError):
    audit_reason = "throttled"

    def __init__(self, seconds_left: float):
        super().__init__(f"too many failed attempts: try again in {int(seconds_left + 0.999)} s")
        self.seconds_left = seconds_left


def delay_after(failures: int, free: int = FREE_FAILURES) -> float:
    """Seconds to refuse attempts after `failures` consecutive failures: 0, 0, 5, 10, 20 … 900."""
    if failures < free:
        return 0.0
    return min(MAX_DELAY_S, FIRST_DELAY_S * 2 ** (failures - free))


class LoginThrottle:
    def __init__(self, path: Path, clock: Callable[[], float] = time.time):
        self.path, self.clock = Path(path), clock
        self.lock_path = self.path.with_suffix(".lock")

    def _load(self) -> dict:
        try:
            state = read_json(self.path)
        except (FileNotFoundError, ValueError):
            return {}
        return state if isinstance(state, dict) else {}

    def _entry(self, state: dict, key: str) -> dict:
        entry = state.get(key)
        if not isinstance(entry, dict):
            entry = {"failures": 0, "locked_until": 0}
        if key == KIT and self.clock() - float(entry.get("last_failure", 0)) > KIT_QUIET_S:
            entry = {"failures": 0, "locked_until": 0}
        return entry

    def _keys(self, user: str | None) -> list[str]:
        return [ANY, KIT] if not user or user == ANY else [user, ANY, KIT]

    def _counted(self, user: str | None) -> list[str]:
        return [ANY, KIT] if not user or user == ANY else [user, KIT]

    def is_throttled(self, user: str) -> bool:
        """Whether `user`'s own counter refuses now (a nameless attempt skips that user's slot)."""
        return float(self._entry(self._load(), user).get("locked_until", 0)) > self.clock()

    def check(self, user: str | None) -> None:
        """Raise Throttled if `user` (or the kit) must still wait. Does not count anything."""
        self._refuse_if_waiting(self._load(), user)

    def _refuse_if_waiting(self, state: dict, user: str | None) -> None:
        for key in self._keys(user):
            left = float(self._entry(state, key).get("locked_until", 0)) - self.clock()
            if left > 0:
                raise Throttled(left)

    def failures(self, user: str | None) -> int:
        return int(self._entry(self._load(), user or ANY).get("failures", 0))

    def reserve(self, user: str | None) -> float:
        """Under the lock: refuse (Throttled) if waiting, else count this attempt as failed NOW (durably) and
        return the delay it sets. The caller tries the passphrase afterwards and cancels on success."""
        with exclusive_lock(self.lock_path):
            state = self._load()
            self._cancel_abandoned(state)
            self._refuse_if_waiting(state, user)
            token = secrets.token_hex(8)
            state.setdefault(PENDING, {})[token] = {"pid": os.getpid(), "user": user or ANY, "at": self.clock()}
            return Reservation(token, user, self._count(state, user))

    def confirm_failure(self, reservation: "Reservation") -> None:
        """The passphrase was wrong: the reserved count stays for good."""
        with exclusive_lock(self.lock_path):
            state = self._load()
            if state.get(PENDING, {}).pop(reservation.token, None) is not None:
                write_json_atomic(self.path, state)

    def _cancel_abandoned(self, state: dict) -> None:
        """Undo reservations of processes that died before settling them; settle very old ones as failures."""
        pending = state.get(PENDING)
        if not isinstance(pending, dict):
            state[PENDING] = {}
            return
        for token, entry in list(pending.items()):
            if self.clock() - float(entry.get("at", 0)) > PENDING_MAX_S:
                del pending[token]
            elif not _alive(int(entry.get("pid", 0))):
                del pending[token]
                self._uncount(state, entry.get("user") or ANY)

    def _uncount(self, state: dict, user: str) -> None:
        for key in self._counted(user):
            entry = self._entry(state, key)
            entry["failures"] = max(0, int(entry.get("failures", 0)) - 1)
            if delay_after(entry["failures"], KIT_FREE_FAILURES if key == KIT else FREE_FAILURES) == 0:
                entry["locked_until"] = 0
            state[key] = entry

    def record_failure(self, user: str | None) -> float:
        """Count a failure (for callers that did not reserve); returns the delay now in force."""
        with exclusive_lock(self.lock_path):
            return self._count(self._load(), user)

    def _count(self, state: dict, user: str | None) -> float:
        now, delay = self.clock(), 0.0
        for key in self._counted(user):
            entry = self._entry(state, key)
            entry["failures"] = int(entry.get("failures", 0)) + 1
            entry_delay = delay_after(entry["failures"], KIT_FREE_FAILURES if key == KIT else FREE_FAILURES)
            entry["locked_until"], entry["last_failure"] = now + entry_delay, now
            state[key] = entry
            delay = max(delay, entry_delay)
        write_json_atomic(self.path, state)
        return delay

    def record_success(self, user: str | None, reservation: "Reservation | None" = None) -> None:
        """Cancel the reservation of a successful attempt: the user's (or nameless) count restarts, the kit's
        drops by one."""
        with exclusive_lock(self.lock_path):
            state = self._load()
            if reservation is not None:
                state.get(PENDING, {}).pop(reservation.token, None)
            state.pop(user or ANY, None)
            kit = self._entry(state, KIT)
            kit["failures"] = max(0, int(kit.get("failures", 0)) - 1)
            if delay_after(kit["failures"], KIT_FREE_FAILURES) == 0:
                kit["locked_until"] = 0
            state[KIT] = kit
            write_json_atomic(self.path, state)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True
