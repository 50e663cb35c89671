"""The build, smoke and CI scripts are valid shell and run in the documented order."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

import check_bundle  # noqa: E402

SCRIPTS = ["packaging/build_bundle.sh", "packaging/smoke_bundle.sh", "packaging/linux/install.sh", ".ci/run"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize("script", SCRIPTS)
def test_shell_syntax_and_executable(script):
    path = ROOT / script
    assert path.stat().st_mode & 0o111, f"{script} is not executable"
    result = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def test_ci_runs_the_tests_first_then_builds_and_smokes_the_bundle():
    lines = [line.strip() for line in (ROOT / ".ci/run").read_text().splitlines()]
    assert "set -euo pipefail" in lines, "a failing smoke must fail the CI run"
    test, build, smoke = (lines.index(cmd) for cmd in
                          ("./run.sh test", "packaging/build_bundle.sh", "packaging/smoke_bundle.sh dist/fieldkit"))
    assert test < build < smoke
    assert "export FIELDKIT_SMOKE_REQUIRE_DEMO=1" in " ".join(lines[:smoke])


def test_build_script_installs_the_bundle_extra_from_the_lock():
    text = (ROOT / "packaging/build_bundle.sh").read_text()
    assert "uv sync -q --frozen --extra test --extra bundle" in text
    assert "PYTHONHASHSEED=0" in text and "SOURCE_DATE_EPOCH" in text


def test_smoke_runs_demo_only_when_the_build_has_it():
    text = (ROOT / "packaging/smoke_bundle.sh").read_text()
    assert 'demo --citizens 3' in text and "SKIPPED demo" in text


def _fake_bundle(tmp_path: Path) -> Path:
    bundle = tmp_path / "fieldkit"
    inner = bundle / "_internal"
    inner.mkdir(parents=True)
    (bundle / "fieldkit").write_text("")
    for pattern in check_bundle.manifest.REQUIRED_BUNDLE_FILES:
        path = inner / pattern.replace("*", "x")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    return bundle


def test_check_bundle_passes_a_complete_bundle(tmp_path, capsys):
    assert check_bundle.main([str(_fake_bundle(tmp_path))]) == 0


def test_check_bundle_reports_missing_and_forbidden_files(tmp_path, capsys):
    bundle = _fake_bundle(tmp_path)
    (bundle / "_internal/skimage/data/astronaut.png").unlink()
    (bundle / "_internal/libQt6Quick.so.6").write_bytes(b"x")
    assert check_bundle.main([str(bundle)]) == 1
    err = capsys.readouterr().err
    assert "missing: skimage/data/astronaut.png" in err
    assert "unwanted library present: _internal/libQt6Quick.so.6" in err
