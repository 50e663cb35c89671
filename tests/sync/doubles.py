"""Test doubles for the sync tests only: an in-memory outbox standing in for the kit's SQLite queue."""

from __future__ import annotations

import threading
import time

from sync.client.kit import OutgoingPacket, PacketSummary
from sync.protocol import sha256_hex


class MemoryOutbox:
    """The Outbox interface over a dict; records every state change so tests can check the order."""

    def __init__(self):
        self._lock = threading.Lock()
        self.packets: dict[str, OutgoingPacket] = {}
        self.state: dict[str, str] = {}
        self.receipts: dict[str, dict] = {}
        self.acked_at: dict[str, float] = {}
        self.reasons: dict[str, str] = {}
        self.events: list[tuple[str, str]] = []  # (what, packet id) in the order they happened

    def add(self, packet_id: str, data: bytes, priority: int = 0, created_at: float | None = None) -> OutgoingPacket:
        packet = OutgoingPacket(packet_id, data, sha256_hex(data), priority,
                                time.time() if created_at is None else created_at)
        with self._lock:
            self.packets[packet_id] = packet
            self.state[packet_id] = "queued"
        return packet

    def next_packets_to_send(self, limit: int = 50) -> list[OutgoingPacket]:
        with self._lock:
            waiting = [p for pid, p in self.packets.items() if self.state[pid] in ("queued", "uploading")]
        waiting.sort(key=lambda p: (-p.priority, p.created_at, p.packet_id))
        return waiting[:limit]

    def summaries(self, limit: int = 100_000) -> list[PacketSummary]:
        return [PacketSummary(p.packet_id, p.sha256, p.size, p.priority, p.created_at)
                for p in self.next_packets_to_send(limit)]

    def packet(self, packet_id: str) -> OutgoingPacket | None:
        with self._lock:
            if self.state.get(packet_id) in ("queued", "uploading"):
                return self.packets[packet_id]
        return None

    def in_flight_packet_ids(self) -> list[str]:
        with self._lock:
            return [pid for pid, s in self.state.items() if s == "uploading"]

    def mark_uploading(self, packet_id: str) -> None:
        with self._lock:
            self.state[packet_id] = "uploading"
            self.events.append(("uploading", packet_id))

    def mark_upload_failed(self, packet_id: str, error: str) -> None:
        with self._lock:
            if self.state[packet_id] == "uploading":
                self.state[packet_id] = "queued"
            self.reasons[packet_id] = error
            self.events.append(("failed", packet_id))

    def mark_acknowledged(self, packet_id: str, receipt: dict) -> None:
        with self._lock:
            self.state[packet_id] = "acknowledged"
            self.receipts[packet_id] = receipt
            self.acked_at[packet_id] = time.time()
            self.events.append(("acknowledged", packet_id))

    def mark_rejected(self, packet_id: str, reason: str, receipt: dict) -> None:
        with self._lock:
            self.state[packet_id] = "rejected"
            self.reasons[packet_id] = reason
            self.receipts[packet_id] = receipt

    def purge_acknowledged(self, older_than: float) -> int:
        with self._lock:
            old = [pid for pid, at in self.acked_at.items() if at < older_than and pid in self.packets]
            for pid in old:
                del self.packets[pid]
                self.state[pid] = "purged"
        return len(old)

    def queued_count(self) -> int:
        with self._lock:
            return sum(1 for s in self.state.values() if s in ("queued", "uploading"))
