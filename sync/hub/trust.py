"""The hub's trust anchors for supervisors' token certificates: roots, CRLs and the token-only policy.

Kept as files under `<hub data>/ca/` so an administrator can see them and every hub process reads the same:

    ca/roots/<sha256>.pem     one trusted root per file      (fieldkit-hub ca add ROOT.pem)
    ca/crls/<issuer hash>.pem the newest CRL of each issuer  (fieldkit-hub ca crl CRL.pem)
    ca/policy.json            {"require_token_signatures": false}   (fieldkit-hub ca require-token on|off)

`HubTrust.current()` re-reads the folder when a file in it changed, so a new CRL takes effect on the next
packet without restarting the hub. The roots also go to kits at provisioning, so a kit can check a
supervisor's token certificate when it is bound (`fieldkit user add --token`).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from fieldkit.packets.certificates import TrustStore, load_certificates, load_crl, subject_text, to_pem

CA_DIR = "ca"


class TrustConfigError(ValueError):
    """A root or CRL file that cannot be used (the message names the file)."""


@dataclass(frozen=True)
class TrustPolicy:
    store: TrustStore
    require_token: bool = False


def ca_dir(data_dir: Path) -> Path:
    return Path(data_dir) / CA_DIR


def add_root(data_dir: Path, pem: bytes, source: str = "") -> list[str]:
    """Store each certificate of a PEM/DER file as a trusted root; returns their subjects."""
    try:
        certs = load_certificates(pem)
    except ValueError as exc:
        raise TrustConfigError(f"{source or 'the file'} holds no readable certificate ({exc})") from None
    folder = ca_dir(data_dir) / "roots"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for cert in certs:
        digest = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()[:32]
        _write(folder / f"{digest}.pem", to_pem(cert))
    return [subject_text(c) for c in certs]


def set_crl(data_dir: Path, data: bytes, source: str = "") -> str:
    """Install a CRL (replacing the previous one of the same issuer); its signature must verify under a root."""
    try:
        crl = load_crl(data)
    except ValueError as exc:
        raise TrustConfigError(f"{source or 'the file'} is not a readable CRL ({exc})") from None
    roots = load_policy(data_dir).store.roots
    issuer = next((r for r in roots if r.subject == crl.issuer and crl.is_signature_valid(r.public_key())), None)
    if issuer is None:
        raise TrustConfigError(f"{source or 'the CRL'} is not signed by a trusted root (add the root first)")
    folder = ca_dir(data_dir) / "crls"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = hashlib.sha256(crl.issuer.public_bytes()).hexdigest()[:32]
    _write(folder / f"{name}.pem", crl.public_bytes(serialization.Encoding.PEM))
    return crl.issuer.rfc4514_string()


def set_require_token(data_dir: Path, required: bool) -> None:
    ca_dir(data_dir).mkdir(parents=True, exist_ok=True, mode=0o700)
    _write(ca_dir(data_dir) / "policy.json", json.dumps({"require_token_signatures": bool(required)}).encode())


def roots_pem(data_dir: Path) -> bytes:
    """Every trusted root, one PEM bundle: what kits receive at provisioning."""
    return b"".join(to_pem(c) for c in load_policy(data_dir).store.roots)


def load_policy(data_dir: Path) -> TrustPolicy:
    folder = ca_dir(data_dir)
    roots = [c for path in sorted((folder / "roots").glob("*.pem")) for c in load_certificates(path.read_bytes())]
    crls = [load_crl(path.read_bytes()) for path in sorted((folder / "crls").glob("*.pem"))]
    policy = folder / "policy.json"
    require = bool(json.loads(policy.read_text()).get("require_token_signatures")) if policy.exists() else False
    return TrustPolicy(TrustStore(roots, crls), require)


class HubTrust:
    """The current TrustPolicy of a hub data folder, re-read when a file under ca/ changes."""

    def __init__(self, data_dir: Path | None):
        self.data_dir = Path(data_dir) if data_dir else None
        self._lock = threading.Lock()
        self._stamp: tuple = ()
        self._policy = TrustPolicy(TrustStore())

    def current(self) -> TrustPolicy:
        if self.data_dir is None:
            return self._policy
        stamp = _stamp(ca_dir(self.data_dir))
        with self._lock:
            if stamp != self._stamp:
                self._policy, self._stamp = load_policy(self.data_dir), stamp
            return self._policy


def _stamp(folder: Path) -> tuple:
    if not folder.exists():
        return ("absent",)
    return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in folder.rglob("*") if p.is_file()))


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
