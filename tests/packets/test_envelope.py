"""Sealed packets: round trip in both suites, and every kind of tampering detected with the right code."""

from __future__ import annotations

import struct
import uuid

import pytest

from fieldkit.packets import envelope as E
from fieldkit.packets.errors import PacketError
from fieldkit.packets.suites import SUITES_BY_NAME
from tests.packets.conftest import device_pub, seal


def open_bytes(data, signers, hub_keys, suite="x25519", **kw):
    return E.open_envelope(E.parse_envelope(data), hub_keys[suite][0], device_pub(signers), **kw)


@pytest.mark.parametrize("suite", ["x25519", "mlkem768-x25519"])
def test_round_trip(content, signers, hub_keys, suite):
    pid, data = seal(content, signers, hub_keys, suite, created_at=1_700_000_000_123)
    env = E.parse_envelope(data)
    assert (env.packet_id, env.kit_id, env.suite, env.created_at) == (pid, signers.kit_id, suite, 1_700_000_000_123)
    assert len(env.enc) == SUITES_BY_NAME[suite].enc_len
    got = E.open_envelope(env, hub_keys[suite][0], device_pub(signers))
    assert got.record == content.record and got.blobs == content.blobs
    assert got.capture == content.capture and got.audit == content.audit
    assert (got.record_id, got.record_version, got.supervisor_id) == (content.record_id, 3, "sup-1")


def test_plaintext_is_not_in_the_packet(content, signers, hub_keys):
    _, data = seal(content, signers, hub_keys)
    for needle in ("Nguyễn".encode(), b"001190012345", b"0912345678", content.blobs["face.jpg"][:64]):
        assert needle not in data


def test_sealing_is_not_deterministic_but_content_is(content, signers, hub_keys):
    _, a = seal(content, signers, hub_keys, packet_id="00000000-0000-4000-8000-000000000001", created_at=1)
    _, b = seal(content, signers, hub_keys, packet_id="00000000-0000-4000-8000-000000000001", created_at=1)
    assert a != b  # fresh HPKE ephemeral key each time
    inner = [E.split_inner(_decrypt(x, hub_keys))[0] for x in (a, b)]
    assert inner[0] == inner[1]  # the signed content is deterministic


def _decrypt(data, hub_keys):
    from fieldkit.packets.suites import load_private_key, suite_by_name
    env = E.parse_envelope(data)
    s = suite_by_name(env.suite)
    return s.hpke.decrypt(env.enc + env.ciphertext, load_private_key(s, hub_keys[env.suite][0]), info=env.hpke_info)


def test_flipped_byte_anywhere_is_detected(content, signers, hub_keys):
    _, data = seal(content, signers, hub_keys)
    # Every header and trailer byte, and a stride through the ciphertext.
    positions = sorted(set(range(0, 60)) | set(range(len(data) - 80, len(data))) | set(range(60, len(data), 97)))
    codes = {}
    for pos in positions:
        bad = bytearray(data)
        bad[pos] ^= 0x01
        with pytest.raises(PacketError) as err:
            open_bytes(bytes(bad), signers, hub_keys)
        codes[pos] = err.value.code
    assert set(codes.values()) <= {"bad_magic", "unsupported_version", "unsupported_suite", "malformed",
                                   "truncated", "trailing_data", "bad_signature"}
    assert codes[0] == "bad_magic" and codes[4] == "unsupported_version" and codes[5] == "unsupported_suite"
    assert codes[10] == "bad_signature" and codes[len(data) - 1] == "bad_signature"


