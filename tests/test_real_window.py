"""The app starts in a real X window (Xvfb) on the field laptop's 1366×768 screen, not only offscreen: the xcb
plugin and its libraries are present, and the window (bare Xvfb has no window manager to maximise it) is no
larger than the screen."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.xvfb
def test_main_window_in_real_x_window(tmp_path):
    if not shutil.which("xvfb-run"):
        if os.environ.get("CI"):
            pytest.fail("xvfb-run missing in CI: packaging/apt-packages.txt must install it")
        pytest.skip("xvfb-run not installed")
    shot = tmp_path / "window.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "FIELDKIT_DATA": str(tmp_path / "kit")}
    subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1366x768x24", sys.executable, str(ROOT / "main.py"),
                    "--screenshot", str(shot)], env=env, check=True, timeout=60, capture_output=True)
    from PIL import Image

    image = Image.open(shot).convert("RGB")
    assert 800 <= image.width <= 1366 and 500 <= image.height <= 768, image.size
    colours = image.getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50  # text and the header were drawn, not a blank surface
