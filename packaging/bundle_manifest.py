"""What goes into the FieldKit desktop bundle, as data: read by the PyInstaller specs and by the tests.

Pure Python, no PyInstaller import, so tests/packaging can check it in the normal test environment.

Adding a dependency to pyproject.toml? Add one `Bundled` line to THIRD_PARTY below (tests/packaging fails until you
do): say whether PyInstaller's own analysis is enough, or whether the package loads modules by name (submodules),
reads files next to its code (data) or ships shared libraries outside its extension modules (dylibs).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The kit's own top-level packages. Every module is collected: the CLI imports command modules by name
# (fieldkit.cli.COMMAND_MODULES) and the driver registry picks backends from strings, which static analysis misses.
APP_PACKAGES = ("fieldkit", "drivers", "sync")

# Files under APP_PACKAGES that are sources for generated files, not run-time data.
APP_DATA_EXCLUDE = ("*.py", "*.pyc", "*.pyi", "*.ts", "*/__pycache__/*", "*.orig", "*.rej", "*~")


@dataclass(frozen=True)
class Bundled:
    """One third-party distribution and how PyInstaller must collect it.

    dist: the name in pyproject.toml; module: the import name; submodules/data/dylibs: call PyInstaller's
    collect_submodules / collect_data_files / collect_dynamic_libs for it; data_subdir: only this sub-folder's data;
    required: the build fails if it is not installed (optional ones come from other branches/extras).
    """

    dist: str
    module: str
    why: str
    submodules: bool = False
    data: bool = False
    data_subdir: str | None = None
    dylibs: bool = False
    required: bool = True


THIRD_PARTY: tuple[Bundled, ...] = (
    Bundled("PySide6", "PySide6", "Qt; PyInstaller's PySide6 hooks add the plugins of the modules imported"),
    Bundled("opencv-python-headless", "cv2", "contrib hook collects cv2's config and bundled libs"),
    Bundled("numpy", "numpy", "hooks"),
    Bundled("pillow", "PIL", "hooks"),
    Bundled("face-recognition", "face_recognition", "loads the dlib models at import time"),
    Bundled("face_recognition_models", "face_recognition_models", "the dlib .dat model files, found with pkg_resources",
            data=True),
    Bundled("dlib-bin", "dlib", "the prebuilt _dlib_pybind11 extension (found by analysis)"),
    Bundled("setuptools", "pkg_resources", "face_recognition_models imports pkg_resources"),
    Bundled("sqlite-utils", "sqlite_utils", "hooks"),
    Bundled("cryptography", "cryptography", "hooks (rust bindings)"),
    Bundled("pyserial", "serial", "serial.tools.list_ports loads platform modules by name", submodules=True),
    Bundled("platformdirs", "platformdirs", "contrib hook picks the platform module"),
    Bundled("vietnamadminunits", "vietnamadminunits", "its JSON tables and dataset.db", data=True),
    Bundled("scikit-image", "skimage", "lazy_loader stubs (.pyi) and data/astronaut.png for the camera simulator",
            data=True, data_subdir="data"),
    Bundled("matplotlib", "matplotlib", "mpl-data/sample_data/grace_hopper.jpg for the camera simulator",
            data=True, data_subdir="mpl-data/sample_data"),
    # Only the photo is read (found with importlib.util.find_spec, which also finds a data-only folder).
    Bundled("mahotas", "mahotas", "demos/data/luispedro.jpg (a third real face) for the camera simulator",
            data=True, data_subdir="demos/data"),
    # Added on other branches; collected when installed so merging them needs no spec change.
    Bundled("wsq", "wsq", "Pillow WSQ plugin over NBIS (a compiled extension)", submodules=True, dylibs=True,
            required=False),
    Bundled("starlette", "starlette", "hub HTTP service", submodules=True, required=False),
    Bundled("uvicorn", "uvicorn", "loads protocols and loops by name", submodules=True, required=False),
    Bundled("httpx", "httpx", "sync client", required=False),
    Bundled("psycopg", "psycopg", "hub storage; the binary wheel's libpq", submodules=True, required=False),
    Bundled("psycopg-binary", "psycopg_binary", "libpq and the C speed-ups", submodules=True, dylibs=True,
            required=False),
    Bundled("psycopg-pool", "psycopg_pool", "hub connection pool", required=False),
    Bundled("segno", "segno", "QR codes (pure Python)", required=False),
    Bundled("zxcvbn", "zxcvbn", "passphrase strength (pure Python; imported on use, so listed)", submodules=True),
    # Imported only when a supervisor approves with a token: analysis from the entry points does not see it.
    Bundled("python-pkcs11", "pkcs11", "PKCS#11 tokens for supervisors' certificates (a compiled extension)",
            submodules=True, dylibs=True),
    Bundled("asn1crypto", "asn1crypto", "python-pkcs11's key and certificate encodings (its dependency)",
            submodules=True, required=False),
)

# Files the running kit opens by path: the smoke test checks each is inside the built bundle (relative to the
# bundle's _internal/ folder; globs must match at least one file).
REQUIRED_BUNDLE_FILES = (
    "fieldkit/ui/i18n/*.qm",
    "fieldkit/domain/data/*.json",
    "face_recognition_models/models/shape_predictor_68_face_landmarks.dat",
    "face_recognition_models/models/shape_predictor_5_face_landmarks.dat",
    "face_recognition_models/models/mmod_human_face_detector.dat",
    "face_recognition_models/models/dlib_face_recognition_resnet_model_v1.dat",
    "_dlib_pybind11*.so",
    "cv2/*.so",
    "skimage/data/astronaut.png",
    "matplotlib/mpl-data/sample_data/grace_hopper.jpg",
    "mahotas/demos/data/luispedro.jpg",
    "vietnamadminunits/data/*.json",
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so",
)

# Bundle paths (fnmatch patterns on the destination inside _internal/) removed after PyInstaller's analysis.
# Qt's hooks copy every plugin of a module; these ones a field laptop never loads, and some drag in big libraries.
BUNDLE_DROP = (
    # Embedded-screen and remote platform plugins: a laptop uses xcb (X11) or wayland; CI and the smoke test offscreen.
    "PySide6/Qt/plugins/platforms/libqeglfs.so",
    "PySide6/Qt/plugins/platforms/libqlinuxfb.so",
    "PySide6/Qt/plugins/platforms/libqvnc.so",
    "PySide6/Qt/plugins/platforms/libqvkkhrdisplay.so",
    "PySide6/Qt/plugins/platforms/libqminimalegl.so",
    "PySide6/Qt/plugins/egldeviceintegrations/*",
    "*libQt6EglFSDeviceIntegration.so*",
    "*libQt6EglFsKmsSupport.so*",
    # The PDF image format and the on-screen keyboard pull Qt Quick and QML (~22 MB) that the widgets app never uses.
    "PySide6/Qt/plugins/imageformats/libqpdf.so",
    "*libQt6Pdf.so*",
    "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
    "*libQt6VirtualKeyboard*.so*",
    "*libQt6Qml*.so*",
    "*libQt6Quick*.so*",
    # The GTK3 theme needs the host's GTK anyway (not bundled); Qt falls back to its own Fusion style.
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
    "libgdk_pixbuf-2.0.so*", "libatk-1.0.so*", "libcairo-gobject.so*", "libcairo.so*", "libpango*.so*",
    "libpixman-1.so*", "libepoxy.so*", "libatk-bridge*.so*", "libatspi.so*",
    # Install records: hashes of the console scripts in the build's .venv/bin, whose first line is that venv's path,
    # so they differ between build folders. Nothing reads them at run time (importlib.metadata needs METADATA).
    "*.dist-info/RECORD",
    # The same on Windows (PySide6's layout there has no Qt/ level). Untested: see docs/packaging.md.
    "PySide6/plugins/imageformats/qpdf.dll", "PySide6/plugins/platforminputcontexts/qtvirtualkeyboardplugin.dll",
    "*Qt6Pdf.dll", "*Qt6VirtualKeyboard*.dll", "*Qt6Qml*.dll", "*Qt6Quick*.dll",
)

# Qt's own translations (standard dialog buttons and the like): only the kit's languages, only Qt's base catalogues.
QT_TRANSLATIONS_DIR = re.compile(r"PySide6/(Qt/)?translations/")
QT_TRANSLATIONS_KEPT = re.compile(r"PySide6/(Qt/)?translations/qt(base)?_(vi|en)\.qm")

# Modules never needed at run time. Keeps the bundle smaller and stops hooks dragging in whole toolkits.
EXCLUDED_MODULES = (
    "tkinter", "_tkinter", "turtle", "idlelib", "pydoc_data", "lib2to3",
    "pytest", "_pytest", "pytestqt", "hypothesis", "iniconfig",
    "IPython", "jupyter_client", "ipykernel", "notebook",
    "matplotlib.backends.backend_tkagg", "matplotlib.backends.backend_qtagg", "matplotlib.backends.backend_qt",
    "matplotlib.backends.backend_webagg", "matplotlib.backends.backend_gtk3agg", "matplotlib.backends.backend_gtk4agg",
    "matplotlib.backends.backend_wx", "matplotlib.backends.backend_wxagg", "matplotlib.tests", "mpl_toolkits.tests",
    "PyQt5", "PyQt6", "PySide2",
)

# The Qt modules the app uses (fieldkit/ui/). Everything else in PySide6 is excluded, so an accidental import
# (say, by matplotlib's Qt backend) cannot pull WebEngine (~200 MB) into the bundle.
QT_MODULES_USED = ("QtCore", "QtGui", "QtWidgets", "QtPrintSupport")  # printing: the appointment slip
QT_MODULES_EXCLUDED = (
    "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender", "QtAxContainer",
    "QtBluetooth", "QtCharts", "QtConcurrent", "QtDataVisualization", "QtDesigner", "QtGraphs", "QtGraphsWidgets",
    "QtHelp", "QtHttpServer", "QtLocation", "QtMultimedia", "QtMultimediaWidgets", "QtNetworkAuth", "QtNfc",
    "QtOpenGL", "QtOpenGLWidgets", "QtPdf", "QtPdfWidgets", "QtPositioning", "QtPrintSupport", "QtQml", "QtQuick",
    "QtQuick3D", "QtQuickControls2", "QtQuickTest", "QtQuickWidgets", "QtRemoteObjects", "QtScxml", "QtSensors",
    "QtSerialBus", "QtSerialPort", "QtSpatialAudio", "QtSql", "QtStateMachine", "QtSvgWidgets", "QtTest",
    "QtTextToSpeech", "QtUiTools", "QtWebChannel", "QtWebEngineCore", "QtWebEngineQuick", "QtWebEngineWidgets",
    "QtWebSockets", "QtWebView", "QtXml",
)

# Libraries that must never be in the bundle (check_bundle.py fails if one is): each is tens of MB the kit never uses.
FORBIDDEN_LIBRARIES = ("libQt6WebEngineCore.so*", "libQt6Quick.so*", "libQt6Qml.so*", "libQt6Pdf.so*",
                       "libQt63DCore.so*", "libQt6Multimedia.so*", "libtk*.so*", "libtcl*.so*", "libgtk-3.so*")

# Sub-packages dropped from collect_submodules: test suites and optional integrations nothing here uses.
SUBMODULE_SKIP = re.compile(r"(^|\.)(tests?|testing|conftest|benchmarks)(\.|$)")


def keep_in_bundle(destination: str) -> bool:
    """False for a bundle path matched by BUNDLE_DROP (the spec filters PyInstaller's binaries and datas with it)."""
    destination = destination.replace("\\", "/")
    if QT_TRANSLATIONS_DIR.match(destination):
        return bool(QT_TRANSLATIONS_KEPT.fullmatch(destination))
    return not any(fnmatch.fnmatch(destination, pattern) for pattern in BUNDLE_DROP)


def qt_excludes() -> list[str]:
    return [f"PySide6.{name}" for name in QT_MODULES_EXCLUDED if name not in QT_MODULES_USED]


def excluded_modules() -> list[str]:
    return [*EXCLUDED_MODULES, *qt_excludes()]


def keep_submodule(name: str) -> bool:
    return not SUBMODULE_SKIP.search(name)


def is_app_data_file(relative: str) -> bool:
    """True for a file under an app package that the running kit may open (not source, not caches)."""
    relative = relative.replace("\\", "/")
    return not any(fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(Path(relative).name, pattern)
                   for pattern in APP_DATA_EXCLUDE)


def app_data_files(root: Path = ROOT) -> list[tuple[str, str]]:
    """(source file, destination folder in the bundle) for every data file under the app packages, sorted."""
    pairs = []
    for package in APP_PACKAGES:
        base = root / package
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            relative = path.relative_to(root).as_posix()
            if path.is_file() and is_app_data_file(relative):
                pairs.append((str(path), str(path.parent.relative_to(root).as_posix())))
    return pairs


def pyproject_runtime_dependencies(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """Distribution names in [project].dependencies, normalised (lower case, '-' for '_' and '.')."""
    import tomllib

    with open(pyproject, "rb") as handle:
        project = tomllib.load(handle)["project"]
    names = []
    for requirement in project.get("dependencies", []):
        name = re.match(r"\s*([A-Za-z0-9._-]+)", requirement).group(1)
        names.append(normalise(name))
    return names


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def bundled_dists() -> set[str]:
    return {normalise(entry.dist) for entry in THIRD_PARTY}
