"""Benchmark of a whole village session (wired into `fieldkit bench` as `demo_village`).

Runs `fieldkit demo` (every citizen through the one EnrolmentFlow, as in the app) in a throw-away data folder with local hub keys and returns flat figures: seconds per
citizen (enrolment + review, sync excluded), per stage, and the counts that make the time meaningful.
Run alone: `python -m fieldkit.benchmarks.demo_village [citizens] [seed]`.
"""

from __future__ import annotations

import secrets
import tempfile
import time
from pathlib import Path


def bench_demo_village(citizens: int = 10, seed: int = 1) -> dict:
    from fieldkit.demo import kit_setup
    from fieldkit.demo.session import DemoOptions, run_village
    from fieldkit.demo.summary import DemoSummary
    from fieldkit.settings import load_settings

    with tempfile.TemporaryDirectory(prefix="fieldkit-demo-bench-") as tmp:
        data_dir = Path(tmp) / "kit"
        login = kit_setup.ensure_kit(data_dir, env={kit_setup.ENV_PASSPHRASE: secrets.token_urlsafe(18)})
        kit_setup.ensure_local_hub_keys(data_dir, login)
        summary = DemoSummary()
        started = time.perf_counter()
        run_village(DemoOptions(citizens, seed), data_dir, load_settings(data_dir), login, summary)
        summary.finish(time.perf_counter() - started)
    with_biometrics = citizens - summary.infants_no_biometrics
    figures = {
        "citizens": citizens, "with_biometrics": with_biometrics, "sealed": summary.sealed,
        "s_per_citizen": summary.seconds_per_citizen,
        "s_per_citizen_with_biometrics": round(summary.seconds_enrolment / max(1, with_biometrics), 3),
        "citizens_per_hour": round(3600 / summary.seconds_per_citizen, 1) if summary.seconds_per_citizen else 0,
        "goal_s_per_citizen": 2.0,
        "fingerprint_retries": summary.fingerprint_retries, "duplicates_flagged": summary.duplicates_flagged,
        "repeat_visitors": summary.repeat_visitors, "repeat_visitors_caught": summary.duplicates_true,
        "repeat_visitors_missed": summary.duplicates_missed, "false_flags": summary.duplicates_false,
        "records_with_a_face_match": summary.face_matches,
    }
    figures.update({f"stage_{k}_s": v for k, v in summary.stage_seconds.items()})
    return figures


if __name__ == "__main__":
    import sys

    print(bench_demo_village(*(int(a) for a in sys.argv[1:3])))
