"""The kit's SQLite packet queue (fieldkit.store.queue.PacketQueue) seen through the sync `Outbox` interface.

A packet the hub refused is marked with `PacketQueue.mark_refused`: its signed refusal receipt (verified by
the worker) and reason are stored with the packet, it stays sealed on the kit (never purged) and is no
longer offered. Every read and write goes through PacketQueue: the queue owns its SQL.
"""

from __future__ import annotations

from sync.client.kit import OutgoingPacket, PacketSummary
from sync.protocol import canonical_json


def _outgoing(row) -> OutgoingPacket:
    return OutgoingPacket(row.packet_id, bytes(row.data), row.sha256, row.priority, row.created_at / 1000)


class QueueOutbox:
    def __init__(self, queue):
        self.queue = queue

    def next_packets_to_send(self, limit: int = 50) -> list[OutgoingPacket]:
        return [_outgoing(row) for row in self.queue.next_packets_to_send(limit)]

    def summaries(self, limit: int = 100_000) -> list[PacketSummary]:
        return [PacketSummary(r.packet_id, r.sha256, r.size, r.priority, r.created_at / 1000)
                for r in self.queue.waiting_summaries(limit)]

    def packet(self, packet_id: str) -> OutgoingPacket | None:
        row = self.queue.waiting_packet(packet_id)
        return _outgoing(row) if row else None

    def in_flight_packet_ids(self) -> list[str]:
        return self.queue.in_flight_ids()

    def mark_uploading(self, packet_id: str) -> None:
        self.queue.mark_uploading(packet_id)

    def mark_upload_failed(self, packet_id: str, error: str) -> None:
        self.queue.mark_upload_failed(packet_id, error)

    def mark_acknowledged(self, packet_id: str, receipt: dict) -> None:
        self.queue.mark_acknowledged(packet_id, canonical_json(receipt))

    def mark_rejected(self, packet_id: str, reason: str, receipt: dict) -> None:
        """The hub's verified refusal receipt: stored with the packet, which is kept and no longer offered."""
        self.queue.mark_refused(packet_id, reason, canonical_json(receipt))

    def purge_acknowledged(self, older_than: float) -> int:
        return self.queue.purge_acknowledged(int(older_than * 1000))

    def queued_count(self) -> int:
        return self.queue.waiting_count()

    def refused(self) -> list[tuple[str, str]]:
        """(packet id, the hub's reason) of packets the hub refused: they stay on the kit."""
        return [(p.packet_id, p.reason) for p in self.queue.refused_packets()]
