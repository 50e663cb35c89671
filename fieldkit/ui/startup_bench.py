"""Cold start to first window, measured from outside: a fresh interpreter each run, as an officer starts the app."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

# The child shows the real main window and says so; the parent times from spawn to that line.
_CHILD = """
import sys
from pathlib import Path
from fieldkit.settings import load_settings
from fieldkit.ui.app import build_main_window, create_app
app = create_app()
data = Path(sys.argv[1])
window = build_main_window(app, data, load_settings(data, environ={}), "vi")
window.show()
app.processEvents()
print("shown", flush=True)
"""
_FLOOR = "import PySide6.QtWidgets; print('shown', flush=True)"


def _time_child(code: str, args: list[str]) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        elapsed = time.perf_counter() - started
        if line.strip() != "shown":
            raise RuntimeError("the app did not show its window")
    finally:
        proc.kill()
        proc.wait()
    return elapsed


def bench_cold_start(runs: int = 3) -> dict:
    """Seconds from process start to the main window shown (median of `runs`), beside the bare Qt import."""
    with tempfile.TemporaryDirectory() as tmp:
        app_times = [_time_child(_CHILD, [tmp]) for _ in range(runs)]
    floor_times = [_time_child(_FLOOR, []) for _ in range(runs)]
    return {"cold_start_s_median": round(statistics.median(app_times), 3),
            "cold_start_s_max": round(max(app_times), 3),
            "python_plus_qt_import_s": round(statistics.median(floor_times), 3), "runs": runs}


if __name__ == "__main__":
    print(bench_cold_start())
