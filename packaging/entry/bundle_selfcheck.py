"""`fieldkit --bundle-selfcheck`: inside a built bundle, load every bundled library and open every bundled data file.

PyInstaller finds most imports by reading the code, but the kit imports many libraries lazily (inside functions,
by module name, by file path). This check exercises each one in the frozen program, so a missing library or data
file shows up at build time (packaging/smoke_bundle.sh) or on a laptop, not in the middle of an enrolment.
Prints one line per check and returns 1 if any failed.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback

import bundle_manifest as manifest


def check_imports() -> list[tuple[str, str | None]]:
    results = []
    for entry in manifest.THIRD_PARTY:
        try:
            importlib.import_module(entry.module)
            results.append((f"import {entry.module}", None))
        except ImportError as exc:
            # Optional packages come from other branches; absent from this build is fine, broken is not.
            missing = isinstance(exc, ModuleNotFoundError) and exc.name == entry.module
            if missing and not entry.required:
                results.append((f"import {entry.module} (optional, not in this build)", None))
            else:
                results.append((f"import {entry.module}", repr(exc)))
    return results


def _face_models() -> str:
    import face_recognition
    import numpy as np

    blank = np.zeros((120, 120, 3), dtype=np.uint8)
    return f"{len(face_recognition.face_locations(blank))} faces in a blank image, models loaded"


def _sample_photos() -> str:
    import matplotlib
    from skimage import data

    hopper = os.path.join(matplotlib.get_data_path(), "sample_data", "grace_hopper.jpg")
    import cv2

    image = cv2.imread(hopper)
    if image is None:
        raise FileNotFoundError(hopper)
    return f"astronaut {data.astronaut().shape}, grace_hopper {image.shape}"


def _opencv() -> str:
    import cv2
    import numpy as np

    ok, png = cv2.imencode(".png", np.full((8, 8, 3), 200, dtype=np.uint8))
    if not ok:
        raise RuntimeError("cv2.imencode failed")
    return f"OpenCV {cv2.__version__}, PNG {len(png)} bytes"


def _app_data() -> str:
    base = getattr(sys, "_MEIPASS", os.path.dirname(os.path.abspath(__file__)))
    qm = os.path.join(base, "fieldkit", "ui", "i18n", "fieldkit_vi.qm")
    if not os.path.isfile(qm):
        raise FileNotFoundError(qm)
    import glob

    found = [p for pattern in manifest.REQUIRED_BUNDLE_FILES for p in glob.glob(os.path.join(base, pattern))]
    return f"{len(found)} required files under {base}"


def _qt_platforms() -> str:
    from PySide6.QtCore import QLibraryInfo

    plugins = os.path.join(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath), "platforms")
    names = sorted(os.listdir(plugins))
    wanted = {"libqxcb.so", "libqoffscreen.so"} if sys.platform.startswith("linux") else {"qwindows.dll"}
    if not wanted <= set(names):
        raise FileNotFoundError(f"platform plugins {sorted(wanted - set(names))} not in {plugins}")
    return ", ".join(names)


CHECKS = (
    ("app data files", _app_data),
    ("Qt platform plugins", _qt_platforms),
    ("OpenCV", _opencv),
    ("simulator photos", _sample_photos),
    ("face models (dlib)", _face_models),
)


def run() -> int:
    failures = 0
    for label, problem in check_imports():
        print(f"{'FAIL' if problem else 'ok  '} {label}{': ' + problem if problem else ''}")
        failures += bool(problem)
    for label, check in CHECKS:
        try:
            print(f"ok   {label}: {check()}")
        except Exception:  # report every failure, not just the first
            failures += 1
            print(f"FAIL {label}:\n{traceback.format_exc()}")
    print(f"bundle self-check: {'FAILED (' + str(failures) + ')' if failures else 'passed'}")
    return 1 if failures else 0
