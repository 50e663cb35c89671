"""Every file and module the documentation names exists: docs/*.md, README.md and the docstrings of fieldkit/,
drivers/ and sync/. A rename that forgets its docs fails here with the document and the name.

What counts as a reference: a path with a known extension (`fieldkit/ui/pages/enrolment/wizard.py`,
`docs/sync.md`, `wizard.py`) and a dotted module name rooted in one of our packages (`fieldkit.enrolment.flow`,
`drivers.camera.sim_camera.SimCamera`: the module part must exist; a trailing name must be defined in it).
A bare file name (`wizard.py`) must exist somewhere in the repository; a path, at that path (from the
repository root, from the document's folder, or under fieldkit/, drivers/ or sync/).
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("fieldkit", "drivers", "sync")
EXTENSIONS = ("py", "md", "ts", "qm", "toml", "spec")
PATH_RE = re.compile(r"(?<![\w/.-])((?:[\w-]+/)*[\w-]+\.(?:%s))(?![\w/])" % "|".join(EXTENSIONS))
MODULE_RE = re.compile(r"(?<![\w./-])((?:%s)(?:\.[A-Za-z_]\w*)+)" % "|".join(PACKAGES))
# Names that are examples or outside the repository by design (a user's file, a generated one), and dotted
# strings that are not modules (file names of the kit, a crypto label).
NOT_REFERENCES = {"pairs.json", "setup.py", "conftest.py", "app.spec", "settings.toml", "x.py", "server.spec"}
NOT_MODULES = {"fieldkit.template.v1", "fieldkit.db", "fieldkit.desktop", "fieldkit.svg", "fieldkit.exe"}


@cache
def all_paths() -> tuple[str, ...]:
    skip = {".venv", ".git", "node_modules", "build", "dist"}
    return tuple(p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*") if not skip & set(p.relative_to(ROOT).parts))


@cache
def all_names() -> frozenset[str]:
    return frozenset(p.rsplit("/", 1)[-1] for p in all_paths())


def path_exists(ref: str, where: Path) -> bool:
    if ref in NOT_REFERENCES or ref.startswith(("tmp/", "data/", "/")):
        return True
    if "/" not in ref:
        return ref in all_names()
    if (ROOT / ref).exists() or (where / ref).exists():
        return True
    return any(p.endswith("/" + ref) for p in all_paths())   # `pages/login.py` in docs/ui.md


@cache
def defined_names(path: Path) -> frozenset[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, (ast.AnnAssign,)) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return frozenset(names)


def module_exists(ref: str) -> bool:
    parts = ref.rstrip(".").split(".")
    for cut in range(len(parts), 0, -1):
        base = ROOT.joinpath(*parts[:cut])
        found = base.with_suffix(".py") if base.with_suffix(".py").exists() else (
            base / "__init__.py" if (base / "__init__.py").exists() else None)
        if found is None:
            continue
        rest = parts[cut:]
        return not rest or rest[0] in defined_names(found) or (base.is_dir() and (base / rest[0]).exists())
    return False


def references(text: str):
    for match in PATH_RE.finditer(text):
        yield "path", match.group(1)
    for match in MODULE_RE.finditer(text):
        ref = match.group(1)
        if ref not in NOT_MODULES and not re.search(r"\.(?:%s)$" % "|".join(EXTENSIONS), ref):
            yield "module", ref


def broken(text: str, where: Path) -> list[str]:
    out = []
    for kind, ref in references(text):
        ok = path_exists(ref, where) if kind == "path" else module_exists(ref)
        if not ok:
            out.append(ref)
    return out


def documents():
    yield ROOT / "README.md"
    yield from sorted((ROOT / "docs").glob("*.md"))


def docstrings():
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                    doc = ast.get_docstring(node, clean=False)
                    if doc:
                        yield path, getattr(node, "lineno", 1), doc


def test_docs_name_only_files_and_modules_that_exist():
    wrong = [f"{doc.relative_to(ROOT)}: {ref}" for doc in documents()
             for ref in broken(doc.read_text(encoding="utf-8"), doc.parent)]
    assert wrong == [], "\n".join(wrong)


def test_docstrings_name_only_files_and_modules_that_exist():
    wrong = [f"{path.relative_to(ROOT)}:{line}: {ref}" for path, line, doc in docstrings()
             for ref in broken(doc, path.parent)]
    assert wrong == [], "\n".join(wrong)


def test_the_checker_finds_a_missing_file_and_module():
    assert broken("see `sync/client/kit_adapters.py` and docs/packets.md", ROOT) == \
        ["sync/client/kit_adapters.py", "docs/packets.md"]
    assert broken("fieldkit.enrolment.flow.EnrolmentFlow, fieldkit.enrolment.nothing_here", ROOT) == \
        ["fieldkit.enrolment.nothing_here"]
    assert broken("docs/sync.md, fieldkit/kit.py, wizard.py", ROOT / "docs") == []
