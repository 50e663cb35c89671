"""X.509 chains for supervisors' government certificates: trust anchors, CRLs, and the check both ends run.

    trust = TrustStore.from_pem(roots_pem, crls_pem)
    leaf = trust.verify_chain([leaf_cert, *intermediates], at=approval_time)   # CertificateProblem if not

The kit runs it when a supervisor binds a token (`fieldkit user add --token`), with the roots it was
provisioned with; the hub runs it on every token-signed packet, with its own roots and CRLs
(`fieldkit-hub ca add|crl`). A hand-written walk, not `cryptography.x509.verification`: that verifier
implements the Web PKI profile (server/client EKUs, SAN rules), which a government signing certificate
("chứng thư số chuyên dùng") need not follow. What is checked: each certificate is directly issued by the
next (signature and issuer name), issuers are CAs, every certificate is valid at the approval time, the
chain ends at a configured root, and no certificate in it is on a CRL its issuer signed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization

MAX_DEPTH = 6


class CertificateProblem(Exception):
    """A chain that must not be trusted; `code` is stable (hub refusal codes), `message` for people."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message


def load_certificates(data: bytes) -> list[x509.Certificate]:
    """Every certificate in a PEM bundle, or the one DER certificate."""
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]


def load_crl(data: bytes) -> x509.CertificateRevocationList:
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_crl(data)
    return x509.load_der_x509_crl(data)


def to_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def subject_text(cert: x509.Certificate) -> str:
    return cert.subject.rfc4514_string()


@dataclass
class TrustStore:
    roots: list[x509.Certificate] = field(default_factory=list)
    crls: list[x509.CertificateRevocationList] = field(default_factory=list)

    @classmethod
    def from_pem(cls, roots: bytes = b"", crls: list[bytes] | None = None) -> "TrustStore":
        return cls(load_certificates(roots) if roots.strip() else [], [load_crl(c) for c in crls or []])

    def verify_chain(self, chain: list[x509.Certificate], at: dt.datetime) -> x509.Certificate:
        """The leaf (chain[0]) if the chain is trusted at `at`; CertificateProblem otherwise."""
        if not chain:
            raise CertificateProblem("untrusted_certificate", "no certificate was given")
        path = self._path_to_root(chain)
        for cert in path:
            _check_validity(cert, at)
        for cert, issuer in zip(path, path[1:]):
            self._check_not_revoked(cert, issuer, at)
        return chain[0]

    def _path_to_root(self, chain: list[x509.Certificate]) -> list[x509.Certificate]:
        pool = list(chain[1:])
        path = [chain[0]]
        while len(path) <= MAX_DEPTH:
            current = path[-1]
            root = self._root_for(current)
            if root is not None:
                return path if _same(current, root) else path + [root]
            issuer = next((c for c in pool if _issued_by(current, c)), None)
            if issuer is None or any(_same(issuer, p) for p in path):
                break
            path.append(issuer)
        raise CertificateProblem("untrusted_certificate",
                                 f"{subject_text(chain[0])} does not chain to a trusted root")

    def _root_for(self, cert: x509.Certificate) -> x509.Certificate | None:
        return next((r for r in self.roots if _same(cert, r) or _issued_by(cert, r)), None)

    def _check_not_revoked(self, cert: x509.Certificate, issuer: x509.Certificate, at: dt.datetime) -> None:
        for crl in self.crls:
            if crl.issuer != issuer.subject or not crl.is_signature_valid(issuer.public_key()):
                continue
            entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
            if entry is not None:
                raise CertificateProblem("revoked_certificate",
                                         f"{subject_text(cert)} was revoked on "
                                         f"{entry.revocation_date_utc:%d/%m/%Y}")


def _same(a: x509.Certificate, b: x509.Certificate) -> bool:
    return a.fingerprint(hashes.SHA256()) == b.fingerprint(hashes.SHA256())


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Signed by `issuer`, which is a CA (basic constraints), under the issuer's name."""
    try:
        constraints = issuer.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return False
    if not constraints.ca:
        return False
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _check_validity(cert: x509.Certificate, at: dt.datetime) -> None:
    if at < cert.not_valid_before_utc or at > cert.not_valid_after_utc:
        raise CertificateProblem("expired_certificate",
                                 f"{subject_text(cert)} is valid {cert.not_valid_before_utc:%d/%m/%Y}–"
                                 f"{cert.not_valid_after_utc:%d/%m/%Y}, not at {at:%d/%m/%Y %H:%M} UTC")
