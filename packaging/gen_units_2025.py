"""Regenerate fieldkit/domain/data/units_2025.json from the MIT-licensed `vietnamadminunits` dataset.

The bundled file lists the 34 provinces and 3,321 commune-level units in force since 1 July 2025
(Nghị quyết 202/2025/QH15), with their official codes. Run after upgrading vietnamadminunits:

    .venv/bin/python packaging/gen_units_2025.py

Attribution: data from vietnamadminunits (https://github.com/tranngocminhhieu/vietnamadminunits),
© 2025 Tran Ngoc Minh Hieu, MIT licence. We do NOT use the GPL `vietnam-provinces` package.
"""

from __future__ import annotations

import importlib.metadata
import json
import sqlite3
from pathlib import Path

import vietnamadminunits

OUT = Path(__file__).resolve().parents[1] / "fieldkit" / "domain" / "data" / "units_2025.json"


def read_units(db: Path) -> list[dict]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT provinceCode, province, provinceShort, wardCode, wardType, wardShort FROM admin_units "
            "ORDER BY provinceCode, wardCode").fetchall()
    provinces: dict[str, dict] = {}
    for p_code, p_name, p_short, w_code, w_type, w_short in rows:
        p = provinces.setdefault(p_code, {"code": p_code, "name": p_name, "short": p_short, "communes": []})
        p["communes"].append([w_code, w_type, w_short])
    return list(provinces.values())


def main() -> None:
    db = Path(vietnamadminunits.__file__).parent / "data" / "dataset.db"
    data = {
        "about": "Vietnamese provinces and commune-level units from 1 July 2025 (Nghị quyết 202/2025/QH15). "
                 "Commune rows: [code, type, short name].",
        "source": f"vietnamadminunits {importlib.metadata.version('vietnamadminunits')} "
                  "(https://github.com/tranngocminhhieu/vietnamadminunits)",
        "licence": "MIT, Copyright (c) 2025 Tran Ngoc Minh Hieu",
        "provinces": read_units(db),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # One province per line keeps diffs readable after an upgrade.
    text = text.replace(',{"code"', ',\n{"code"')
    OUT.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(data['provinces'])} provinces, "
          f"{sum(len(p['communes']) for p in data['provinces'])} communes)")


if __name__ == "__main__":
    main()
