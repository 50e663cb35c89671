"""The outer packet envelope: what the hub parses, authenticates and decrypts (docs/packet-format.md).

Outer layout, big-endian, version 1:

    offset    size  field
    0         4     magic b"FKPK"
    4         1     format version (1)
    5         1     HPKE suite id (1 x25519, 2 mlkem768-x25519)
    6         16    packet id (UUID, 16 raw bytes)
    22        16    kit id (UUID, 16 raw bytes)
    38        8     created at, milliseconds since 1970-01-01 UTC (u64)
    46        2     enc length E (u16; must equal the suite's)
    48        E     HPKE encapsulated key
    48+E      4     ciphertext length L (u32)
    52+E      L     HPKE ciphertext (AES-256-GCM, tag included) of the inner packet
    52+E+L    64    Ed25519 device signature over bytes [0, 52+E+L)

HPKE info = b"FieldKit packet v1\\x00" + bytes [0, 46): the ids, time and suite are bound into the key
schedule, so the same ciphertext moved under another packet or kit id does not decrypt.

Inner layout (HPKE plaintext):

    0      4   magic b"FKPI"
    4      1   inner version (1)
    5      4   content length C (u32)
    9      C   content: the container of fieldkit.packets.container (manifest.json + blobs)
    9+C    64  Ed25519 device signature over DEVICE_CONTEXT + content
    73+C   64  Ed25519 supervisor co-signature over COSIGN_CONTEXT + content
Inner version 2 (a supervisor's PKCS#11 token) ends instead with u16 length S + S bytes of co-signature.

The manifest carries the supervisor's public key and a certificate: the device's signature over
CERT_CONTEXT + kit id (16) + u16 len + supervisor user id (UTF-8) + supervisor public key (32). A token
co-signature's entry instead carries "kind": "token", the algorithm and the X.509 chain (DER, base64), which
the reader checks against its own trust anchors and CRLs (fieldkit.packets.certificates).
"""

from __future__ import annotations

import base64
import hashlib
import struct
import uuid
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from fieldkit.packets.container import unpack_entries
from fieldkit.packets.errors import PacketError
from fieldkit.packets.suites import generate_keypair, load_private_key, suite_by_id, suite_by_name

MAGIC = b"FKPK"
VERSION = 1
HEADER_LEN = 46  # magic .. created_at: also the HPKE info suffix
HEADER = struct.Struct(">4sBB16s16sQ")
SIGNATURE_LEN = 64
MIN_LEN = HEADER_LEN + 2 + 4 + SIGNATURE_LEN
INFO_PREFIX = b"FieldKit packet v1\x00"

INNER_MAGIC = b"FKPI"
INNER_VERSION = 1
INNER_VERSION_SIZED = 2  # co-signature length-prefixed (u16): token signers (ECDSA DER, RSA-2048)
DEVICE_CONTEXT = b"FieldKit packet content v1\x00"
COSIGN_CONTEXT = b"FieldKit packet cosign v1\x00"
CERT_CONTEXT = b"FieldKit supervisor key v1\x00"


@dataclass(frozen=True)
class Envelope:
    """A parsed (not yet authenticated) outer envelope."""

    packet_id: str
    kit_id: str
    created_at: int  # ms since epoch, UTC
    suite: str
    sha256: str  # hex, of the whole packet bytes
    size: int
    header: bytes = field(repr=False)
    enc: bytes = field(repr=False)
    ciphertext: bytes = field(repr=False)
    signed: bytes = field(repr=False)  # everything the device signature covers
    signature: bytes = field(repr=False)

    @property
    def hpke_info(self) -> bytes:
        return INFO_PREFIX + self.header


@dataclass(frozen=True)
class PacketContents:
    """What the hub gets out of a packet after every check passed."""

    packet_id: str
    kit_id: str
    created_at: int
    record_id: str
    record_version: int
    record: dict
    capture: dict
    audit: list
    blobs: dict[str, bytes] = field(repr=False)
    supervisor_id: str
    supervisor_public_key: bytes
    manifest: dict = field(repr=False)
    supervisor_certificate_subject: str = ""  # token co-signatures: the signer's X.509 subject


