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
from typing import Any

from sync.client.kit import OutgoingPacket
from sync.client.status import SyncStatus
from sync.client.transport import HubClient, HubRefused
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
    """Chunk size that follows the link: about `target_s` seconds of transfer per chunk.

    Each chunk costs one round trip during which the link idles (~0.2-0.6 s on 3G/2G), so a 10 s chunk keeps
    that under ~5 %; an interruption loses at most the chunk in flight.

    Sizes grow at most x2 per chunk and stay within [min_bytes, max_bytes].
    """

    initial_bytes: int = DEFAULT_CHUNK_BYTES
    min_bytes: int = 16 * 1024
    max_bytes: int = 512 * 1024
    target_s: float = 10.0

    def __post_init__(self) -> None:
        self.current = max(1, min(self.initial_bytes, self.max_bytes))

    def next_size(self, remaining: int) -> int:
        """The next chunk; a tail only a little longer than a chunk goes whole (one round trip less)."""
        return remaining if remaining <= self.current * 1.25 else self.current

    def observe(self, nbytes: int, seconds: float) -> None:
        if nbytes < self.current or seconds <= 0:
            return  # a short last chunk says little about the link
        wanted = int(nbytes / seconds * self.target_s)
        self.current = max(min(self.min_bytes, self.max_bytes), min(wanted, 2 * self.current, self.max_bytes))


class PacketUploader:
    def __init__(self, client: HubClient, hub_signing_key: bytes, status: SyncStatus | None = None,
                 chunk_bytes: int = DEFAULT_CHUNK_BYTES, max_chunk_bytes: int | None = None):
        self.client = client
        self.hub_signing_key = hub_signing_key
        self.status = status or SyncStatus()
        self.sizer = ChunkSizer(chunk_bytes, max_bytes=max_chunk_bytes or max(chunk_bytes, ChunkSizer.max_bytes))
        self._tried: set[str] = set()  # packets this process has sent bytes of (resume without data)

    def deliver(self, packet: OutgoingPacket) -> Delivery:
        """Upload until the hub's verified receipt (received or rejected). Network faults propagate."""
        for _ in range(MAX_RESTARTS):
            opened = self._open(packet, with_data=packet.packet_id not in self._tried)
            self._tried.add(packet.packet_id)
            if "receipt" in opened:
                return self._receipt(opened["receipt"], packet)
            upload_id, offset = str(opened["upload_id"]), int(opened["offset"])
            self.status.begin_packet(packet.packet_id, packet.size, offset)
            sent = self._send_chunks(packet, upload_id, offset)
            if sent is None:
                continue  # the upload vanished (expired, or its bytes were bad): open a new one
            answer = sent if "receipt" in sent else self._finalize(upload_id)
            if answer is not None:
                return self._receipt(answer["receipt"], packet)
        raise UploadStuck(f"packet {packet.packet_id}: upload restarted {MAX_RESTARTS} times in one pass")

    def _open(self, packet: OutgoingPacket, with_data: bool) -> dict[str, Any]:
        """Open (or find) the upload. A packet not tried before in this process sends its first chunk along;
        one being resumed sends none, so bytes the hub already holds are not sent again."""
        first = packet.data[:self.sizer.next_size(packet.size)] if with_data else b""
        started = time.monotonic()
        try:
            _, answer = self.client.request(
                "POST", f"{API}/uploads?packet_id={packet.packet_id}&size={packet.size}&sha256={packet.sha256}",
                body=first, content_type="application/octet-stream")
        except HubRefused as exc:
            if exc.status == 422 and isinstance(exc.body.get("receipt"), dict):
                return exc.body  # the first chunk was the whole packet, and the hub rejects it: its fate
            raise
        if first and answer.get("offset") == len(first):
            self.sizer.observe(len(first), time.monotonic() - started)
            self.status.packet_progress(packet.packet_id, len(first), len(first))
        return answer

    def _send_chunks(self, packet: OutgoingPacket, upload_id: str, offset: int) -> dict[str, Any] | None:
        """Send from the confirmed offset to the end. The hub's last answer (with the receipt when the last
        chunk completed the packet), or None if the hub no longer knows the upload."""
        answer: dict[str, Any] = {"offset": offset}
        while offset < packet.size:
            chunk = packet.data[offset:offset + self.sizer.next_size(packet.size - offset)]
            started = time.monotonic()
            try:
                _, answer = self.client.request("PUT", f"{API}/uploads/{upload_id}?offset={offset}", body=chunk,
                                                content_type="application/octet-stream")
            except HubRefused as exc:
                if exc.code == "offset_conflict" and isinstance(exc.body.get("offset"), int):
                    offset = exc.body["offset"]  # e.g. our last chunk arrived but its answer did not
                    continue
                if exc.code in ("unknown_upload", "hash_mismatch"):
                    return None
                if exc.status == 422 and isinstance(exc.body.get("receipt"), dict):
                    return exc.body  # the last chunk completed a packet the hub rejects: its fate
                raise
            self.sizer.observe(len(chunk), time.monotonic() - started)
            self.status.packet_progress(packet.packet_id, int(answer["offset"]), len(chunk))
            offset = int(answer["offset"])
        return answer

    def _finalize(self, upload_id: str) -> dict[str, Any] | None:
        try:
            _, answer = self.client.request("POST", f"{API}/uploads/{upload_id}/finalize")
        except HubRefused as exc:
            if exc.status == 422 and isinstance(exc.body.get("receipt"), dict):
                return exc.body  # a signed rejection: the packet's fate
            if exc.code in ("unknown_upload", "hash_mismatch", "incomplete"):
                return None  # start this packet again from the confirmed state
            raise
        return answer

    def _receipt(self, obj: Any, packet: OutgoingPacket) -> Delivery:
        return Delivery(verify_receipt(obj, packet, self.client.identity.kit_id, self.hub_signing_key))
