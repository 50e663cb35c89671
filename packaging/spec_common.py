"""What both PyInstaller specs (Linux, Windows) collect, turned into Analysis arguments.

Imported only by packaging/*.spec, inside PyInstaller (it needs PyInstaller.utils.hooks); the lists themselves
live in bundle_manifest.py, which the tests read without PyInstaller.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from PyInstaller.utils.hooks import collect_data_files, collect_dynamic_libs, collect_submodules, copy_metadata

import bundle_manifest as manifest

ROOT = manifest.ROOT
ENTRY = Path(__file__).resolve().parent / "entry"
HUB_CLI = ROOT / "sync" / "hub_cli.py"
DATA_EXCLUDES = ["**/tests/**", "**/__pycache__/**"]


def installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def third_party_collection() -> tuple[list, list, list]:
    """hiddenimports, datas and binaries for every THIRD_PARTY entry that is installed; stops if a required one is not."""
    hidden, datas, binaries, missing = [], [], [], []
    for entry in manifest.THIRD_PARTY:
        if not installed(entry.module):
            if entry.required:
                missing.append(entry.dist)
            continue
        # Package metadata: `fieldkit doctor` prints versions with importlib.metadata.
        datas += copy_metadata(entry.dist)
        # Import every bundled package explicitly: the kit imports many of them lazily, inside functions.
        hidden.append(entry.module)
        if entry.submodules:
            hidden += collect_submodules(entry.module, filter=manifest.keep_submodule, on_error="ignore")
        if entry.data:
            datas += collect_data_files(entry.module, subdir=entry.data_subdir, excludes=DATA_EXCLUDES)
        if entry.dylibs:
            binaries += collect_dynamic_libs(entry.module)
    if missing:
        raise SystemExit(f"bundle: required packages are not installed: {', '.join(missing)} (uv sync --frozen)")
    return hidden, datas, binaries


def app_collection() -> tuple[list, list]:
    """Every module of the kit's own packages (some are imported by name) and every data file under them."""
    hidden = []
    for package in manifest.APP_PACKAGES:
        if (ROOT / package).is_dir():
            hidden += collect_submodules(package, filter=manifest.keep_submodule)
    return hidden, manifest.app_data_files(ROOT) + copy_metadata("fieldkit")


def analysis_arguments() -> dict:
    """Keyword arguments for Analysis() shared by both specs (scripts and platform options are added by each)."""
    third_hidden, third_datas, third_binaries = third_party_collection()
    app_hidden, app_datas = app_collection()
    return dict(
        pathex=[str(ROOT), str(ENTRY.parent), str(ENTRY)],
        binaries=third_binaries,
        datas=app_datas + third_datas,
        hiddenimports=sorted(set(app_hidden + third_hidden + ["bundle_manifest", "bundle_selfcheck"])),
        hookspath=[],
        # Only the non-interactive Agg backend: the kit uses matplotlib for its sample photo, never for plots.
        hooksconfig={"matplotlib": {"backends": "Agg"}},
        runtime_hooks=[],
        excludes=manifest.excluded_modules(),
        noarchive=False,
        optimize=0,  # keep asserts and docstrings: argparse help and a few libraries read __doc__
    )


def prune(analysis) -> None:
    """Drop the Qt plugins and libraries a field laptop never loads (manifest.BUNDLE_DROP)."""
    analysis.binaries = [item for item in analysis.binaries if manifest.keep_in_bundle(item[0])]
    analysis.datas = [item for item in analysis.datas if manifest.keep_in_bundle(item[0])]


def scripts_with_entry(analysis, script_name: str, script_path: Path) -> list:
    """The analysis' boot scripts with its entry script swapped for another one (a second executable, same PYZ)."""
    scripts = [item for item in analysis.scripts if item[0] != "fieldkit_main"]
    scripts.append((script_name, str(script_path), "PYSOURCE"))
    return scripts
