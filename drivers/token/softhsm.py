"""A real software token (SoftHSM2) and a throw-away CA, for the token tests, the bench and training.

Nothing here is a government certificate: the CA is made on the spot with `cryptography` and its names say
"synthetic". On a field kit the supervisor's own token and its vendor's PKCS#11 module are used instead.

SoftHSM reads SOFTHSM2_CONF once, when the PKCS#11 library is first loaded in a process, and only sees the
tokens that exist then: `SoftToken.create_all` initialises every token a run needs up front (with
softhsm2-util), and keys and certificates are then written through PKCS#11 itself.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

MODULE_CANDIDATES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                     "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so")
USER_PIN, SO_PIN = "246810", "13579135"


def module_path() -> str | None:
    return next((p for p in MODULE_CANDIDATES if Path(p).exists()), None)


def init_tokens(root: Path, labels: list[str]) -> str:
    """A SoftHSM config under `root` with one initialised token per label; returns the config path."""
    tokens = root / "tokens"
    shutil.rmtree(tokens, ignore_errors=True)
    tokens.mkdir(parents=True)
    conf = root / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
    env = dict(os.environ, SOFTHSM2_CONF=str(conf))
    for label in labels:
        subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", label, "--pin", USER_PIN,
                        "--so-pin", SO_PIN], env=env, check=True, capture_output=True)
    return str(conf)


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test CA (synthetic)"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


@dataclass
class ThrowawayCA:
    """A root CA made with `cryptography`, for tests only."""

    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    @classmethod
    def create(cls, name: str = "FieldKit Test Root CA") -> "ThrowawayCA":
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.timezone.utc)
        cert = (x509.CertificateBuilder().subject_name(_name(name)).issuer_name(_name(name))
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3650))
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .sign(key, hashes.SHA256()))
        return cls(key, cert)

    def issue(self, public_key, common_name: str, days: int = 365, start_days_ago: int = 1) -> x509.Certificate:
        now = dt.datetime.now(dt.timezone.utc)
        return (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(self.cert.subject)
                .public_key(public_key).serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=start_days_ago))
                .not_valid_after(now + dt.timedelta(days=days - start_days_ago))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .sign(self.key, hashes.SHA256()))

    def crl(self, revoked: list[x509.Certificate]) -> bytes:
        now = dt.datetime.now(dt.timezone.utc)
        builder = (x509.CertificateRevocationListBuilder().issuer_name(self.cert.subject)
                   .last_update(now).next_update(now + dt.timedelta(days=7)))
        for cert in revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(cert.serial_number).revocation_date(now).build())
        return builder.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def provision_token(module: str, label: str, ca: ThrowawayCA, common_name: str, key_type: str = "ec",
                    days: int = 365, start_days_ago: int = 1) -> x509.Certificate:
    """Generate a key pair ON the token, have `ca` certify it, and store the certificate beside the key."""
    import pkcs11
    from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass
    from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters
    from pkcs11.util.rsa import encode_rsa_public_key

    token = pkcs11.lib(module).get_token(token_label=label)
    key_id = b"\x01"
    with token.open(rw=True, user_pin=USER_PIN) as session:
        if key_type == "ec":
            params = session.create_domain_parameters(
                KeyType.EC, {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")}, local=True)
            public, _private = params.generate_keypair(store=True, label="signing", id=key_id)
            spki = encode_ec_public_key(public)
        else:
            public, _private = session.generate_keypair(KeyType.RSA, 2048, store=True, label="signing", id=key_id)
            spki = encode_rsa_public_key(public)
        cert = ca.issue(serialization.load_der_public_key(spki), common_name, days, start_days_ago)
        session.create_object({Attribute.CLASS: ObjectClass.CERTIFICATE,
                               Attribute.CERTIFICATE_TYPE: CertificateType.X_509, Attribute.TOKEN: True,
                               Attribute.LABEL: "signing", Attribute.ID: key_id,
                               Attribute.SUBJECT: cert.subject.public_bytes(),
                               Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER)})
    return cert
