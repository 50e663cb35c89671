"""The kit's HPKE key for extracts: its Ed25519 device key, converted to X25519.

A hub seals a population extract "to the kit". The hub already holds every enrolled kit's Ed25519 device
public key (given at provisioning), so the extract needs no new key exchange: the Edwards point converts to
its Montgomery form (u = (1 + y) / (1 - y) mod p, RFC 7748 §4.1), and the kit's X25519 private scalar is the
Ed25519 one (the first half of SHA-512 of the seed, clamped by X25519). This is the conversion libsodium
(`crypto_sign_ed25519_pk_to_curve25519`) and age's ssh-ed25519 recipients use; using one key pair for
Ed25519 signatures and an X25519 KEM is proven safe (Thormarker, "On using the same key pair for Ed25519 and
an X25519 based KEM", 2021). The extract's HPKE info label keeps these decryptions apart from anything else.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

_P = 2 ** 255 - 19


def x25519_public_from_ed25519(public_key: bytes) -> bytes:
    """The X25519 public key (32 bytes) of an Ed25519 public key; ValueError for a malformed key."""
    if len(public_key) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    y = int.from_bytes(public_key, "little") & ((1 << 255) - 1)
    if y >= _P or y == 1:
        raise ValueError("not a usable Ed25519 public key")
    u = (1 + y) * pow(1 - y, _P - 2, _P) % _P
    return u.to_bytes(32, "little")


def x25519_private_from_ed25519(private_key: Ed25519PrivateKey) -> bytes:
    """The X25519 private key (32 bytes) matching x25519_public_from_ed25519 of the same key's public half."""
    return hashlib.sha512(private_key.private_bytes_raw()).digest()[:32]


def kit_extract_key(device_key: Ed25519PrivateKey) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(x25519_private_from_ed25519(device_key))
