"""Deliver one sealed packet: resumable chunked upload, then a verified receipt.

The hub remembers an upload by (kit, packet id, sha256) and tells where to resume (`offset`, the last byte
it stored durably). Every step is safe to repeat: re-opening returns the same upload (or, if the packet
was stored meanwhile, its receipt), a chunk sent twice is answered with the confirmed offset, and
finalising twice returns the same receipt. So after any interruption the next pass simply starts again
at the top and loses at most the chunk that was on the wire.
"""

from __future__ import annotations

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


class PacketUploader:
    def __init__(self, client: HubClient, hub_signing_key: bytes, status: SyncStatus | None = None,
                 chunk_bytes: int = DEFAULT_CHUNK_BYTES):
        self.client = client
        self.hub_signing_key = hub_signing_key
        self.status = status or SyncStatus()
        self.chunk_bytes = chunk_bytes

    def deliver(self, packet: OutgoingPacket) -> Delivery:
        """Upload until the hub's verified receipt (received or rejected). Network faults propagate."""
        for _ in range(MAX_RESTARTS):
            opened = self._open(packet)
            if "receipt" in opened:
                return self._receipt(opened["receipt"], packet)
            upload_id, offset = str(opened["upload_id"]), int(opened["offset"])
            self.status.begin_packet(packet.packet_id, packet.size, offset)
            offset = self._send_chunks(packet, upload_id, offset)
            if offset is None:
                continue  # the upload vanished (expired on the hub): open a new one
            answer = self._finalize(upload_id)
            if answer is not None:
                return self._receipt(answer["receipt"], packet)
        raise UploadStuck(f"packet {packet.packet_id}: upload restarted {MAX_RESTARTS} times in one pass")

    def _open(self, packet: OutgoingPacket) -> dict[str, Any]:
        _, answer = self.client.request("POST", f"{API}/uploads", json_body={
            "packet_id": packet.packet_id, "size": packet.size, "sha256": packet.sha256})
        return answer

    def _send_chunks(self, packet: OutgoingPacket, upload_id: str, offset: int) -> int | None:
        """Send from the confirmed offset to the end; None if the hub no longer knows the upload."""
        while offset < packet.size:
            chunk = packet.data[offset:offset + self.chunk_bytes]
            try:
                _, answer = self.client.request("PUT", f"{API}/uploads/{upload_id}?offset={offset}", body=chunk,
                                                content_type="application/octet-stream")
            except HubRefused as exc:
                if exc.code == "offset_conflict" and isinstance(exc.body.get("offset"), int):
                    offset = exc.body["offset"]  # e.g. our last chunk arrived but its answer did not
                    continue
                if exc.code == "unknown_upload":
                    return None
                raise
            self.status.packet_progress(packet.packet_id, int(answer["offset"]), len(chunk))
            offset = int(answer["offset"])
        return offset

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
