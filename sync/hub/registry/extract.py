"""`fieldkit-hub extract`: a commune's residents (and neighbouring communes') sealed to one enrolled kit.

The kit must be enrolled and not revoked: its Ed25519 device public key (from provisioning) gives the HPKE
key the extract is sealed to (fieldkit.population.kitkey). The hub signs with its receipt-signing key, which
every provisioned kit already trusts. The file is written 0600; it is ciphertext, but it names the kit.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from fieldkit.population.extract_format import ExtractHeader, seal_extract
from fieldkit.population.kitkey import x25519_public_from_ed25519
from sync.hub.registry.store import RegistryStore

MAX_VALID_DAYS = 366


class ExtractRefused(RuntimeError):
    pass


@dataclass(frozen=True)
class ExtractResult:
    extract_id: str
    communes: tuple[str, ...]
    count: int
    expires_at: int

    @property
    def expires_iso(self) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.expires_at / 1000))


def write_extract(service, data_dir: Path, communes: list[str], kit_id: str, out: Path,
                  valid_days: float = 30, now: float | None = None) -> ExtractResult:
    if not 0 < valid_days <= MAX_VALID_DAYS:
        raise ExtractRefused(f"--valid-days must be more than 0 and at most {MAX_VALID_DAYS}")
    kit = service.storage.get_kit(kit_id)
    if kit is None:
        raise ExtractRefused(f"kit {kit_id} is not enrolled at this hub")
    if kit.revoked:
        raise ExtractRefused(f"kit {kit_id} is revoked")
    communes = list(dict.fromkeys(c.strip() for c in communes))
    with RegistryStore(data_dir) as store:
        residents = []
        for code in communes:
            found = store.commune(code)
            if not found:
                raise ExtractRefused(f"the registry has no resident in commune {code} (run `registry import` first)")
            residents += found
    now_ms = int((time.time() if now is None else now) * 1000)
    header = ExtractHeader(str(uuid.uuid4()), kit.kit_id, service.keys.hub_id, now_ms,
                           now_ms + int(valid_days * 86400 * 1000), tuple(communes), len(residents))
    data = seal_extract(header, residents, x25519_public_from_ed25519(kit.device_public_key),
                        service.keys.signing_key)
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, out)
    return ExtractResult(header.extract_id, header.communes, header.count, header.expires_at)
