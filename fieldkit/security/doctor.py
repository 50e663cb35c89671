"""`fieldkit doctor` probe: key state (never prints a secret)."""

from __future__ import annotations

import hashlib

from fieldkit.security import keystore
from fieldkit.security.hub_keys import HubNotProvisioned, read_hub_keys


def _fp(key: bytes) -> str:
    d = hashlib.sha256(key).hexdigest()[:20]
    return ":".join(d[i:i + 4] for i in range(0, 20, 4))


def keys_section(ctx) -> tuple[str, list[str]]:
    d = ctx.data_dir
    if keystore.is_wiped(d):
        return "Keys", ["kit WIPED: keys destroyed; run `fieldkit init` to re-initialise"]
    if not keystore.is_initialised(d):
        return "Keys", ["kit not initialised (run `fieldkit init`)"]
    doc = keystore.load_kit_file(d)
    lines = [f"kit id {doc['kit_id']}", f"device key {_fp(keystore.device_public_key(d))}"]
    if "mac" in doc:
        lines.append(f"key file format {doc.get('format')}: authenticated (its MAC is checked at every unlock)")
    else:
        lines.append(f"key file format {doc.get('format', 1)}: not yet authenticated; the next login upgrades it")
    roles: dict[str, int] = {}
    for slot in doc["slots"]:
        roles[slot["role"]] = roles.get(slot["role"], 0) + 1
    lines.append("key slots: " + ", ".join(f"{n} {r}" for r, n in sorted(roles.items())))
    kdf = {(s["kdf"]["iterations"], s["kdf"]["memory_kib"]) for s in doc["slots"]}
    lines.append("passphrase KDF argon2id " + ", ".join(f"t={t} m={m // 1024} MiB" for t, m in sorted(kdf)))
    failures = keystore.throttle(d).failures("*")
    if failures:
        lines.append(f"{failures} failed anonymous login attempts pending")
    try:
        hub, problem = read_hub_keys(d)
    except HubNotProvisioned as exc:  # missing, or too malformed to show
        lines.append(str(exc) if "sealed" in str(exc) else "hub not provisioned (run `fieldkit provision`)")
        return "Keys", lines
    if problem:  # loud: somebody changed where packets go or whose receipts are believed
        lines.append("!" * 72)
        lines.append(f"WARNING: {problem}")
        lines.append("!" * 72)
    lines.append(f"hub {hub.hub_url} signing key {_fp(hub.signing_public_key)}; "
                 f"HPKE suites {', '.join(sorted(hub.hpke_public_keys))}"
                 + ("  <- NOT SEALED BY THIS KIT: refused" if problem else "  (sealed by this kit)"))
    return "Keys", lines
