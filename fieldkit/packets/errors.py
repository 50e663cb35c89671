"""The one error a packet reader raises, with a stable machine-readable code."""

from __future__ import annotations

# Stable codes: the hub reports them to kits and logs them; never rename one, only add.
CODES = {
    "truncated": "the packet ends before its declared length",
    "trailing_data": "bytes follow the end of the packet",
    "bad_magic": "not a FieldKit packet",
    "unsupported_version": "packet format version not supported by this reader",
    "unsupported_suite": "HPKE suite not supported by this reader",
    "malformed": "a length or field is inconsistent",
    "bad_signature": "the device signature over the outer envelope does not verify",
    "decrypt_failed": "HPKE decryption failed (wrong hub key, or bytes/ids changed)",
    "id_mismatch": "the ids inside the packet differ from the envelope's",
    "bad_inner_signature": "the device signature over the contents does not verify",
    "bad_certificate": "the supervisor key certificate does not verify",
    "bad_cosignature": "the supervisor co-signature does not verify",
    "unknown_supervisor": "the supervisor key is not one the reader knows",
    "blob_mismatch": "a blob's length or SHA-256 differs from the manifest",
    "bad_key": "a key has the wrong length or type for the suite",
    "untrusted_certificate": "the supervisor's token certificate does not chain to a trusted root",
    "expired_certificate": "the supervisor's token certificate was not valid at the time of approval",
    "revoked_certificate": "the supervisor's token certificate is on a revocation list",
    "token_required": "this reader accepts only supervisor co-signatures made with a token",
}


class PacketError(ValueError):
    """A packet (or key) that cannot be accepted; `code` is one of CODES."""

    def __init__(self, code: str, message: str | None = None):
        if code not in CODES:
            raise ValueError(f"unknown packet error code {code!r}")
        super().__init__(f"{code}: {message or CODES[code]}")
        self.code = code
        self.message = message or CODES[code]
