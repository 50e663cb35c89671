"""The bundle manifest (packaging/bundle_manifest.py) names everything the app needs, and the specs use it."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
sys.path.insert(0, str(PACKAGING))
sys.path.insert(0, str(PACKAGING / "entry"))

import bundle_manifest as manifest  # noqa: E402


def test_every_runtime_dependency_has_a_bundle_entry():
    missing = set(manifest.pyproject_runtime_dependencies()) - manifest.bundled_dists()
    assert not missing, f"add a Bundled(...) line to packaging/bundle_manifest.py for: {sorted(missing)}"


def test_required_entries_are_real_dependencies_and_installed():
    dependencies = set(manifest.pyproject_runtime_dependencies())
    for entry in manifest.THIRD_PARTY:
        if entry.required:
            assert manifest.normalise(entry.dist) in dependencies, f"{entry.dist} is required but not in pyproject"
            assert importlib.util.find_spec(entry.module) is not None, f"{entry.module} does not import"


def test_app_data_files_include_translations_and_domain_tables():
    pairs = {Path(src).relative_to(ROOT).as_posix(): dest for src, dest in manifest.app_data_files()}
    assert pairs["fieldkit/ui/i18n/fieldkit_vi.qm"] == "fieldkit/ui/i18n"
    assert pairs["fieldkit/domain/data/units_2025.json"] == "fieldkit/domain/data"
    assert not [p for p in pairs if p.endswith((".py", ".pyc", ".ts"))], "sources and caches are not data"


def test_every_non_source_file_of_the_app_is_collected(tmp_path):
    # A new data file (driver profile, table, icon) under the app packages is picked up with no spec change.
    profile = tmp_path / "drivers" / "camera" / "profiles" / "new.json"
    profile.parent.mkdir(parents=True)
    profile.write_text("{}")
    (tmp_path / "drivers" / "camera" / "sim.py").write_text("")
    (tmp_path / "drivers" / "camera" / "__pycache__").mkdir()
    (tmp_path / "drivers" / "camera" / "__pycache__" / "sim.cpython-311.pyc").write_bytes(b"")
    assert manifest.app_data_files(tmp_path) == [(str(profile), "drivers/camera/profiles")]


def _installed_path(pattern: str) -> Path:
    """Where a REQUIRED_BUNDLE_FILES pattern lives in this environment: site-packages, or the project for app files."""
    top = pattern.split("/", 1)[0]
    if top in manifest.APP_PACKAGES:
        return ROOT
    spec = importlib.util.find_spec(top) if "*" not in top else None
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations))).parent
    return Path(importlib.util.find_spec("numpy").origin).parents[1]  # a top-level file in site-packages


@pytest.mark.parametrize("pattern", manifest.REQUIRED_BUNDLE_FILES)
def test_required_bundle_files_exist_in_the_environment(pattern):
    # The pattern is what check_bundle.py looks for in the built bundle; a typo here would make it vacuous.
    assert list(_installed_path(pattern).glob(pattern)), f"{pattern} matches nothing installed"


@pytest.mark.parametrize("destination, kept", [
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
    ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
    ("PySide6/Qt/plugins/imageformats/libqpdf.so", False),
    ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", True),
    ("PySide6/Qt/lib/libQt6Quick.so.6", False),
    ("libQt6Pdf.so.6", False),
    ("PySide6/Qt/translations/qtbase_vi.qm", True),
    ("PySide6/Qt/translations/qt_en.qm", True),
    ("PySide6/Qt/translations/qt_de.qm", False),
    ("PySide6/Qt/translations/qt_help_vi.qm", False),
    ("PySide6/translations/qtbase_vi.qm", True),
    ("fieldkit/ui/i18n/fieldkit_vi.qm", True),
    ("face_recognition_models/models/shape_predictor_68_face_landmarks.dat", True),
    ("numpy-2.4.6.dist-info/RECORD", False),
    ("numpy-2.4.6.dist-info/METADATA", True),
])
def test_pruning_keeps_what_a_laptop_loads(destination, kept):
    assert manifest.keep_in_bundle(destination) is kept


def test_pruning_never_drops_a_required_file():
    for pattern in manifest.REQUIRED_BUNDLE_FILES:
        assert manifest.keep_in_bundle(pattern.replace("*", "x")), pattern


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_app_never_imports_a_module_the_bundle_excludes():
    # Excluding a module the code uses builds fine and then fails on a laptop: catch it here instead.
    excluded = manifest.excluded_modules()
    offenders = []
    for package in manifest.APP_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for name in _imported_modules(path):
                if any(name == ex or name.startswith(ex + ".") for ex in excluded):
                    offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert not offenders


def test_submodule_filter_drops_test_suites_only():
    assert not manifest.keep_submodule("skimage.morphology.tests.test_gray")
    assert not manifest.keep_submodule("numpy.testing")
    assert manifest.keep_submodule("fieldkit.domain.validation")
    assert manifest.keep_submodule("drivers.fingerprint.test_pattern_free_name") is True


@pytest.mark.parametrize("script", ["fieldkit_main.py", "fieldkit_hub_main.py", "fieldkit_gui_main.py",
                                    "bundle_selfcheck.py"])
def test_entry_scripts_compile(script):
    source = (PACKAGING / "entry" / script).read_text(encoding="utf-8")
    compile(source, script, "exec")


@pytest.mark.parametrize("spec", ["fieldkit.spec", "fieldkit-windows.spec"])
def test_specs_use_the_shared_manifest_and_entry_scripts(spec):
    text = (PACKAGING / spec).read_text(encoding="utf-8")
    compile(text, spec, "exec")
    assert "common.analysis_arguments()" in text and "common.prune(a)" in text
    assert '"fieldkit_main.py"' in text


def test_selfcheck_imports_report_no_failure_for_missing_optional_packages(monkeypatch):
    import bundle_selfcheck  # noqa: F401  (packaging/entry is on the path below)

    fake = manifest.Bundled("not-a-real-dist", "fieldkit_no_such_module", "test", required=False)
    monkeypatch.setattr(manifest, "THIRD_PARTY", (fake, manifest.Bundled("x", "fieldkit_no_such_2", "test")))
    results = dict(bundle_selfcheck.check_imports())
    assert results["import fieldkit_no_such_module (optional, not in this build)"] is None
    assert "No module named" in results["import fieldkit_no_such_2"]

