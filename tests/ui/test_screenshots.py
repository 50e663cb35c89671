"""packaging/render_screenshots.py renders every screen in both languages (to a temporary folder)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_render_screenshots_script(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "packaging" / "render_screenshots.py"), "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=300, env={**__import__("os").environ,
                                                                               "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr[-2000:]
    from PIL import Image
    names = {p.name for p in tmp_path.glob("*.png")}
    for screen in ("login", "session", "form", "face", "fingers", "review", "slip", "review_list", "review_detail",
                   "sync", "lab"):
        for lang in ("vi", "en"):
            assert f"{screen}_{lang}.png" in names
    vi = Image.open(tmp_path / "form_vi.png").convert("RGB")
    en = Image.open(tmp_path / "form_en.png").convert("RGB")
    assert vi.size == en.size and vi.tobytes() != en.tobytes()   # the language really changed