def parse_envelope(data: bytes) -> Envelope:
    """Split packet bytes into their fields; checks structure only (see verify_envelope)."""
    data = bytes(data)
    if len(data) < 5:
        raise PacketError("truncated", f"{len(data)} bytes is shorter than any packet")
    if data[:4] != MAGIC:
        raise PacketError("bad_magic")
    if data[4] != VERSION:
        raise PacketError("unsupported_version", f"packet format version {data[4]}, this reader knows {VERSION}")
    if len(data) < MIN_LEN:
        raise PacketError("truncated", f"{len(data)} bytes is shorter than the smallest packet ({MIN_LEN})")
    _magic, _version, suite_id, pid, kid, created = HEADER.unpack_from(data, 0)
    suite = suite_by_id(suite_id)
    (enc_len,) = struct.unpack_from(">H", data, HEADER_LEN)
    if enc_len != suite.enc_len:
        raise PacketError("malformed", f"enc length {enc_len}, suite {suite.name} needs {suite.enc_len}")
    pos = HEADER_LEN + 2 + enc_len
    if len(data) < pos + 4 + SIGNATURE_LEN:
        raise PacketError("truncated", "packet ends inside the encapsulated key")
    (ct_len,) = struct.unpack_from(">I", data, pos)
    end = pos + 4 + ct_len
    if len(data) < end + SIGNATURE_LEN:
        raise PacketError("truncated", f"ciphertext of {ct_len} bytes declared, packet is {len(data)} bytes")
    if len(data) > end + SIGNATURE_LEN:
        raise PacketError("trailing_data", f"{len(data) - end - SIGNATURE_LEN} bytes after the signature")
    return Envelope(
        packet_id=str(uuid.UUID(bytes=pid)), kit_id=str(uuid.UUID(bytes=kid)), created_at=created,
        suite=suite.name, sha256=hashlib.sha256(data).hexdigest(), size=len(data),
        header=data[:HEADER_LEN], enc=data[HEADER_LEN + 2:pos], ciphertext=data[pos + 4:end],
        signed=data[:end], signature=data[end:])


def verify_envelope(env: Envelope, device_public_key: bytes) -> None:
    """Raise PacketError("bad_signature") unless the kit's device key signed this envelope."""
    if not _verify(device_public_key, env.signature, env.signed):
        raise PacketError("bad_signature")


def open_envelope(env: Envelope, hub_private_key: bytes, device_public_key: bytes,
                  supervisor_keys_known=None, trust=None, require_token: bool = False) -> PacketContents:
    """Authenticate, decrypt and check a packet; the contents, or PacketError saying what failed.

    `hub_private_key` is the raw private key of the envelope's suite. `supervisor_keys_known`, when given,
    is a collection of supervisor public keys (bytes) or a mapping user id → public key the hub accepts.
    `trust` (fieldkit.packets.certificates.TrustStore) checks token co-signatures' certificate chains;
    without it a token co-signature is refused as untrusted. `require_token` refuses software co-signatures.
    """
    verify_envelope(env, device_public_key)
    suite = suite_by_name(env.suite)
    key = load_private_key(suite, hub_private_key)
    try:
        inner = suite.hpke.decrypt(env.enc + env.ciphertext, key, info=env.hpke_info)
    except (InvalidTag, ValueError):
        raise PacketError("decrypt_failed") from None
    content, device_sig, cosig = split_inner(inner)
    manifest, blobs = unpack_entries(content)
    _check_ids(manifest, env)
    if not _verify(device_public_key, device_sig, DEVICE_CONTEXT + content):
        raise PacketError("bad_inner_signature")
    subject = ""
    if isinstance(manifest.get("supervisor"), dict) and manifest["supervisor"].get("kind") == "token":
        supervisor_id, supervisor_pub, subject = _check_token_cosignature(manifest, env, cosig, content, trust)
    else:
        if require_token:
            raise PacketError("token_required", "this hub accepts only co-signatures made with a token")
        supervisor_id, supervisor_pub = _check_supervisor(manifest, env.kit_id, device_public_key,
                                                          supervisor_keys_known)
        if not _verify(supervisor_pub, cosig, COSIGN_CONTEXT + content):
            raise PacketError("bad_cosignature")
    _check_blobs(manifest, blobs)
    return PacketContents(
        packet_id=env.packet_id, kit_id=env.kit_id, created_at=env.created_at,
        record_id=str(manifest.get("record_id", "")), record_version=int(manifest.get("record_version", 0)),
        record=manifest.get("record") or {}, capture=manifest.get("capture") or {},
        audit=manifest.get("audit") or [], blobs=blobs, supervisor_id=supervisor_id,
        supervisor_public_key=supervisor_pub, manifest=manifest, supervisor_certificate_subject=subject)


def split_inner(inner: bytes) -> tuple[bytes, bytes, bytes]:
    """(content, device signature, supervisor co-signature) of decrypted inner bytes."""
    if len(inner) < 9 or inner[:4] != INNER_MAGIC:
        raise PacketError("malformed", "inner packet has no FKPI magic")
    if inner[4] not in (INNER_VERSION, INNER_VERSION_SIZED):
        raise PacketError("unsupported_version", f"inner version {inner[4]}")
    (content_len,) = struct.unpack_from(">I", inner, 5)
    end = 9 + content_len + SIGNATURE_LEN
    if inner[4] == INNER_VERSION_SIZED:
        if len(inner) < end + 2:
            raise PacketError("malformed", "inner packet ends before its co-signature length")
        (cosig_len,) = struct.unpack_from(">H", inner, end)
        cosig_start = end + 2
    else:
        cosig_len, cosig_start = SIGNATURE_LEN, end
    if len(inner) != cosig_start + cosig_len:
        raise PacketError("malformed", "inner length does not match its content length")
    return inner[9:9 + content_len], inner[end - SIGNATURE_LEN:end], inner[cosig_start:]


