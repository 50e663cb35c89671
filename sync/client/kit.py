"""What the sync client needs from the kit: its identity (device key) and its outbox of sealed packets.

Two narrow interfaces keep the client independent of how the kit stores keys and packets; adapters to
the kit's real key store and SQLite queue are wired to them in sync/client/factory.py (for_kit).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


class KitIdentity(Protocol):
    kit_id: str

    def sign(self, data: bytes) -> bytes: ...
    def public_key_bytes(self) -> bytes: ...


@dataclass(frozen=True)
class DeviceIdentity:
    """A KitIdentity from an Ed25519 private key held in memory."""

    kit_id: str
    device_key: Ed25519PrivateKey = field(repr=False)

    def sign(self, data: bytes) -> bytes:
        return self.device_key.sign(data)

    def public_key_bytes(self) -> bytes:
        return self.device_key.public_key().public_bytes_raw()


@dataclass(frozen=True)
class OutgoingPacket:
    """A sealed packet waiting for delivery: its bytes and what the receipt must match."""

    packet_id: str
    data: bytes = field(repr=False)
    sha256: str
    priority: int = 0  # higher goes first
    created_at: float = 0.0

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class PacketSummary:
    """A waiting packet without its bytes (listing a week of packets must not load them all)."""

    packet_id: str
    sha256: str
    size: int
    priority: int = 0
    created_at: float = 0.0


class Outbox(Protocol):
    """The kit's queue of sealed packets, as the sync client sees it."""

    def next_packets_to_send(self, limit: int = 50) -> list[OutgoingPacket]:
        """Packets not yet acknowledged nor rejected: highest priority first, then oldest first."""
        ...

    def summaries(self, limit: int = 100_000) -> list[PacketSummary]:
        """The same packets as next_packets_to_send, in the same order, without their bytes."""
        ...

    def packet(self, packet_id: str) -> OutgoingPacket | None:
        """One waiting packet with its bytes, or None if it is not waiting (acknowledged, purged, unknown)."""
        ...

    def in_flight_packet_ids(self) -> list[str]:
        """Packets marked uploading by an earlier pass whose fate is not known yet."""
        ...

    def mark_uploading(self, packet_id: str) -> None: ...

    def mark_upload_failed(self, packet_id: str, error: str) -> None:
        """The upload was interrupted (link fault): the packet waits for the next pass; keep the error."""
        ...

    def mark_acknowledged(self, packet_id: str, receipt: dict) -> None:
        """Record the hub's verified receipt; only now may the packet ever be purged."""
        ...

    def mark_rejected(self, packet_id: str, reason: str, receipt: dict) -> None:
        """The hub refused the packet (signed rejection): keep it, stop sending it, show why."""
        ...

    def purge_acknowledged(self, older_than: float) -> int:
        """Delete acknowledged packets acknowledged before `older_than` (epoch s); return how many."""
        ...

    def queued_count(self) -> int: ...