def test_truncated_and_trailing(content, signers, hub_keys):
    _, data = seal(content, signers, hub_keys)
    for cut in (0, 3, 20, E.MIN_LEN - 1, len(data) // 2, len(data) - 1):
        with pytest.raises(PacketError) as err:
            E.parse_envelope(data[:cut])
        assert err.value.code == "truncated", cut
    with pytest.raises(PacketError) as err:
        E.parse_envelope(data + b"\0")
    assert err.value.code == "trailing_data"


def test_swapped_signature_is_detected(content, signers, hub_keys):
    _, a = seal(content, signers, hub_keys)
    _, b = seal(content, signers, hub_keys)
    swapped = a[:-64] + b[-64:]
    with pytest.raises(PacketError) as err:
        open_bytes(swapped, signers, hub_keys)
    assert err.value.code == "bad_signature"


def test_another_devices_packet_is_refused(content, signers, hub_keys):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    _, data = seal(content, signers, hub_keys)
    other = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    with pytest.raises(PacketError) as err:
        E.open_envelope(E.parse_envelope(data), hub_keys["x25519"][0], other)
    assert err.value.code == "bad_signature"


def resign(data: bytes, signers, **changes) -> bytes:
    """The packet with header fields changed and the outer signature redone with the real device key
    (what an attacker holding the device key, or a buggy kit, could produce)."""
    env = E.parse_envelope(data)
    magic, version, suite, pid, kid, created = E.HEADER.unpack(env.header)
    pid = uuid.UUID(changes["packet_id"]).bytes if "packet_id" in changes else pid
    kid = uuid.UUID(changes["kit_id"]).bytes if "kit_id" in changes else kid
    header = E.HEADER.pack(magic, version, suite, pid, kid, changes.get("created_at", created))
    signed = header + env.signed[E.HEADER_LEN:]
    return signed + signers.device_key.sign(signed)


@pytest.mark.parametrize("field", ["packet_id", "kit_id", "created_at"])
def test_replay_under_another_id_fails_to_decrypt(content, signers, hub_keys, field):
    _, data = seal(content, signers, hub_keys)
    value = 12345 if field == "created_at" else str(uuid.uuid4())
    replayed = resign(data, signers, **{field: value})
    with pytest.raises(PacketError) as err:
        open_bytes(replayed, signers, hub_keys)
    assert err.value.code == "decrypt_failed"


def test_ids_inside_must_match_the_envelope(content, signers, hub_keys, monkeypatch):
    # Seal with a manifest that names another packet id: the HPKE binding holds, the inner check catches it.
    from fieldkit.packets import seal as S
    real = S._manifest
    monkeypatch.setattr(S, "_manifest", lambda *a: {**real(*a), "packet_id": str(uuid.uuid4())})
    _, data = seal(content, signers, hub_keys)
    with pytest.raises(PacketError) as err:
        open_bytes(data, signers, hub_keys)
    assert err.value.code == "id_mismatch"


def test_wrong_hub_key_fails_to_decrypt(content, signers, hub_keys):
    from fieldkit.packets.envelope import generate_hub_keys
    _, data = seal(content, signers, hub_keys)
    with pytest.raises(PacketError) as err:
        E.open_envelope(E.parse_envelope(data), generate_hub_keys()[0], device_pub(signers))
    assert err.value.code == "decrypt_failed"


def test_forged_cosignature_and_certificate(content, signers, hub_keys):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from fieldkit.packets.seal import Signers
    # A supervisor key the device never certified (certificate made for another key).
    rogue = Signers(signers.kit_id, signers.device_key, "sup-1", Ed25519PrivateKey.generate(),
                    signers.supervisor_certificate)
    _, data = seal(content, rogue, hub_keys)
    with pytest.raises(PacketError) as err:
        open_bytes(data, signers, hub_keys)
    assert err.value.code == "bad_certificate"


def test_unknown_supervisor_when_the_hub_keeps_a_list(content, signers, hub_keys):
    _, data = seal(content, signers, hub_keys)
    sup_pub = signers.supervisor_key.public_key().public_bytes_raw()
    assert open_bytes(data, signers, hub_keys, supervisor_keys_known={"sup-1": sup_pub}).supervisor_id == "sup-1"
    assert open_bytes(data, signers, hub_keys, supervisor_keys_known=[sup_pub]).supervisor_id == "sup-1"
    with pytest.raises(PacketError) as err:
        open_bytes(data, signers, hub_keys, supervisor_keys_known={"sup-1": b"\0" * 32})
    assert err.value.code == "unknown_supervisor"


def test_error_codes_are_stable():
    with pytest.raises(ValueError):
        PacketError("no_such_code")
    assert PacketError("bad_magic").code == "bad_magic"


def test_length_fields_are_big_endian(content, signers, hub_keys):
    _, data = seal(content, signers, hub_keys)
    (enc_len,) = struct.unpack_from(">H", data, 46)
    (ct_len,) = struct.unpack_from(">I", data, 48 + enc_len)
    assert 52 + enc_len + ct_len + 64 == len(data)


def test_upper_case_ids_are_canonicalised(content, signers, hub_keys):
    pid = "ABCDEF12-3456-4789-8ABC-DEF012345678"
    signers.kit_id = signers.kit_id.upper()
    got_pid, data = seal(content, signers, hub_keys, packet_id=pid)
    assert got_pid == pid.lower()
    signers.kit_id = signers.kit_id.lower()
    assert open_bytes(data, signers, hub_keys).packet_id == pid.lower()
