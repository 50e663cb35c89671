"""How the hub checks a sealed packet before acknowledging it: a narrow interface and its adapter.

The hub needs only three facts from a packet's envelope: it parses, its device signature verifies with the
enrolled kit's key, and which packet id and kit id the signature covers. `PacketVerifier` is that
interface; `EnvelopeVerifier` adapts the packet format of `fieldkit.packets` (docs/packet-format.md) to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Protocol


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
    def verify(self, envelope: bytes, device_public_key: bytes,
               supervisor_keys: Mapping[str, bytes] | None = None) -> VerifiedPacket:
        """Parse and check the device signature (and, given `supervisor_keys` (user id -> key), that the
        co-signer is one of them); raise PacketRejected on any failure."""
        ...


class EnvelopeVerifier:
    """PacketVerifier for FieldKit packets v1 (fieldkit.packets.envelope).

    Checks the outer device signature and, when the hub's private keys are given, opens the packet in
    memory (decryption, inner signature, supervisor co-signature, blob hashes) and drops the plaintext. A
    packet the hub could not open later must not be acknowledged: the kit would purge the only copy.
    """

    def __init__(self, hpke_private_keys: dict[str, bytes] | None = None, trust=None):
        self._hpke_private = dict(hpke_private_keys or {})
        self.trust = trust  # sync.hub.trust.HubTrust: token certificates' roots, CRLs, token-only policy

    def policy(self):
        """The hub's current token trust policy (None: no anchors, token co-signatures refused)."""
        return self.trust.current() if self.trust is not None else None

    def verify(self, envelope: bytes, device_public_key: bytes,
               supervisor_keys: Mapping[str, bytes] | None = None) -> VerifiedPacket:
        from fieldkit.packets.envelope import open_envelope, parse_envelope, verify_envelope
        from fieldkit.packets.errors import PacketError

        try:
            env = parse_envelope(envelope)
            private = self._hpke_private.get(env.suite)
            if private is None:
                verify_envelope(env, device_public_key)
            if self._hpke_private:
                if private is None:
                    raise PacketRejected("unsupported_suite", f"this hub has no key for suite {env.suite}")
                # open_envelope checks the outer signature first: checked once per packet, not twice
                known = dict(supervisor_keys) if supervisor_keys is not None else None
                policy = self.policy()
                open_envelope(env, private, device_public_key, supervisor_keys_known=known,
                              trust=policy.store if policy else None,
                              require_token=bool(policy and policy.require_token))
        except PacketError as exc:
            if exc.code == "unknown_supervisor":
                raise PacketRejected(exc.code, f"{exc.message}: the co-signing supervisor is not pinned for this "
                                     "kit (pinned at provisioning, by a signed roster update, or by "
                                     "`fieldkit-hub kits supervisor add`)") from None
            raise PacketRejected(exc.code, exc.message) from None
        return VerifiedPacket(env.packet_id, env.kit_id, str(env.created_at))
