"""packaging/linux/install.sh installs a bundle folder into a staging root (DESTDIR) and removes it again."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

INSTALL = Path(__file__).resolve().parents[2] / "packaging" / "linux" / "install.sh"
pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


@pytest.fixture
def fake_bundle(tmp_path) -> Path:
    """A folder shaped like dist/fieldkit: two executables and _internal/."""
    bundle = tmp_path / "dist" / "fieldkit"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "_internal" / "marker.txt").write_text("payload")
    for name in ("fieldkit", "fieldkit-hub"):
        (bundle / name).write_text("#!/bin/sh\necho fieldkit 0.0\n")
        (bundle / name).chmod(0o755)
    return bundle


def run_install(*args, root: Path, prefix: str = "/opt/fieldkit") -> subprocess.CompletedProcess:
    env = {**os.environ, "DESTDIR": str(root), "PREFIX": prefix}
    return subprocess.run(["bash", str(INSTALL), *args], env=env, capture_output=True, text=True, timeout=60)


def test_install_then_uninstall(fake_bundle, tmp_path):
    root = tmp_path / "root"
    result = run_install(str(fake_bundle), root=root, prefix="/opt/fk")
    assert result.returncode == 0, result.stderr
    assert (root / "opt/fk/_internal/marker.txt").read_text() == "payload"
    desktop = (root / "usr/share/applications/fieldkit.desktop").read_text(encoding="utf-8")
    assert "Exec=/opt/fk/fieldkit app" in desktop and "/opt/fieldkit" not in desktop
    assert (root / "usr/share/icons/hicolor/scalable/apps/fieldkit.svg").is_file()
    assert (root / "etc/udev/rules.d/99-fieldkit-scanners.rules").is_file()
    assert os.readlink(root / "usr/local/bin/fieldkit") == "/opt/fk/fieldkit"
    assert os.readlink(root / "usr/local/bin/fieldkit-hub") == "/opt/fk/fieldkit-hub"
    assert not list((root / "opt").glob("fk.*")), "no staging or backup folder is left behind"

    result = run_install("--uninstall", root=root, prefix="/opt/fk")
    assert result.returncode == 0, result.stderr
    assert [p for p in root.rglob("*") if p.is_file() or p.is_symlink()] == []


def test_reinstall_replaces_the_old_bundle(fake_bundle, tmp_path):
    root = tmp_path / "root"
    assert run_install(str(fake_bundle), root=root).returncode == 0
    (fake_bundle / "_internal" / "marker.txt").unlink()
    (fake_bundle / "_internal" / "new.txt").write_text("v2")
    assert run_install(str(fake_bundle), root=root).returncode == 0
    assert sorted(p.name for p in (root / "opt/fieldkit/_internal").iterdir()) == ["new.txt"]


def test_refuses_a_folder_without_internal(fake_bundle, tmp_path):
    shutil.rmtree(fake_bundle / "_internal")
    result = run_install(str(fake_bundle), root=tmp_path / "root")
    assert result.returncode != 0
    assert "_internal is missing" in result.stderr
    assert not (tmp_path / "root" / "opt").exists()
