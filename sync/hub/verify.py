"""How the hub checks a sealed packet before acknowledging it: a narrow interface and its adapter.

The hub needs only three facts from a packet's envelope: it parses, its device signature verifies with the
enrolled kit's key, and which packet id and kit id the signature covers. `PacketVerifier` is that
interface; `EnvelopeVerifier` adapts the packet format of `fieldkit.packets` (docs/packets.md) to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class VerifiedPacket:
    packet_id: str
    kit_id: str
    created_at: str


class PacketRejected(Exception):
    """The packet fails verification; `code` is stable, `message` says why for people."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class PacketVerifier(Protocol):
    def verify(self, envelope: bytes, device_public_key: bytes) -> VerifiedPacket:
        """Parse and check the device signature; raise PacketRejected on any failure."""
        ...
