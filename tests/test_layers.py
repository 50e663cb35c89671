"""The allowed imports between the packages: lower layers never import upward (docs/architecture.md, "Layers").

Every `import` in fieldkit/, drivers/ and sync/ counts, also the ones inside functions (a lazy import is
still a dependency). A package may import itself and what its row lists; anything else fails with the
module and the line, so a new dependency is a decision made here, not an accident.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANYTHING = None

# package -> packages it may import. Bottom first.
ALLOWED: dict[str, set[str] | None] = {
    # the core: records and rules, formats, keys, storage
    "fieldkit.domain": set(),
    "fieldkit.paths": set(),
    "fieldkit.settings": set(),
    "fieldkit.audit": set(),
    "fieldkit.packets": set(),                       # the packet format: bytes and crypto only
    "fieldkit.logs": {"fieldkit.paths"},
    "fieldkit.quality": set(),
    "fieldkit.biometrics": {"fieldkit.domain"},
    "fieldkit.security": {"fieldkit.audit", "fieldkit.logs", "fieldkit.packets", "fieldkit.paths",
                          "fieldkit.settings"},
    "fieldkit.store": {"fieldkit.audit", "fieldkit.domain"},
    "fieldkit.dedup": {"fieldkit.biometrics", "fieldkit.quality", "fieldkit.security"},
    # the commune's residents from the hub (extracts, lookup, discrepancies): records, packet crypto, kit keys
    "fieldkit.population": {"fieldkit.domain", "fieldkit.packets", "fieldkit.security"},
    # the enrolment flow and service, over the core
    "fieldkit.enrolment": {"fieldkit.audit", "fieldkit.biometrics", "fieldkit.dedup", "fieldkit.domain",
                           "fieldkit.packets", "fieldkit.population", "fieldkit.quality", "fieldkit.security", "fieldkit.settings",
                           "fieldkit.store"},
    # devices: drivers know the domain's finger names and card QR, nothing else of the kit
    "drivers": {"drivers.sim", "drivers.synthetic", "fieldkit.domain"},
    "drivers.sim": {"drivers", "drivers.synthetic", "fieldkit.domain"},
    "drivers.synthetic": {"fieldkit.domain"},
    # sync: the client over the kit's store and keys; the hub over the packet format only
    "sync": {"sync.client", "sync.hub", "fieldkit.packets", "fieldkit.security", "fieldkit.store",
             "fieldkit.domain", "fieldkit.settings"},
    # (the enrolment layer for a recapture: a downstream verdict starts a new draft linked to the old record)
    "sync.client": {"sync", "fieldkit.domain", "fieldkit.enrolment", "fieldkit.packets", "fieldkit.security",
                    "fieldkit.store", "fieldkit.settings"},
    # the hub over the packet format; records and population data for the NIST export, registry and report;
    # its load generator is a fleet of real sync clients; the synthetic registry reuses the demo's villagers
    # (fieldkit/demo/population.py, which imports only the domain)
    "sync.hub": {"sync", "sync.client", "fieldkit.packets", "fieldkit.domain", "fieldkit.population",
                 "fieldkit.demo"},
    # the kit factory and what stands on it
    "fieldkit.kit_devices": {"drivers"},
    "fieldkit.kit": {"fieldkit.dedup", "fieldkit.enrolment", "fieldkit.kit_devices", "fieldkit.population",
                     "fieldkit.settings",
                     "sync.client"},
    "fieldkit.demo": {"drivers.synthetic", "fieldkit.audit", "fieldkit.domain", "fieldkit.enrolment", "fieldkit.kit",
                      "fieldkit.population",
                      "fieldkit.packets", "fieldkit.security", "fieldkit.settings", "fieldkit.store", "sync",
                      "sync.client", "sync.hub"},
    # the top: the GUI, the CLI and the benchmarks may use any layer below them
    "fieldkit.ui": ANYTHING,
    "fieldkit.benchmarks": ANYTHING,
    "fieldkit.cli": ANYTHING,
    "fieldkit": ANYTHING,                            # fieldkit/__init__.py, __main__.py
}
# Nobody imports these (the CLI reaches the benchmarks by "module:function" strings, the app's UI by a lazy
# import in `fieldkit app`).
TOP = {"fieldkit.benchmarks": {"fieldkit.cli"}, "fieldkit.ui": {"fieldkit.cli"}, "fieldkit.cli": {"fieldkit"}}
SPLIT = {"sync": ("client", "hub"), "drivers": ("sim", "synthetic")}


def unit(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "fieldkit":
        if len(parts) == 1 or parts[1] in ("__main__", "__init__"):
            return "fieldkit"
        return "fieldkit." + parts[1]
    if parts[0] in SPLIT:
        return f"{parts[0]}.{parts[1]}" if len(parts) > 1 and parts[1] in SPLIT[parts[0]] else parts[0]
    return None


def imports():
    """(importing package, imported package, file, line) for every import between two of our packages."""
    for top in ("fieldkit", "drivers", "sync"):
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT)
            source = unit(".".join(rel.with_suffix("").parts))
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    target = unit(name)
                    if target is not None and target != source:
                        yield source, target, rel, node.lineno


def test_every_package_has_a_rule():
    missing = sorted({src for src, *_ in imports() if src not in ALLOWED})
    assert missing == [], f"add these packages to ALLOWED in tests/test_layers.py: {missing}"


def test_no_package_imports_above_its_layer():
    wrong = [f"{rel}:{line}: {src} imports {dst}" for src, dst, rel, line in imports()
             if ALLOWED.get(src, set()) is not ANYTHING and dst not in (ALLOWED.get(src) or set())]
    assert wrong == [], "\n".join(wrong)


def test_nothing_imports_the_top():
    wrong = [f"{rel}:{line}: {src} imports {dst}" for src, dst, rel, line in imports()
             if dst in TOP and src not in TOP[dst]]
    assert wrong == [], "\n".join(wrong)


def test_the_rule_catches_an_upward_import(tmp_path):
    """The checker itself: a store module that imports the enrolment service is reported."""
    assert "fieldkit.enrolment" not in ALLOWED["fieldkit.store"]
    assert unit("fieldkit.enrolment.service") == "fieldkit.enrolment" and unit("sync.client.kit") == "sync.client"
    assert unit("drivers.synthetic.fingerprints") == "drivers.synthetic" and unit("sync.usb") == "sync"
