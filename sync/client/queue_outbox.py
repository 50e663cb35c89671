"""The kit's SQLite packet queue (fieldkit.store.queue.PacketQueue) seen through the sync `Outbox` interface.

The queue has no "rejected" status: a packet the hub refused goes back to sealed with the hub's signed
reason as its last error, and this adapter stops offering it (it shows as stuck with the reason). It is
kept, never purged: only a packet with a verified receipt ever reaches `acknowledged`.
"""

from __future__ import annotations

from sync.client.kit import OutgoingPacket, PacketSummary
from sync.protocol import canonical_json

REJECTED_PREFIX = "rejected by hub: "


class QueueOutbox:
    def __init__(self, queue):
        self.queue = queue

    # The queue's own `next_packets_to_send` would hand refused packets back first, forever; these reads use
    # the same table and order (fieldkit.store.queue) with refused packets left out.
    _WAITING = ("FROM packets WHERE status IN ('sealed', 'uploading') AND data IS NOT NULL"
                " AND (last_error IS NULL OR last_error NOT LIKE 'rejected by hub: %')")

    def next_packets_to_send(self, limit: int = 50) -> list[OutgoingPacket]:
        rows = self.queue.store.reader().execute(
            f"SELECT packet_id, data, sha256, priority, created_at {self._WAITING}"
            " ORDER BY priority DESC, created_at, packet_id LIMIT ?", (limit,)).fetchall()
        return [OutgoingPacket(pid, bytes(data), sha, prio, created / 1000) for pid, data, sha, prio, created in rows]

    def summaries(self, limit: int = 100_000) -> list[PacketSummary]:
        rows = self.queue.store.reader().execute(
            f"SELECT packet_id, sha256, size, priority, created_at {self._WAITING}"
            " ORDER BY priority DESC, created_at, packet_id LIMIT ?", (limit,)).fetchall()
        return [PacketSummary(pid, sha, size, prio, created / 1000) for pid, sha, size, prio, created in rows]

    def packet(self, packet_id: str) -> OutgoingPacket | None:
        row = self.queue.store.reader().execute(
            f"SELECT packet_id, data, sha256, priority, created_at {self._WAITING} AND packet_id = ?",
            (packet_id,)).fetchone()
        return OutgoingPacket(row[0], bytes(row[1]), row[2], row[3], row[4] / 1000) if row else None

    def in_flight_packet_ids(self) -> list[str]:
        rows = self.queue.store.reader().execute(
            f"SELECT packet_id {self._WAITING} AND status = 'uploading' ORDER BY priority DESC, created_at").fetchall()
        return [r[0] for r in rows]

    def mark_uploading(self, packet_id: str) -> None:
        self.queue.mark_uploading(packet_id)

    def mark_upload_failed(self, packet_id: str, error: str) -> None:
        self.queue.mark_upload_failed(packet_id, error)

    def mark_acknowledged(self, packet_id: str, receipt: dict) -> None:
        self.queue.mark_acknowledged(packet_id, canonical_json(receipt))

    def mark_rejected(self, packet_id: str, reason: str, receipt: dict) -> None:
        self.queue.mark_upload_failed(packet_id, REJECTED_PREFIX + reason)

    def purge_acknowledged(self, older_than: float) -> int:
        return self.queue.purge_acknowledged(int(older_than * 1000))

    def queued_count(self) -> int:
        return int(self.queue.store.reader().execute(f"SELECT count(*) {self._WAITING}").fetchone()[0])

    def refused(self) -> list[tuple[str, str]]:
        """(packet id, the hub's reason) of packets the hub refused: they stay on the kit."""
        rows = self.queue.store.reader().execute(
            "SELECT packet_id, last_error FROM packets WHERE status = 'sealed' AND last_error LIKE 'rejected by hub: %'"
            " ORDER BY created_at").fetchall()
        return [(pid, err.removeprefix(REJECTED_PREFIX)) for pid, err in rows]
