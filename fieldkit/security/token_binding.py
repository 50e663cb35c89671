"""Binding a supervisor to their token certificate, and checking it again at every approval.

The roots a kit trusts come from the hub at provisioning (`keys/hub.json`, "ca_roots": the hub's
`fieldkit-hub ca add` roots), so a kit accepts only certificates the hub will accept too. Revocation is the
hub's job (it holds the CRLs); the kit checks the chain and the validity dates, so an expired certificate is
refused at the kit with a clear message instead of a refusal from the hub days later.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from fieldkit.packets.certificates import CertificateProblem, TrustStore, subject_text
from fieldkit.security.hub_keys import load_hub_keys
from fieldkit.security.token import TokenConfig, TokenError, open_token_signer, read_certificates


def provisioned_roots(data_dir: Path) -> TrustStore:
    """The trust anchors the hub gave this kit ("untrusted_certificate" TokenError if it gave none)."""
    roots = load_hub_keys(Path(data_dir)).ca_roots_pem
    if not roots.strip():
        raise TokenError("certificate_untrusted", "the hub gave this kit no trusted roots: ask the hub "
                                                  "administrator to add the CA (fieldkit-hub ca add), then provision again")
    return TrustStore.from_pem(roots)


def _checked(data_dir: Path, chain: list[x509.Certificate], now: dt.datetime | None) -> x509.Certificate:
    try:
        return provisioned_roots(data_dir).verify_chain(chain, now or dt.datetime.now(dt.timezone.utc))
    except CertificateProblem as exc:
        code = "certificate_expired" if exc.code == "expired_certificate" else "certificate_untrusted"
        raise TokenError(code, exc.message) from None


def certificate_to_bind(config: TokenConfig, data_dir: Path, now: dt.datetime | None = None) -> tuple[bytes, str]:
    """(DER, subject) of the token's signing certificate, once it chains to the provisioned roots."""
    chain = read_certificates(config)
    leaf = _checked(data_dir, chain, now)
    return leaf.public_bytes(Encoding.DER), subject_text(leaf)


def check_cosigner_certificate(data_dir: Path, bound_der: bytes, chain: list[x509.Certificate],
                               now: dt.datetime | None = None) -> None:
    """The token in hand is the one bound to the logged-in supervisor, and its certificate is valid now."""
    if not chain or chain[0].public_bytes(Encoding.DER) != bytes(bound_der):
        raise TokenError("wrong_certificate")
    _checked(data_dir, chain, now)


def open_signer_for(kit, settings, pin: str):
    """The logged-in supervisor's token signer (TokenError with a clear code on any failure)."""
    return open_token_signer(TokenConfig.from_settings(settings), pin, kit.user.user_id, kit.token_certificate)
