"""The supervisor's co-signature: one interface, two kinds of key behind it.

- `SoftwareCoSigner`: the Ed25519 key wrapped by the supervisor's passphrase on this kit, vouched for by the
  kit's device key (manifest entry: user id, public key, device certificate). Packets keep inner version 1.
- `fieldkit.security.token.TokenCoSigner`: a government certificate's key on a PKCS#11 token (ECDSA P-256 or
  RSA-2048); the manifest entry carries the certificate chain and the algorithm, and the hub checks the
  chain against its own trust anchors and CRLs (docs/packet-format.md, "Token co-signatures").

The sealer asks only `sign(message)` and `manifest_entry()`: it never learns which kind it holds.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ED25519 = "ed25519"
ECDSA_P256_SHA256 = "ecdsa-p256-sha256"   # DER-encoded (r, s), as X.509 carries it
RSA_PKCS1_SHA256 = "rsa-pkcs1v15-sha256"
ALGORITHMS = (ED25519, ECDSA_P256_SHA256, RSA_PKCS1_SHA256)


class CoSigner(Protocol):
    user_id: str

    def sign(self, message: bytes) -> bytes:
        """The co-signature over `message` (COSIGN_CONTEXT + packet content)."""
        ...

    def manifest_entry(self) -> dict:
        """What the packet's manifest says about this signer (manifest key "supervisor")."""
        ...


@dataclass
class SoftwareCoSigner:
    user_id: str
    private_key: Ed25519PrivateKey = field(repr=False)
    device_certificate: bytes = field(repr=False)  # device signature over envelope.certificate_message(...)

    def sign(self, message: bytes) -> bytes:
        return self.private_key.sign(message)

    def manifest_entry(self) -> dict:
        public = self.private_key.public_key().public_bytes_raw()
        return {"user_id": self.user_id, "public_key": _b64(public), "certificate": _b64(self.device_certificate)}


def verify_signature(algorithm: str, public_key, signature: bytes, message: bytes) -> bool:
    """True if `signature` over `message` verifies under `public_key` (a cryptography key object)."""
    try:
        if algorithm == ED25519 and isinstance(public_key, ed25519.Ed25519PublicKey):
            public_key.verify(signature, message)
        elif algorithm == ECDSA_P256_SHA256 and isinstance(public_key, ec.EllipticCurvePublicKey) \
                and isinstance(public_key.curve, ec.SECP256R1):
            public_key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
        elif algorithm == RSA_PKCS1_SHA256 and isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True


def algorithm_for(public_key) -> str:
    """The co-signature algorithm a token key of this type signs with (ValueError for any other key)."""
    if isinstance(public_key, ec.EllipticCurvePublicKey) and isinstance(public_key.curve, ec.SECP256R1):
        return ECDSA_P256_SHA256
    if isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size >= 2048:
        return RSA_PKCS1_SHA256
    raise ValueError("the token's key is neither ECDSA P-256 nor RSA ≥ 2048")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
