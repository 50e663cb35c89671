"""Only fieldkit/ui imports Qt: every other module must import in a process where PySide6 never loads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE_PACKAGES = ("fieldkit", "drivers", "sync")


def core_modules() -> list[str]:
    names = []
    for package in CORE_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = list(rel.parts)
            if parts[:2] == ["fieldkit", "ui"]:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            if parts[-1] == "__main__":
                continue
            names.append(".".join(parts))
    return names


def test_core_imports_without_qt():
    modules = core_modules()
    assert "fieldkit.settings" in modules and "fieldkit.cli" in modules
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_cli_help_does_not_load_qt():
    script = ("import sys\nfrom fieldkit.cli import build_parser\nbuild_parser().format_help()\n"
              "assert 'PySide6' not in sys.modules, 'Qt loaded by the CLI'\n")
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True)


def test_the_check_would_catch_qt():
    # The same probe run on a UI module must see PySide6, or the test above proves nothing.
    script = "import sys, fieldkit.ui.main_window\nprint('PySide6' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
