"""Deliver one sealed packet: resumable chunked upload, then a verified receipt.

The hub remembers an upload by (kit, packet id, sha256) and tells where to resume (`offset`, the last byte
it stored durably). Every step is safe to repeat: re-opening returns the same upload (or, if the packet
was stored meanwhile, its receipt), a chunk sent twice is answered with the confirmed offset, and
finalising twice returns the same receipt. So after any interruption the next pass simply starts again
at the top and loses at most the chunk that was on the wire.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

from sync.client.kit import OutgoingPacket
from sync.client.status import SyncStatus
from sync.client.transport import HubClient, HubRefused, HubUnreachable
from sync.protocol import (API, DEFAULT_CHUNK_BYTES, STATUS_RECEIVED, ProtocolError, SignedReceipt,
                           check_receipt_matches, parse_signed_receipt)

# Restarts of one packet's upload inside one pass (after a hash mismatch or an expired upload) before
# the packet is reported stuck for this pass.
MAX_RESTARTS = 3


class ReceiptInvalid(Exception):
    """The hub's answer carried a receipt that does not verify or is about other bytes. Never acknowledge."""


class UploadStuck(Exception):
    """The hub keeps refusing this packet's upload in a way retries inside one pass will not fix."""


@dataclass(frozen=True)
class Delivery:
    receipt: SignedReceipt

    @property
    def accepted(self) -> bool:
        return self.receipt.receipt.status == STATUS_RECEIVED


def verify_receipt(obj: Any, packet: OutgoingPacket, kit_id: str, hub_signing_key: bytes) -> SignedReceipt:
    """The receipt, checked: signed by our hub, about this packet id, these exact bytes and this kit."""
    try:
        signed = parse_signed_receipt(obj, hub_signing_key)
        check_receipt_matches(signed, packet.packet_id, packet.sha256, kit_id)
    except ProtocolError as exc:
        raise ReceiptInvalid(str(exc)) from None
    return signed


@dataclass
class ChunkSizer:
    """Chunk size that follows the link's rate *and* how long it stays up.

    Each chunk costs one round trip during which the link idles (~0.2-0.6 s on 3G/2G), so long chunks waste
    little on a link that holds. But a cut loses the chunk on the wire, so on a link that drops every few
    seconds a 10 s chunk is lost whole, again and again. The sizer therefore aims each chunk at
    `min(target_s, uptime_share x up-time)` seconds of transfer, where the up-time is the larger of a moving
    average of the link's observed up-times (measured from the first answer after a cut to the next cut) and
    how long the link has held now: smaller after cuts, larger while it holds. A cut also halves the next
    chunk at once. Sizes grow at most x2 per chunk and stay within [min_bytes, max_bytes].
    """

    initial_bytes: int = DEFAULT_CHUNK_BYTES
    min_bytes: int = 8 * 1024
    max_bytes: int = 512 * 1024
    target_s: float = 10.0
    uptime_share: float = 0.2
    uptime_weight: float = 0.3  # weight of the newest up-time in the moving average
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self.current = max(1, min(self.initial_bytes, self.max_bytes))
        self.rate: float | None = None  # bytes/s of the last full chunk, round trip included
        self.uptime_s: float | None = None  # None until the first cut: assume the link holds
        self.up_since: float | None = None  # start of the first request answered since the last cut
        self.tried_since: float | None = None  # start of the first request tried since the last cut
        self.cuts = 0

    def next_size(self, remaining: int) -> int:
        """The next chunk; a tail only a little longer than a chunk goes whole (one round trip less)."""
        return remaining if remaining <= self.current * 1.25 else self.current

    def chunk_seconds(self) -> float:
        """How many seconds of transfer the next chunk should hold."""
        if self.uptime_s is None:
            return self.target_s
        holding = self.clock() - self.up_since if self.up_since is not None else 0.0
        return min(self.target_s, self.uptime_share * max(self.uptime_s, holding))

    def trying(self, started: float) -> None:
        """A request starts: if the link drops before any answer, it was up at most since then."""
        if self.tried_since is None:
            self.tried_since = started

    def answered(self, started: float) -> None:
        """A request started at `started` got an answer: the link is up (since then, if it was down)."""
        if self.up_since is None:
            self.up_since = started

    def observe(self, nbytes: int, seconds: float) -> None:
        if nbytes < self.current or seconds <= 0:
            return  # a short last chunk says little about the link
        self.rate = nbytes / seconds
        wanted = int(self.rate * self.chunk_seconds())
        self.current = self._clamp(min(wanted, 2 * self.current))

    def cut(self) -> None:
        """The link failed mid-request: learn its up-time and shrink the next chunk."""
        self.cuts += 1
        # Up since the first answer after the last cut; if none came, since the first try (short up-times
        # must count too, or the estimate only ever sees the long ones).
        since = self.up_since if self.up_since is not None else self.tried_since
        if since is not None:
            up = max(0.0, self.clock() - since)
            self.uptime_s = up if self.uptime_s is None else (
                self.uptime_weight * up + (1 - self.uptime_weight) * self.uptime_s)
        self.up_since = self.tried_since = None
        wanted = self.current // 2
        if self.rate is not None and self.uptime_s is not None:
            wanted = min(wanted, int(self.rate * self.uptime_share * self.uptime_s))
        self.current = self._clamp(wanted)

    def _clamp(self, nbytes: int) -> int:
        return max(min(self.min_bytes, self.max_bytes), min(nbytes, self.max_bytes))


