"""`fieldkit-hub registry import FILE`: read a CSV or JSON registry, check every row, load all or nothing.

CSV: UTF-8 (a BOM is fine), a header line naming the columns of sync.hub.registry.rows.COLUMNS, any order.
JSON: a list of objects with those keys (or {"residents": [...]}). Line numbers are the file's: for CSV the
header is line 1; for JSON the "line" is the 1-based position in the list. A file with any bad row loads
nothing, and every bad row is reported.
"""

from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from fieldkit.population.resident import Resident
from sync.hub.registry.rows import RowError, resident_from_row
from sync.hub.registry.store import RegistryStore


@dataclass(frozen=True)
class BadRow:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.column}: {self.reason}"


@dataclass
class ImportReport:
    loaded: int = 0
    bad: list[BadRow] = field(default_factory=list)
    communes: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.bad


class RegistryFileError(ValueError):
    """The file as a whole cannot be read (not UTF-8, not CSV/JSON, no header)."""


def read_rows(path: Path) -> list[tuple[int, dict]]:
    """(line number, row dict) for every data row of a CSV or JSON registry file."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegistryFileError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if Path(path).suffix.lower() == ".json" or text.lstrip().startswith(("[", "{")):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RegistryFileError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
        items = doc.get("residents") if isinstance(doc, dict) else doc
        if not isinstance(items, list):
            raise RegistryFileError(f"{path}: expected a list of residents")
        return [(i, item if isinstance(item, dict) else {"_not_an_object": True}) for i, item in enumerate(items, 1)]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise RegistryFileError(f"{path}: no header line")
    rows = []
    for row in reader:
        if None in row:
            row = {**{k: v for k, v in row.items() if k is not None}, "_extra_cells": row[None]}
        if all(not (v or "").strip() for k, v in row.items() if not str(k).startswith("_")):
            continue  # a blank line
        rows.append((reader.line_num, row))
    return rows


def check_rows(rows: list[tuple[int, dict]], store: RegistryStore | None = None) -> tuple[list[Resident], list[BadRow]]:
    """The residents of good rows, and every bad row with its reason (duplicates within the file included)."""
    residents, bad = [], []
    seen_ids: dict[str, int] = {}
    seen_pids: dict[str, tuple[int, str]] = {}
    for line, row in rows:
        if row.get("_not_an_object"):
            bad.append(BadRow(line, "-", "not an object"))
            continue
        if row.get("_extra_cells"):
            bad.append(BadRow(line, "-", "more cells than header columns"))
            continue
        try:
            r = resident_from_row(row)
        except RowError as exc:
            bad.append(BadRow(line, exc.column, exc.reason))
            continue
        if r.resident_id in seen_ids:
            bad.append(BadRow(line, "resident_id", f"already on line {seen_ids[r.resident_id]}"))
            continue
        if r.personal_id and r.personal_id in seen_pids:
            bad.append(BadRow(line, "personal_id", f"same ID number as line {seen_pids[r.personal_id][0]}"))
            continue
        seen_ids[r.resident_id] = line
        if r.personal_id:
            seen_pids[r.personal_id] = (line, r.resident_id)
        residents.append(r)
    if store is not None and seen_pids:
        for pid, owner in store.owners_of_ids(list(seen_pids)).items():
            line, rid = seen_pids[pid]
            if owner != rid:
                bad.append(BadRow(line, "personal_id", f"ID number already belongs to resident {owner}"))
    return residents, sorted(bad, key=lambda b: b.line)


def import_registry(path: Path, store: RegistryStore) -> ImportReport:
    """Check every row of `path`; load them all in one transaction only if none is bad."""
    residents, bad = check_rows(read_rows(path), store)
    report = ImportReport(bad=bad)
    if bad:
        return report
    report.loaded = store.load(residents, int(time.time()))
    for r in residents:
        report.communes[r.commune_code] = report.communes.get(r.commune_code, 0) + 1
    return report
