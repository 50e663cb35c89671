"""Benchmark `approve_with_token`: a supervisor approves with a PKCS#11 token (SoftHSM2 here).

Per approval: the token login with the PIN, the bound-certificate and chain checks, the co-signature on the
token, seal and durable enqueue — the path `fieldkit queue approve` and the app take. Goal ≤ 200 ms.
SoftHSM2 is a software token: a USB smart-card token signs ECDSA in ~50–150 ms and RSA-2048 in ~100–500 ms,
so on real hardware the figure is dominated by the token itself.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path


def bench_approve_with_token(n: int = 20) -> dict:
    from drivers.token import softhsm

    module = softhsm.module_path()
    if module is None:
        return {"skipped": "softhsm2 is not installed (apt-get install softhsm2)"}
    out = {"goal_ms": 200}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if "SOFTHSM2_CONF" not in os.environ:  # SoftHSM reads it once per process
            os.environ["SOFTHSM2_CONF"] = softhsm.init_tokens(root / "hsm", ["bench-ec", "bench-rsa"])
            ca = softhsm.ThrowawayCA.create()
            for label, kind in (("bench-ec", "ec"), ("bench-rsa", "rsa")):
                softhsm.provision_token(module, label, ca, f"Bench {label}", kind)
        else:
            return {"skipped": "SOFTHSM2_CONF is already set in this process"}
        for label in ("bench-ec", "bench-rsa"):
            samples = _approvals(root / label, module, label, ca, n)
            ms = sorted(s * 1000 for s in samples)
            out[f"{label} median_ms"] = round(statistics.median(ms), 1)
            out[f"{label} p95_ms"] = round(ms[int(0.95 * (len(ms) - 1))], 1)
    return out


def _approvals(data_dir: Path, module: str, label: str, ca, n: int) -> list[float]:
    from drivers.token import softhsm
    from fieldkit.enrolment.crash_harness import PASSPHRASES, prepare_kit
    from fieldkit.enrolment.service import EnrolmentService
    from fieldkit.packets.envelope import generate_hub_keys
    from fieldkit.security import keystore
    from fieldkit.security.crypto import FAST_TEST_KDF
    from fieldkit.security.hub_keys import store_hub_keys
    from fieldkit.security.token import TokenConfig
    from fieldkit.security.token_binding import certificate_to_bind, open_signer_for
    from fieldkit.settings import load_settings

    data_dir.mkdir(parents=True)
    prepare_kit(data_dir)
    hub = generate_hub_keys("x25519")
    admin = keystore.unlock(data_dir, "sup", PASSPHRASES["sup"])
    store_hub_keys(data_dir, hub_url="http://127.0.0.1:9", signing_public_key=hub[3],
                   hpke_public_keys={"x25519": hub[1]}, ca_roots_pem=ca.pem(), signer=admin)
    certificate, _ = certificate_to_bind(TokenConfig(module, label), data_dir)
    keystore.add_user(admin, "tsup", "supervisor", PASSPHRASES["sup"], FAST_TEST_KDF, certificate)
    admin.lock()
    settings = load_settings(data_dir, environ={}).with_overrides(token_module=module, token_label=label)
    samples = []
    with EnrolmentService(data_dir, settings) as service:
        officer, supervisor = service.unlock("off", PASSPHRASES["off"]), service.unlock("tsup", PASSPHRASES["sup"])
        for i in range(n):
            ref = officer.save_draft({"full_name": f"Bench {i}"}, {"face.jpg": os.urandom(120_000)})
            officer.submit_for_review(ref.record_id)
            started = time.perf_counter()
            with open_signer_for(supervisor.kit, settings, softhsm.USER_PIN) as signer:
                supervisor.approve(ref.record_id, cosigner=signer)
            samples.append(time.perf_counter() - started)
    return samples
