"""What people (and the UI) see of sync: queued, moving, last success, stuck and why. Thread-safe.

The worker thread writes; any thread reads `snapshot()`, a plain dict that `fieldkit sync --json` prints
and the UI can poll with a timer. Listeners are called (on the worker thread) after each change.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

STATES = ("idle", "offline", "probing", "uploading", "stopped")


class SyncStatus:
    def __init__(self, clock: Callable[[], float] = time.time):
        self._lock = threading.Lock()
        self._clock = clock
        self._listeners: list[Callable[[dict[str, Any]], None]] = []
        self._state = "idle"
        self._queued = 0
        self._in_flight: dict[str, Any] | None = None
        self._bytes_sent_total = 0
        self._delivered_total = 0
        self._last_success_at: float | None = None
        self._last_attempt_at: float | None = None
        self._last_error = ""
        self._next_attempt_at: float | None = None
        self._stuck: dict[str, dict[str, Any]] = {}
        self._refused: set[str] = set()  # packets the hub refused for good (signed reason kept on the kit)

    # -- writers (worker thread)
    def _changed(self) -> None:
        snapshot = self.snapshot()
        for listener in list(self._listeners):
            listener(snapshot)

    def add_listener(self, listener: Callable[[dict[str, Any]], None]) -> None:
        with self._lock:
            self._listeners.append(listener)

    def set_state(self, state: str, error: str = "", next_attempt_at: float | None = None) -> None:
        assert state in STATES, state
        with self._lock:
            self._state = state
            if state in ("probing", "uploading"):
                self._last_attempt_at = self._clock()
            if error:
                self._last_error = error
            self._next_attempt_at = next_attempt_at
        self._changed()

    def set_queued(self, count: int) -> None:
        with self._lock:
            self._queued = count
        self._changed()

    def begin_packet(self, packet_id: str, size: int, confirmed: int = 0) -> None:
        with self._lock:
            self._in_flight = {"packet_id": packet_id, "size": size, "confirmed_bytes": confirmed,
                               "sent_bytes": confirmed}
        self._changed()

    def packet_sent(self, packet_id: str, sent: int) -> None:
        """A stream handed the packet's bytes up to `sent` to the connection. The hub confirms a stream only
        at its end (or when asked after a cut), so this is what moves while it flows: shown, never trusted
        (a cut sends from the confirmed offset again)."""
        with self._lock:
            if self._in_flight and self._in_flight["packet_id"] == packet_id:
                self._in_flight["sent_bytes"] = max(sent, self._in_flight["confirmed_bytes"])
        self._changed()

    def packet_progress(self, packet_id: str, confirmed: int, sent_now: int) -> None:
        with self._lock:
            if self._in_flight and self._in_flight["packet_id"] == packet_id:
                self._in_flight["confirmed_bytes"] = confirmed
                self._in_flight["sent_bytes"] = max(confirmed, self._in_flight.get("sent_bytes", 0))
            self._bytes_sent_total += sent_now
            if self._state == "probing":
                self._state = "uploading"  # the hub confirmed bytes: the link is up and moving
                self._last_attempt_at = self._clock()
        self._changed()

    def packet_delivered(self, packet_id: str) -> None:
        with self._lock:
            if self._in_flight and self._in_flight["packet_id"] == packet_id:
                self._in_flight = None  # (the next packet may be on the link already: it stays shown)
            self._delivered_total += 1
            self._last_success_at = self._clock()
            self._stuck.pop(packet_id, None)
        self._changed()

    def packet_interrupted(self, error: str) -> None:
        with self._lock:
            self._in_flight = None
            self._last_error = error
        self._changed()

    def packet_stuck(self, packet_id: str, reason: str) -> None:
        with self._lock:
            previous = self._stuck.get(packet_id)
            self._stuck[packet_id] = {"packet_id": packet_id, "reason": reason,
                                      "since": previous["since"] if previous else self._clock()}
            if self._in_flight and self._in_flight["packet_id"] == packet_id:
                self._in_flight = None
        self._changed()

    def packet_refused(self, packet_id: str, reason: str) -> None:
        """The hub refused this packet for good: counted as refused, and listed as stuck with its reason."""
        with self._lock:
            self._refused.add(packet_id)
        self.packet_stuck(packet_id, f"rejected by the hub: {reason}")

    def contact_succeeded(self) -> None:
        with self._lock:
            self._last_success_at = self._clock()
            self._last_error = ""
        self._changed()

    # -- readers (any thread)
    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "state": self._state,
                "queued": self._queued,
                "in_flight": dict(self._in_flight) if self._in_flight else None,
                "bytes_sent_total": self._bytes_sent_total,
                "delivered_total": self._delivered_total,
                "last_success_at": _iso(self._last_success_at),
                "last_attempt_at": _iso(self._last_attempt_at),
                "next_attempt_at": _iso(self._next_attempt_at),
                "last_error": self._last_error,
                "stuck": [dict(s, since=_iso(s["since"])) for s in self._stuck.values()],
                "refused": len(self._refused),
            }


def _iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
