"""packaging/smoke_bundle.sh against a fake bundle: it passes a good one and fails each kind of broken one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SMOKE = ROOT / "packaging" / "smoke_bundle.sh"
pytestmark = pytest.mark.skipif(shutil.which("bash") is None or shutil.which("timeout") is None,
                                reason="needs bash and coreutils")

# A stand-in for dist/fieldkit/fieldkit: answers like the real one, steered by FAKE_* variables.
FAKE_EXE = r"""#!/usr/bin/env bash
case "$1" in
    --version) echo "fieldkit 0.1.0" ;;
    --bundle-selfcheck) echo "ok   import cv2"; echo "bundle self-check: passed" ;;
    --help) printf 'usage: fieldkit\n  COMMAND\n    app       start\n    doctor    check\n'
            [ "${FAKE_DEMO:-0}" = 1 ] && printf '    demo      a village\n'; exit 0 ;;
    app) cp "$FAKE_PNG" "$3" ;;
    doctor) echo "== Versions"; echo "  numpy ${FAKE_NUMPY:-2.0}"; echo "== Data"; echo "  data dir $FIELDKIT_DATA" ;;
    demo) echo "3 citizens enrolled" > "$FAKE_DEMO_RAN" ;;
    *) exit 2 ;;
esac
"""


@pytest.fixture
def pngs(tmp_path) -> dict[str, Path]:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(1)
    busy = tmp_path / "busy.png"
    Image.fromarray(rng.integers(0, 255, (300, 400, 3), dtype=np.uint8)).save(busy)
    blank = tmp_path / "blank.png"
    Image.new("RGB", (400, 300), (240, 240, 240)).save(blank)
    return {"busy": busy, "blank": blank}


def run_smoke(tmp_path: Path, png: Path, **env) -> subprocess.CompletedProcess:
    bundle = tmp_path / "bundle"
    bundle.mkdir(exist_ok=True)
    exe = bundle / "fieldkit"
    exe.write_text(FAKE_EXE)
    exe.chmod(0o755)
    full_env = {**os.environ, "FAKE_PNG": str(png), "FAKE_DEMO_RAN": str(tmp_path / "demo-ran"),
                "FIELDKIT_SMOKE_PYTHON": sys.executable, "FIELDKIT_SMOKE_TIMEOUT": "30", **env}
    return subprocess.run(["bash", str(SMOKE), str(bundle)], env=full_env, capture_output=True, text=True,
                          timeout=120)


def test_good_bundle_passes_and_skips_a_missing_demo(tmp_path, pngs):
    result = run_smoke(tmp_path, pngs["busy"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SKIPPED demo" in result.stdout and "[smoke] passed" in result.stdout
    assert not (tmp_path / "demo-ran").exists()


def test_demo_runs_when_the_build_has_it(tmp_path, pngs):
    result = run_smoke(tmp_path, pngs["busy"], FAKE_DEMO="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "demo-ran").read_text().strip() == "3 citizens enrolled"


def test_missing_demo_fails_when_required(tmp_path, pngs):
    result = run_smoke(tmp_path, pngs["busy"], FIELDKIT_SMOKE_REQUIRE_DEMO="1")
    assert result.returncode != 0 and "no 'fieldkit demo' command" in result.stderr


def test_blank_window_fails(tmp_path, pngs):
    result = run_smoke(tmp_path, pngs["blank"])
    assert result.returncode != 0 and "blank" in result.stderr


def test_doctor_reporting_a_missing_package_fails(tmp_path, pngs):
    result = run_smoke(tmp_path, pngs["busy"], FAKE_NUMPY="MISSING")
    assert result.returncode != 0 and "doctor reports missing packages" in result.stderr
