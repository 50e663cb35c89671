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
# A stand-in for fieldkit-hub: `serve` listens on the given port (Python's http.server) until killed.
FAKE_HUB = r"""#!/usr/bin/env bash
[ "$1" = --help ] && { echo "usage: fieldkit-hub"; exit 0; }
[ "$1" = serve ] || exit 2
while [ $# -gt 0 ]; do [ "$1" = --port ] && port="$2"; shift; done
echo "$$" > "$FAKE_HUB_PID"
exec "$FAKE_PYTHON" -m http.server --bind 127.0.0.1 "$port"
"""

FAKE_EXE = r"""#!/usr/bin/env bash
case "$1" in
    --version) echo "fieldkit 0.1.0" ;;
    --bundle-selfcheck) echo "ok   import cv2"; echo "bundle self-check: passed" ;;
    --help) printf 'usage: fieldkit\n  COMMAND\n    app       start\n    doctor    check\n'
            [ "${FAKE_DEMO:-0}" = 1 ] && printf '    demo      a village\n'; exit 0 ;;
    app) cp "$FAKE_PNG" "$3" ;;
    doctor) echo "== Versions"; echo "  numpy ${FAKE_NUMPY:-2.0}"; echo "== Data"; echo "  data dir $FIELDKIT_DATA" ;;
    demo) if [ "$2" = --help ]; then echo "--citizens N"; [ -n "${FAKE_HUB:-}" ] && echo "--hub-data DIR"; exit 0; fi
          echo "$*" > "$FAKE_DEMO_RAN"; echo "  acknowledged by the hub: 3" ;;
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


def run_smoke(tmp_path: Path, png: Path, with_hub: bool = False, **env) -> subprocess.CompletedProcess:
    bundle = tmp_path / "bundle"
    bundle.mkdir(exist_ok=True)
    for name, text in (("fieldkit", FAKE_EXE), ("fieldkit-hub", FAKE_HUB if with_hub else None)):
        if text:
            (bundle / name).write_text(text)
            (bundle / name).chmod(0o755)
    if with_hub:
        env.update(FAKE_HUB="1", FAKE_HUB_PID=str(tmp_path / "hub.pid"), FAKE_PYTHON=sys.executable)
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
    assert (tmp_path / "demo-ran").read_text().split() == ["demo", "--citizens", "3"]


def test_demo_syncs_to_a_hub_from_the_bundle_and_the_hub_is_stopped(tmp_path, pngs):
    result = run_smoke(tmp_path, pngs["busy"], with_hub=True, FAKE_DEMO="1")
    assert result.returncode == 0, result.stdout + result.stderr
    args = (tmp_path / "demo-ran").read_text().split()
    assert args[:5] == ["demo", "--citizens", "3", "--hub", args[4]] and args[4].startswith("http://127.0.0.1:")
    assert args[5] == "--hub-data"
    assert "acknowledged by the hub: 3" in result.stdout
    hub_pid = int((tmp_path / "hub.pid").read_text())
    assert not Path(f"/proc/{hub_pid}").exists() or "zombie" in Path(f"/proc/{hub_pid}/status").read_text()


def test_missing_demo_fails_when_required(tmp_path, pngs):
    result = run_smoke(tmp_path, pngs["busy"], FIELDKIT_SMOKE_REQUIRE_DEMO="1")
    assert result.returncode != 0 and "no 'fieldkit demo' command" in result.stderr


def test_blank_window_fails(tmp_path, pngs):
    result = run_smoke(tmp_path, pngs["blank"])
    assert result.returncode != 0 and "blank" in result.stderr


def test_doctor_reporting_a_missing_package_fails(tmp_path, pngs):
    result = run_smoke(tmp_path, pngs["busy"], FAKE_NUMPY="MISSING")
    assert result.returncode != 0 and "doctor reports missing packages" in result.stderr
