"""Supervisor approval with a government certificate on a PKCS#11 token (SoftHSM2), end to end and attacked.

The kit binds the supervisor to the token's certificate, approval opens the token with its PIN, the packet
carries the chain, and the hub checks chain, validity at approval time and revocation against its own
anchors (`fieldkit-hub ca add|crl`). Every refusal leaves the record pending review: nothing half-sealed.
"""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from fieldkit.enrolment.service import EnrolmentService, TokenNeeded
from fieldkit.packets.envelope import open_envelope, parse_envelope
from fieldkit.packets.errors import PacketError
from fieldkit.security import keystore
from fieldkit.packets.certificates import TrustStore
from fieldkit.security.crypto import FAST_TEST_KDF
from fieldkit.security.hub_keys import load_hub_keys, store_hub_keys
from fieldkit.security.token import TokenError, open_token_signer, read_certificates
from fieldkit.security.token_binding import certificate_to_bind, open_signer_for
from fieldkit.settings import load_settings
from tests.security.conftest import PASS, make_kit
from drivers.token.softhsm import USER_PIN

pytestmark = pytest.mark.usefixtures("soft_tokens")


def der(cert) -> bytes:
    return cert.public_bytes(Encoding.DER)


@pytest.fixture
def token_kit(data_dir, soft_tokens):
    """A provisioned kit whose hub trusts the test CA; returns the hub's keys."""
    hub = make_kit(data_dir)
    keys = load_hub_keys(data_dir)
    tech = keystore.unlock(data_dir, "tech", PASS["tech"])
    store_hub_keys(data_dir, hub_url=keys.hub_url, signing_public_key=keys.signing_public_key,
                   hpke_public_keys=keys.hpke_public_keys, ca_roots_pem=soft_tokens.ca.pem(), signer=tech)
    tech.lock()
    return hub


def bind(data_dir, soft_tokens, label: str, name: str = "tsup"):
    certificate, _subject = certificate_to_bind(soft_tokens.config(label), data_dir)
    tech = keystore.unlock(data_dir, "tech", PASS["tech"])
    try:
        keystore.add_user(tech, name, "supervisor", "token-sup-passphrase", FAST_TEST_KDF, certificate)
    finally:
        tech.lock()


def pending_record(service) -> str:
    officer = service.unlock("off", PASS["off"])
    ref = officer.save_draft({"full_name": "Y Bưk Niê", "id_number": "062095000123"}, {"face.jpg": b"\xff\xd8x"})
    officer.submit_for_review(ref.record_id)
    return ref.record_id


def settings_for(data_dir, soft_tokens, label):
    return load_settings(data_dir, environ={}).with_overrides(token_module=soft_tokens.module, token_label=label)


def approve_with(service, data_dir, soft_tokens, label, pin=USER_PIN, name="tsup"):
    session = service.unlock(name, "token-sup-passphrase")
    record_id = pending_record(service)
    with open_signer_for(session.kit, settings_for(data_dir, soft_tokens, label), pin) as signer:
        return session.approve(record_id, cosigner=signer)


@pytest.mark.parametrize("label,algorithm", [("sup-ec", "ecdsa-p256-sha256"), ("sup-rsa", "rsa-pkcs1v15-sha256")])
def test_token_approval_opens_at_a_hub_that_trusts_the_ca(data_dir, soft_tokens, token_kit, label, algorithm):
    bind(data_dir, soft_tokens, label)
    with EnrolmentService(data_dir) as service:
        ref = approve_with(service, data_dir, soft_tokens, label)
        packet = service.store.reader().execute("SELECT data FROM packets WHERE record_id = ?",
                                                (ref.record_id,)).fetchone()[0]
    env = parse_envelope(packet)
    contents = open_envelope(env, token_kit[0], keystore.device_public_key(data_dir),
                             trust=TrustStore([soft_tokens.ca.cert]))
    assert contents.manifest["supervisor"]["kind"] == "token"
    assert contents.manifest["supervisor"]["algorithm"] == algorithm
    assert contents.supervisor_certificate_subject.startswith(f"CN=Giám sát {label}")
    with pytest.raises(PacketError) as refused:  # a hub without the CA among its anchors
        open_envelope(env, token_kit[0], keystore.device_public_key(data_dir), trust=TrustStore([]))
    assert refused.value.code == "untrusted_certificate"


def test_a_certificate_from_another_ca_cannot_be_bound(data_dir, soft_tokens, token_kit):
    with pytest.raises(TokenError) as refused:
        certificate_to_bind(soft_tokens.config("foreign-sup"), data_dir)
    assert refused.value.code == "certificate_untrusted"
    assert "tin cậy" in refused.value.message("vi")


def test_wrong_pin_is_refused_in_vietnamese_and_the_record_stays_pending(data_dir, soft_tokens, token_kit):
    bind(data_dir, soft_tokens, "sup-ec")
    with EnrolmentService(data_dir) as service:
        with pytest.raises(TokenError) as refused:
            approve_with(service, data_dir, soft_tokens, "sup-ec", pin="000000")
        assert refused.value.code == "wrong_pin" and "PIN" in refused.value.message("vi")
        statuses = {r[0] for r in service.store.reader().execute("SELECT status FROM records")}
        assert statuses == {"pending_review"}
        assert service.store.reader().execute("SELECT COUNT(*) FROM packets").fetchone()[0] == 0


