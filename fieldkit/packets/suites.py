"""HPKE (RFC 9180) suites a packet can be encrypted with, and their raw key encodings.

Both suites use HKDF-SHA256 and AES-256-GCM in base mode; they differ in the KEM:
- 1 `x25519`: DHKEM(X25519, HKDF-SHA256). Public key 32 bytes, private key 32 bytes, enc 32 bytes.
- 2 `mlkem768-x25519`: the ML-KEM-768 + X25519 hybrid KEM (as in cryptography 50 / OpenSSL), so a packet
  recorded today stays confidential if X25519 is broken later. Public key = ML-KEM-768 encapsulation key
  (1184 bytes) || X25519 public key (32); private key = ML-KEM-768 seed (64) || X25519 private key (32);
  enc 1120 bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519

from fieldkit.packets.errors import PacketError


@dataclass(frozen=True)
class SuiteInfo:
    suite_id: int  # the byte in the envelope
    name: str  # the `hpke_suite` setting's value
    kem: object
    public_key_len: int
    private_key_len: int

    @property
    def enc_len(self) -> int:
        return self.kem.enc_length()

    @property
    def hpke(self) -> hpke.Suite:
        return hpke.Suite(self.kem, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)


X25519 = SuiteInfo(1, "x25519", hpke.KEM.X25519, 32, 32)
MLKEM768_X25519 = SuiteInfo(2, "mlkem768-x25519", hpke.KEM.MLKEM768_X25519, 1184 + 32, 64 + 32)
SUITES = {s.suite_id: s for s in (X25519, MLKEM768_X25519)}
SUITES_BY_NAME = {s.name: s for s in SUITES.values()}


def suite_by_name(name: str) -> SuiteInfo:
    try:
        return SUITES_BY_NAME[name]
    except KeyError:
        raise PacketError("unsupported_suite", f"unknown HPKE suite {name!r}") from None


def suite_by_id(suite_id: int) -> SuiteInfo:
    try:
        return SUITES[suite_id]
    except KeyError:
        raise PacketError("unsupported_suite", f"unknown HPKE suite id {suite_id}") from None


def generate_keypair(suite: SuiteInfo) -> tuple[bytes, bytes]:
    """A new (private, public) HPKE key pair for `suite`, as raw bytes."""
    xk = x25519.X25519PrivateKey.generate()
    xpriv, xpub = xk.private_bytes_raw(), xk.public_key().public_bytes_raw()
    if suite is X25519:
        return xpriv, xpub
    mk = mlkem.MLKEM768PrivateKey.generate()
    return mk.private_bytes_raw() + xpriv, mk.public_key().public_bytes_raw() + xpub


def load_public_key(suite: SuiteInfo, raw: bytes):
    if len(raw) != suite.public_key_len:
        raise PacketError("bad_key", f"{suite.name} public key must be {suite.public_key_len} bytes, got {len(raw)}")
    try:
        if suite is X25519:
            return x25519.X25519PublicKey.from_public_bytes(raw)
        return hpke.MLKEM768X25519PublicKey(mlkem.MLKEM768PublicKey.from_public_bytes(raw[:1184]),
                                            x25519.X25519PublicKey.from_public_bytes(raw[1184:]))
    except ValueError as exc:
        raise PacketError("bad_key", str(exc)) from None


def load_private_key(suite: SuiteInfo, raw: bytes):
    if len(raw) != suite.private_key_len:
        raise PacketError("bad_key", f"{suite.name} private key must be {suite.private_key_len} bytes, got {len(raw)}")
    try:
        if suite is X25519:
            return x25519.X25519PrivateKey.from_private_bytes(raw)
        return hpke.MLKEM768X25519PrivateKey(mlkem.MLKEM768PrivateKey.from_seed_bytes(raw[:64]),
                                             x25519.X25519PrivateKey.from_private_bytes(raw[64:]))
    except (ValueError, AttributeError) as exc:
        raise PacketError("bad_key", str(exc)) from None
