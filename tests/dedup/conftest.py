"""Dedup fixtures: real face encodings computed once per session, an AES-GCM pair, a temporary store."""

from __future__ import annotations

import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from fieldkit.dedup.encoding import face_encoding
from fieldkit.dedup.store import TemplateStore
from fieldkit.quality import defects
from fieldkit.quality.samples import real_photo


@pytest.fixture(scope="session")
def encodings():
    """face_recognition encodings (~0.1 s each) of the shipped real photos and an altered astronaut."""
    astronaut = real_photo("astronaut")
    return {
        "astronaut": face_encoding(astronaut),
        # the same person on another day: other light, a little blur, seen in a mirror-like pose change
        "astronaut_again": face_encoding(defects.overexposed(defects.blur(astronaut, 1.5), 1.2)),
        "grace_hopper": face_encoding(real_photo("grace_hopper")),
    }


@pytest.fixture
def cipher():
    """encrypt/decrypt callables like the kit's (AES-256-GCM, random 96-bit nonce prefixed)."""
    aead = AESGCM(AESGCM.generate_key(bit_length=256))

    def encrypt(plaintext: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + aead.encrypt(nonce, plaintext, aad)

    def decrypt(blob: bytes, aad: bytes) -> bytes:
        return aead.decrypt(blob[:12], blob[12:], aad)

    return encrypt, decrypt


@pytest.fixture
def store(tmp_path, cipher):
    s = TemplateStore(tmp_path / "templates.sqlite", *cipher)
    s.unlock()
    yield s
    s.close()