def certificate_message(kit_id: str, supervisor_id: str, supervisor_public_key: bytes) -> bytes:
    """What the device signs to vouch for a supervisor's co-signing key."""
    uid = supervisor_id.encode("utf-8")
    return (CERT_CONTEXT + uuid.UUID(kit_id).bytes + struct.pack(">H", len(uid)) + uid
            + bytes(supervisor_public_key))


def _check_ids(manifest: dict, env: Envelope) -> None:
    for name in ("packet_id", "kit_id", "created_at"):
        if manifest.get(name) != getattr(env, name):
            raise PacketError("id_mismatch", f"{name} inside the packet differs from the envelope's")
    if manifest.get("format") != VERSION or manifest.get("suite") != env.suite:
        raise PacketError("id_mismatch", "format or suite inside the packet differs from the envelope's")


def _check_supervisor(manifest: dict, kit_id: str, device_public_key: bytes, known) -> tuple[str, bytes]:
    sup = manifest.get("supervisor")
    try:
        user_id = str(sup["user_id"])
        pub = base64.b64decode(sup["public_key"], validate=True)
        cert = base64.b64decode(sup["certificate"], validate=True)
    except (TypeError, KeyError, ValueError):
        raise PacketError("malformed", "manifest has no valid supervisor entry") from None
    if len(pub) != 32 or not _verify(device_public_key, cert, certificate_message(kit_id, user_id, pub)):
        raise PacketError("bad_certificate")
    if known is not None:
        accepted = known.get(user_id) == pub if isinstance(known, dict) else pub in {bytes(k) for k in known}
        if not accepted:
            raise PacketError("unknown_supervisor", f"supervisor {user_id} key not known to this reader")
    return user_id, pub


def _check_token_cosignature(manifest: dict, env: Envelope, cosig: bytes, content: bytes,
                             trust) -> tuple[str, bytes, str]:
    """A token co-signature: the chain is trusted at approval (sealing) time, unrevoked, and signed this."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from fieldkit.packets.certificates import CertificateProblem, subject_text
    from fieldkit.packets.cosigner import verify_signature

    sup = manifest["supervisor"]
    try:
        user_id, algorithm = str(sup["user_id"]), str(sup["algorithm"])
        chain = [x509.load_der_x509_certificate(base64.b64decode(c, validate=True)) for c in sup["certificates"]]
    except (TypeError, KeyError, ValueError):
        raise PacketError("malformed", "manifest has no valid token co-signature entry") from None
    if not chain:
        raise PacketError("malformed", "token co-signature without a certificate")
    if trust is None:
        raise PacketError("untrusted_certificate", "this reader has no trust anchors for token co-signatures")
    approved_at = dt.datetime.fromtimestamp(env.created_at / 1000, dt.timezone.utc)
    try:
        leaf = trust.verify_chain(chain, approved_at)
    except CertificateProblem as exc:
        raise PacketError(exc.code, exc.message) from None
    if not verify_signature(algorithm, leaf.public_key(), cosig, COSIGN_CONTEXT + content):
        raise PacketError("bad_cosignature")
    public = leaf.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return user_id, public, subject_text(leaf)


def _check_blobs(manifest: dict, blobs: dict[str, bytes]) -> None:
    listed = manifest.get("blobs")
    if not isinstance(listed, dict) or set(listed) != set(blobs):
        raise PacketError("blob_mismatch", "blob names differ from the manifest's list")
    for name, data in blobs.items():
        meta = listed[name]
        if not isinstance(meta, dict) or meta.get("length") != len(data) \
                or meta.get("sha256") != hashlib.sha256(data).hexdigest():
            raise PacketError("blob_mismatch", f"blob {name!r} differs from the manifest")


def _verify(public_key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(bytes(public_key)).verify(signature, message)
        return True
    except (InvalidSignature, ValueError):
        return False


def generate_hub_keys(suite: str = "x25519") -> tuple[bytes, bytes, bytes, bytes]:
    """(HPKE private, HPKE public, Ed25519 signing private, signing public), all raw bytes, for a hub."""
    hpke_private, hpke_public = generate_keypair(suite_by_name(suite))
    signing = Ed25519PrivateKey.generate()
    return hpke_private, hpke_public, signing.private_bytes_raw(), signing.public_key().public_bytes_raw()