def test_someone_elses_token_is_refused_before_signing(data_dir, soft_tokens, token_kit):
    bind(data_dir, soft_tokens, "sup-ec")
    with EnrolmentService(data_dir) as service:
        with pytest.raises(TokenError) as refused:
            approve_with(service, data_dir, soft_tokens, "other-sup")
        assert refused.value.code == "wrong_certificate"


def test_a_token_supervisor_cannot_approve_without_the_token(data_dir, soft_tokens, token_kit):
    bind(data_dir, soft_tokens, "sup-ec")
    with EnrolmentService(data_dir) as service:
        session = service.unlock("tsup", "token-sup-passphrase")
        assert session.kit.cosign_key is None  # no kit-held key to fall back on
        with pytest.raises(TokenNeeded):
            session.approve(pending_record(service))


def test_token_removed_mid_approval_leaves_the_record_pending(data_dir, soft_tokens, token_kit):
    """The PKCS#11 session vanishes between login and signature, as when the token is pulled out."""
    bind(data_dir, soft_tokens, "sup-ec")
    with EnrolmentService(data_dir) as service:
        session = service.unlock("tsup", "token-sup-passphrase")
        record_id = pending_record(service)
        signer = open_signer_for(session.kit, settings_for(data_dir, soft_tokens, "sup-ec"), USER_PIN)
        signer._session.close()  # the token's session is gone: the next C_Sign fails
        with pytest.raises(TokenError) as refused:
            session.approve(record_id, cosigner=signer)
        assert refused.value.code in ("token_removed", "token_error")
        row = service.store.reader().execute("SELECT status, payload IS NOT NULL FROM records WHERE id = ?",
                                             (record_id,)).fetchone()
        assert row == ("pending_review", 1)
        signer.close()


def test_an_expired_certificate_is_refused_at_the_kit_and_at_the_hub(data_dir, soft_tokens, token_kit):
    # The kit refuses to bind it ...
    with pytest.raises(TokenError) as refused:
        certificate_to_bind(soft_tokens.config("expired-sup"), data_dir)
    assert refused.value.code == "certificate_expired"
    # ... and a packet a rogue kit co-signed with it anyway is refused by the hub.
    chain = read_certificates(soft_tokens.config("expired-sup"))
    packet = _packet_signed_by(data_dir, soft_tokens, "expired-sup")
    with pytest.raises(PacketError) as hub_refused:
        open_envelope(parse_envelope(packet), token_kit[0], keystore.device_public_key(data_dir),
                      trust=TrustStore([soft_tokens.ca.cert]))
    assert hub_refused.value.code == "expired_certificate" and chain


def test_a_revoked_certificate_is_refused_by_the_hub(data_dir, soft_tokens, token_kit):
    bind(data_dir, soft_tokens, "revoked-sup")
    with EnrolmentService(data_dir) as service:
        ref = approve_with(service, data_dir, soft_tokens, "revoked-sup")
        packet = service.store.reader().execute("SELECT data FROM packets WHERE record_id = ?",
                                                (ref.record_id,)).fetchone()[0]
    from cryptography import x509
    crl = x509.load_pem_x509_crl(soft_tokens.ca.crl([soft_tokens.certificates["revoked-sup"]]))
    with pytest.raises(PacketError) as refused:
        open_envelope(parse_envelope(packet), token_kit[0], keystore.device_public_key(data_dir),
                      trust=TrustStore([soft_tokens.ca.cert], [crl]))
    assert refused.value.code == "revoked_certificate"


def test_a_hub_that_requires_tokens_refuses_software_cosignatures(data_dir, soft_tokens, token_kit):
    with EnrolmentService(data_dir) as service:
        record_id = pending_record(service)
        service.unlock("sup", PASS["sup"]).approve(record_id)
        packet = service.store.reader().execute("SELECT data FROM packets").fetchone()[0]
    env = parse_envelope(packet)
    device = keystore.device_public_key(data_dir)
    assert open_envelope(env, token_kit[0], device).supervisor_id  # software keys keep working by default
    with pytest.raises(PacketError) as refused:
        open_envelope(env, token_kit[0], device, trust=TrustStore([soft_tokens.ca.cert]), require_token=True)
    assert refused.value.code == "token_required"


def _packet_signed_by(data_dir, soft_tokens, label) -> bytes:
    """What a rogue kit could make: a packet co-signed by a token the kit itself never accepted."""
    from fieldkit.packets.seal import SealInput, Signers, seal_packet

    kit = keystore.unlock(data_dir, "tech", PASS["tech"])
    try:
        with open_token_signer(soft_tokens.config(label), USER_PIN, "rogue") as signer:
            content = SealInput("r-1", 1, {"full_name": "Synthetic"}, {"face.jpg": b"x"})
            hub = load_hub_keys(data_dir)
            _pid, packet = seal_packet(content, Signers(kit.kit_id, kit.device_key, "rogue", cosigner=signer),
                                       hub.hpke_public_key("x25519"))
    finally:
        kit.lock()
    return packet


def test_trust_store_checks_validity_at_the_given_time(soft_tokens):
    cert = soft_tokens.certificates["sup-ec"]
    store = TrustStore([soft_tokens.ca.cert])
    assert store.verify_chain([cert], dt.datetime.now(dt.timezone.utc)) == cert
    from fieldkit.packets.certificates import CertificateProblem
    with pytest.raises(CertificateProblem) as late:
        store.verify_chain([cert], dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=4000))
    assert late.value.code == "expired_certificate"
    assert der(cert) == der(read_certificates(soft_tokens.config("sup-ec"))[0])