class PacketUploader:
    """Delivers packets one by one; remembers, across passes, each upload's id and confirmed offset.

    After a cut the next request is straight away the chunk at the confirmed offset on a fresh connection
    (no probe, no re-open: that request *is* the probe); if the hub holds more than we know (our last
    chunk arrived, its answer did not) it answers 409 with its offset and we continue from there.
    """

    def __init__(self, client: HubClient, hub_signing_key: bytes, status: SyncStatus | None = None,
                 chunk_bytes: int = DEFAULT_CHUNK_BYTES, max_chunk_bytes: int | None = None,
                 sizer: ChunkSizer | None = None):
        self.client = client
        self.hub_signing_key = hub_signing_key
        self.status = status or SyncStatus()
        self.sizer = sizer or ChunkSizer(chunk_bytes,
                                         max_bytes=max_chunk_bytes or max(chunk_bytes, ChunkSizer.max_bytes))
        self._uploads: dict[str, tuple[str, int]] = {}  # packet id -> (upload id, offset the hub confirmed)
        self._on_contact: Callable[[], None] | None = None
        self.confirmed_bytes = 0  # new bytes the hub confirmed (progress: the worker's back-off resets on it)

    def deliver(self, packet: OutgoingPacket, on_contact: Callable[[], None] | None = None) -> Delivery:
        """Upload until the hub's verified receipt (received or rejected). Network faults propagate.
        `on_contact` runs once, when the hub first answers about this packet (the queue marks it uploading
        then: a kit that cannot reach the hub leaves its packets sealed, as they were)."""
        self._on_contact = on_contact
        for _ in range(MAX_RESTARTS):
            known = self._uploads.get(packet.packet_id)
            if known is None:
                # A packet we hold no upload for sends its first chunk with the open request (one round
                # trip less; the hub keeps the bytes only at offset 0).
                opened = self._open(packet)
                if "receipt" in opened:
                    return self._receipt(opened["receipt"], packet)
                known = (str(opened["upload_id"]), int(opened["offset"]))
                self._uploads[packet.packet_id] = known
            upload_id, offset = known
            self.status.begin_packet(packet.packet_id, packet.size, offset)
            sent = self._send_chunks(packet, upload_id, offset)
            if sent is None:
                self._uploads.pop(packet.packet_id, None)
                continue  # the upload vanished (finished elsewhere, expired, or its bytes were bad): open anew
            answer = sent if "receipt" in sent else self._finalize(upload_id)
            if answer is not None:
                self._uploads.pop(packet.packet_id, None)
                return self._receipt(answer["receipt"], packet)
            self._uploads.pop(packet.packet_id, None)
        raise UploadStuck(f"packet {packet.packet_id}: upload restarted {MAX_RESTARTS} times in one pass")

    def _call(self, method: str, path: str, body: bytes = b"", **kwargs) -> tuple[float, dict[str, Any]]:
        """One request; (seconds it took, answer). Tells the sizer when the link answered or was cut."""
        started = self.sizer.clock()
        self.sizer.trying(started)
        try:
            _, answer = self.client.request(method, path, body=body, **kwargs)
        except HubUnreachable as exc:
            if exc.connected:  # a link that was up and dropped; no connection at all says nothing of up-times
                self.sizer.cut()
            else:
                self.sizer.tried_since = None
            raise
        except HubRefused:
            self._answered(started)
            raise
        self._answered(started)
        return self.sizer.clock() - started, answer

    def _answered(self, started: float) -> None:
        self.sizer.answered(started)
        contact, self._on_contact = self._on_contact, None
        if contact is not None:
            contact()

    def _open(self, packet: OutgoingPacket) -> dict[str, Any]:
        """Open (or find) the upload, carrying the packet's first chunk."""
        first = packet.data[:self.sizer.next_size(packet.size)]
        try:
            seconds, answer = self._call(
                "POST", f"{API}/uploads?packet_id={packet.packet_id}&size={packet.size}&sha256={packet.sha256}",
                body=first, content_type="application/octet-stream")
        except HubRefused as exc:
            if exc.status == 422 and isinstance(exc.body.get("receipt"), dict):
                return exc.body  # the first chunk was the whole packet, and the hub rejects it: its fate
            raise
        if answer.get("offset") == len(first):
            self.sizer.observe(len(first), seconds)
            self._confirmed(packet.packet_id, 0, len(first), len(first))
        return answer

    def _send_chunks(self, packet: OutgoingPacket, upload_id: str, offset: int) -> dict[str, Any] | None:
        """Send from the confirmed offset to the end. The hub's last answer (with the receipt when the last
        chunk completed the packet), or None if the hub no longer knows the upload."""
        answer: dict[str, Any] = {"offset": offset}
        while offset < packet.size:
            chunk = packet.data[offset:offset + self.sizer.next_size(packet.size - offset)]
            try:
                seconds, answer = self._call("PUT", f"{API}/uploads/{upload_id}?offset={offset}", body=chunk,
                                             content_type="application/octet-stream")
            except HubRefused as exc:
                if exc.code == "offset_conflict" and isinstance(exc.body.get("offset"), int):
                    # e.g. our last chunk arrived but its answer did not: the hub's offset is the truth
                    offset = self._confirmed(packet.packet_id, offset, exc.body["offset"], 0, upload_id)
                    continue
                if exc.code in ("unknown_upload", "hash_mismatch"):
                    return None
                if exc.status == 422 and isinstance(exc.body.get("receipt"), dict):
                    return exc.body  # the last chunk completed a packet the hub rejects: its fate
                raise
            self.sizer.observe(len(chunk), seconds)
            offset = self._confirmed(packet.packet_id, offset, int(answer["offset"]), len(chunk), upload_id)
        return answer

    def _confirmed(self, packet_id: str, before: int, now: int, sent_now: int, upload_id: str | None = None) -> int:
        """The hub confirmed `now` bytes of the packet: remember it (a cut resumes there) and tell people."""
        self.confirmed_bytes += max(0, now - before)
        if upload_id is not None:
            self._uploads[packet_id] = (upload_id, now)
        self.status.packet_progress(packet_id, now, sent_now)
        return now

    def _finalize(self, upload_id: str) -> dict[str, Any] | None:
        try:
            _, answer = self._call("POST", f"{API}/uploads/{upload_id}/finalize")
        except HubRefused as exc:
            if exc.status == 422 and isinstance(exc.body.get("receipt"), dict):
                return exc.body  # a signed rejection: the packet's fate
            if exc.code in ("unknown_upload", "hash_mismatch", "incomplete"):
                return None  # start this packet again from the confirmed state
            raise
        return answer

    def _receipt(self, obj: Any, packet: OutgoingPacket) -> Delivery:
        return Delivery(verify_receipt(obj, packet, self.client.identity.kit_id, self.hub_signing_key))
