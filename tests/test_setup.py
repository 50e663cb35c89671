"""The README's two set-up commands are the ones CI runs."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    return [line.strip() for block in re.findall(r"```\n(.*?)```", section, re.S) for line in block.splitlines()
            if line.strip()]


def test_readme_has_exactly_two_setup_commands():
    assert readme_commands() == ["./run.sh app", "./run.sh test"]


def test_ci_runs_the_readme_test_command_from_scratch():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "./run.sh test" in ci
    assert "rm -rf .venv" in ci  # the fresh-set-up proof: no environment survives into CI


def test_lock_pins_pyside6_and_headless_opencv_only():
    lock = (ROOT / "uv.lock").read_text()
    assert 'name = "opencv-python"\n' not in lock
    assert 'name = "opencv-python-headless"' in lock
    assert re.search(r'"PySide6==\d+\.\d+\.\d+"', (ROOT / "pyproject.toml").read_text())
