"""The kit's HTTP connection to its hub: signs every request and sorts failures into two kinds.

- `HubUnreachable`: the link failed (refused, reset, timed out, stalled, answer cut short, 5xx). Nothing
  is known about the request's effect; the caller retries later and the protocol makes retries safe.
- `HubRefused`: the hub answered with a 4xx and a reason. Retrying the same request will not help.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any, Iterable

import httpx

from sync.client.kit import KitIdentity
from sync.protocol import API, sign_request


class HubUnreachable(Exception):
    """No usable answer from the hub (network fault, timeout, truncated answer, server error).
    `connected` is False when no connection could even be made (no link at all, or the hub is down)."""

    def __init__(self, message: str, connected: bool = True):
        super().__init__(message)
        self.connected = connected


class HubRefused(Exception):
    def __init__(self, status: int, code: str, message: str, body: dict[str, Any]):
        super().__init__(f"hub refused ({status} {code}): {message}")
        self.status = status
        self.code = code
        self.message = message
        self.body = body


@dataclass(frozen=True)
class Timeouts:
    connect_s: float = 15.0
    # Longest silence tolerated mid-request: a stalled link is given up on after this and retried later.
    read_s: float = 30.0
    write_s: float = 30.0
    # The slowest link allowed for when waiting for the answer of a streamed body (bytes/s): half the
    # slowest link the kit is built for (64 kbit/s). See HubClient._stream_timeout.
    stream_floor_bytes_s: float = 4000.0


class HubClient:
    """One keep-alive connection pool to the hub, for the sync worker's threads (its delivery pipeline runs two
    requests at once: httpx's pool is thread-safe, and the counters change under a lock)."""

    def __init__(self, base_url: str, identity: KitIdentity, timeouts: Timeouts = Timeouts()):
        self.base_url = base_url.rstrip("/")
        self.identity = identity
        self.requests_sent = 0
        self.answers_received = 0  # any HTTP answer, even a refusal: the hub is reachable
        self._counting = threading.Lock()
        self.timeouts = timeouts
        timeout = httpx.Timeout(connect=timeouts.connect_s, read=timeouts.read_s, write=timeouts.write_s,
                                pool=timeouts.connect_s)
        # Plain http:// (a hub on the office LAN, or tests) needs no certificate store; loading one costs ~80 ms.
        # Requests are signed either way, and the payload is sealed to the hub's key.
        verify = self.base_url.startswith("https://")
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, trust_env=False, verify=verify,
                                  headers={"User-Agent": "fieldkit-sync/1"})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "HubClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def health(self) -> dict[str, Any]:
        return self.request("GET", f"{API}/health", signed=False)[1]

    def request(self, method: str, path: str, *, body: bytes = b"", json_body: Any = None, signed: bool = True,
                content_type: str | None = None, stream: Iterable[bytes] | None = None,
                stream_bytes: int = 0) -> tuple[int, dict[str, Any]]:
        """Send one request; (status, JSON answer) for 2xx, HubRefused for 4xx, HubUnreachable otherwise.
        `stream`: a body of about `stream_bytes` sent as it is produced (a streamed upload's frames); the
        request's signature then covers the empty body, and each frame carries its own (sync/frames.py)."""
        if json_body is not None:
            body = json.dumps(json_body, separators=(",", ":")).encode("utf-8")
            content_type = "application/json"
        headers = {"Content-Type": content_type} if content_type else {}
        if signed:
            headers.update(sign_request(self.identity, self.identity.kit_id, method, path, body))
        with self._counting:
            self.requests_sent += 1
        try:
            response = self._http.request(method, path, content=stream if stream is not None else body or None,
                                          headers=headers, timeout=self._stream_timeout(stream_bytes))
            raw = response.content
        except httpx.HTTPError as exc:  # connect/read/write errors, timeouts, cut-short answers
            raise HubUnreachable(f"{type(exc).__name__}: {exc}",
                                 connected=not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))) from None
        with self._counting:
            self.answers_received += 1
        answer = _decode(raw)
        if response.status_code >= 500 or answer is None:
            raise HubUnreachable(f"hub answered {response.status_code} without a usable body")
        if response.status_code >= 400:
            raise HubRefused(response.status_code, str(answer.get("error", "refused")),
                             str(answer.get("message", "")), answer)
        return response.status_code, answer


    def _stream_timeout(self, nbytes: int) -> Any:
        """A long body goes into the socket buffers (the kit's, the modem's) long before it crosses a slow
        link, and the answer comes only after its last byte: so the wait for the answer of a streamed body
        also allows for that body at `stream_floor_bytes_s`. A link that stalls while the body still flows
        is caught by the write timeout as before."""
        if not nbytes:
            return httpx.USE_CLIENT_DEFAULT
        t = self.timeouts
        return httpx.Timeout(connect=t.connect_s, read=t.read_s + nbytes / t.stream_floor_bytes_s, write=t.write_s,
                             pool=t.connect_s)



def _decode(raw: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return value if isinstance(value, dict) else None
