"""Refresh the UI translation files: extract tr() strings into .ts (lupdate), compile .qm (lrelease).

    .venv/bin/python packaging/i18n.py          # update .ts from the code, then compile .qm
    .venv/bin/python packaging/i18n.py --check  # exit 1 if a .qm is stale or a message is untranslated
    .venv/bin/python packaging/i18n.py --fill vi PAIRS.json  # set translations from {"English": "Tiếng Việt"}

Translators edit fieldkit/ui/i18n/fieldkit_vi.ts (Qt Linguist: pyside6-linguist); the .qm is committed so a
field laptop needs no Qt tools.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UI = ROOT / "fieldkit" / "ui"
I18N = UI / "i18n"
LANGS = ("vi",)
BIN = Path(sys.executable).parent


def sources() -> list[str]:
    return sorted(str(p) for p in UI.rglob("*.py"))


def ts_path(lang: str) -> Path:
    return I18N / f"fieldkit_{lang}.ts"


def untranslated(ts: Path) -> list[str]:
    tree = ET.parse(ts)
    missing = []
    for message in tree.iter("message"):
        tr = message.find("translation")
        if tr is None or tr.get("type") in ("unfinished", "obsolete", "vanished") or not (tr.text or "").strip():
            if tr is not None and tr.get("type") in ("obsolete", "vanished"):
                continue
            missing.append(message.findtext("source") or "")
    return missing


def release(ts: Path, qm: Path) -> None:
    subprocess.run([str(BIN / "pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)


def fill(lang: str, pairs: dict[str, str]) -> int:
    """Write translations for the given English sources into the .ts (text edit keeps lupdate's layout)."""
    from xml.sax.saxutils import escape

    ts = ts_path(lang)
    text = ts.read_text(encoding="utf-8")
    done = 0
    for source, translation in pairs.items():
        pattern = re.compile(r"(<source>" + re.escape(escape(source, {'"': "&quot;", "'": "&apos;"})) +
                             r"</source>(?:\s*<comment>.*?</comment>)?\s*)<translation[^>]*>.*?</translation>", re.S)
        text, n = pattern.subn(lambda m: m.group(1) + "<translation>" + escape(translation) + "</translation>", text)
        done += n
    ts.write_text(text, encoding="utf-8")
    release(ts, ts.with_suffix(".qm"))
    return done


def main(argv: list[str]) -> int:
    if argv[:1] == ["--fill"]:
        import json

        n = fill(argv[1], json.loads(Path(argv[2]).read_text(encoding="utf-8")))
        print(f"{n} translations set")
        return 0
    if "--check" in argv:
        bad = 0
        for lang in LANGS:
            ts = ts_path(lang)
            for source in untranslated(ts):
                print(f"{ts.name}: untranslated: {source!r}")
                bad = 1
            with tempfile.TemporaryDirectory() as tmp:
                fresh = Path(tmp) / "fresh.qm"
                release(ts, fresh)
                if fresh.read_bytes() != ts.with_suffix(".qm").read_bytes():
                    print(f"{ts.with_suffix('.qm').name} is stale: run packaging/i18n.py")
                    bad = 1
        return bad
    for lang in LANGS:
        ts = ts_path(lang)
        subprocess.run([str(BIN / "pyside6-lupdate"), "-silent", "-no-obsolete", *sources(), "-ts", str(ts)], check=True)
        release(ts, ts.with_suffix(".qm"))
        for source in untranslated(ts):
            print(f"untranslated in {ts.name}: {source!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
