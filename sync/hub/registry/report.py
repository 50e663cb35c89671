"""`fieldkit-hub report --commune CODE`: what the field teams found, per commune, from the packets received.

Counted from each packet's record (manifest key `record`, docs/packet-format.md "Population data"):
- residents seen: registry residents a packet is linked to (`record.registry.status == "found"`);
- corrections by field: per field, how many records carry a discrepancy on it (card and statement on the
  same field count once);
- new residents (DC01): records flagged `not_in_database`;
- possible duplicates in the registry: residents of the commune with the same folded name, birth year and
  sex, and residents that two different packets were linked to;
- residents not seen: the commune's registry residents no packet is linked to;
- VNeID requests: records with a consented level-2 request.
A packet belongs to the commune by its registry link, or (older packets, no link) by its session commune's
name. Packets that do not open are counted and named by id, never guessed at.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from fieldkit.domain.names import fold
from fieldkit.domain.units import commune_by_code
from fieldkit.population.resident import Resident
from sync.hub.registry.store import RegistryStore


@dataclass
class SeenRecord:
    packet_id: str
    record_id: str
    name: str
    linked_to: str | None         # resident id
    not_in_database: bool
    corrections: list[dict]       # the record's discrepancies
    vneid: bool


@dataclass
class CommuneReport:
    commune_code: str
    commune_name: str
    registry_size: int
    packets: int = 0
    unlinked_packets: int = 0     # older packets, or records without a registry decision
    unreadable: list[str] = field(default_factory=list)
    seen: list[SeenRecord] = field(default_factory=list)
    corrections_by_field: dict[str, int] = field(default_factory=dict)
    new_residents: list[SeenRecord] = field(default_factory=list)
    registry_duplicates: list[list[str]] = field(default_factory=list)   # groups of resident ids
    linked_twice: dict[str, list[str]] = field(default_factory=dict)      # resident id -> packet ids
    not_seen: list[Resident] = field(default_factory=list)
    vneid_requests: int = 0

    @property
    def residents_seen(self) -> int:
        return len({s.linked_to for s in self.seen if s.linked_to})

    def as_dict(self) -> dict:
        return {"commune_code": self.commune_code, "commune": self.commune_name, "registry_size": self.registry_size,
                "packets": self.packets, "unlinked_packets": self.unlinked_packets, "unreadable": self.unreadable,
                "residents_seen": self.residents_seen, "corrections_by_field": self.corrections_by_field,
                "new_residents": len(self.new_residents), "registry_duplicates": self.registry_duplicates,
                "linked_twice": self.linked_twice, "residents_not_seen": len(self.not_seen),
                "vneid_requests": self.vneid_requests}


def _records(service):
    """(packet id, record dict) of every packet the hub holds; (packet id, None) for one that does not open."""
    from fieldkit.packets.envelope import open_envelope, parse_envelope
    from fieldkit.packets.errors import PacketError

    for row in service.storage.list_packets(None):
        kit = service.storage.get_kit(row.kit_id)
        try:
            env = parse_envelope(service.storage.packet_envelope(row.kit_id, row.packet_id))
            contents = open_envelope(env, service.keys.hpke_private[env.suite], kit.device_public_key)
        except (PacketError, KeyError, ValueError, AttributeError):
            yield row.packet_id, None
            continue
        yield row.packet_id, contents.record


def _belongs(record: dict, code: str, commune_name: str) -> bool:
    link = record.get("registry")
    if isinstance(link, dict) and link.get("commune_code"):
        return link["commune_code"] == code
    session = record.get("session") or {}
    return fold(str(session.get("commune", ""))) == fold(commune_name)


def _seen(packet_id: str, record: dict) -> SeenRecord:
    link = record.get("registry") if isinstance(record.get("registry"), dict) else {}
    demo = record.get("demographics") or {}
    vneid = record.get("vneid") if isinstance(record.get("vneid"), dict) else {}
    return SeenRecord(packet_id, str(record.get("record_id", "")), str(demo.get("birth_name", "")),
                      link.get("resident_id") if link.get("status") == "found" else None,
                      link.get("status") == "not_in_database",
                      [d for d in record.get("discrepancies") or [] if isinstance(d, dict)],
                      bool(vneid.get("consent")))


def registry_duplicates(residents: list[Resident]) -> list[list[str]]:
    """Groups of residents who look like one person: same folded name, birth year and sex."""
    groups: dict[tuple, list[str]] = defaultdict(list)
    for r in residents:
        groups[(fold(r.birth_name), r.date_of_birth.year if r.date_of_birth else None, r.sex)].append(r.resident_id)
    return sorted(sorted(ids) for ids in groups.values() if len(ids) > 1)


def build_report(service, store: RegistryStore, commune_code: str) -> CommuneReport:
    commune = commune_by_code(commune_code)
    name = commune.name if commune else ""
    residents = store.commune(commune_code)
    report = CommuneReport(commune_code, name, len(residents))
    corrections: Counter = Counter()
    linked: dict[str, list[str]] = defaultdict(list)
    for packet_id, record in _records(service):
        if record is None:
            report.unreadable.append(packet_id)
            continue
        if not _belongs(record, commune_code, name):
            continue
        report.packets += 1
        seen = _seen(packet_id, record)
        report.seen.append(seen)
        if seen.linked_to:
            linked[seen.linked_to].append(packet_id)
        elif seen.not_in_database:
            report.new_residents.append(seen)
        else:
            report.unlinked_packets += 1
        corrections.update({d.get("field", "?") for d in seen.corrections})
        report.vneid_requests += seen.vneid
    report.corrections_by_field = dict(sorted(corrections.items()))
    report.linked_twice = {rid: sorted(p) for rid, p in sorted(linked.items()) if len(p) > 1}
    report.registry_duplicates = registry_duplicates(residents)
    report.not_seen = [r for r in residents if r.resident_id not in linked]
    return report


def report_text(r: CommuneReport) -> str:
    lines = [f"Commune {r.commune_name} ({r.commune_code}): {r.registry_size} residents in the registry, "
             f"{r.packets} packet(s) received",
             f"  residents seen:            {r.residents_seen}",
             f"  corrections by field:      " + (", ".join(f"{k} {v}" for k, v in r.corrections_by_field.items()) or "none"),
             f"  new residents (DC01):      {len(r.new_residents)}",
             f"  possible registry duplicates: {len(r.registry_duplicates)} group(s)"
             + (f"; {len(r.linked_twice)} resident(s) linked by two packets" if r.linked_twice else ""),
             f"  residents not seen:        {len(r.not_seen)}",
             f"  VNeID level-2 requests:    {r.vneid_requests}"]
    if r.unlinked_packets:
        lines.append(f"  packets without a registry decision (older kits): {r.unlinked_packets}")
    if r.unreadable:
        lines.append(f"  packets that did not open: {len(r.unreadable)} ({', '.join(r.unreadable[:5])})")
    return "\n".join(lines)


CSV_COLUMNS = ("section", "resident_id", "record_id", "packet_id", "name", "field", "registry_value",
               "observed_value", "source", "proof", "note")


def csv_rows(r: CommuneReport) -> list[dict]:
    """The team's work list: one row per correction, new resident, duplicate, unseen resident, VNeID request."""
    rows = [{"section": "summary", "field": k, "observed_value": str(v)} for k, v in r.as_dict().items()
            if isinstance(v, (int, str))]
    for s in r.seen:
        for d in s.corrections:
            rows.append({"section": "correction", "resident_id": s.linked_to or "", "record_id": s.record_id,
                         "packet_id": s.packet_id, "name": s.name, **{k: str(d.get(k, "")) for k in
                         ("field", "registry_value", "observed_value", "source", "proof", "note")}})
        if s.vneid:
            rows.append({"section": "vneid", "resident_id": s.linked_to or "", "record_id": s.record_id,
                         "packet_id": s.packet_id, "name": s.name})
    for s in r.new_residents:
        rows.append({"section": "new_resident_dc01", "record_id": s.record_id, "packet_id": s.packet_id, "name": s.name})
    for group in r.registry_duplicates:
        rows.append({"section": "registry_duplicate", "resident_id": " ".join(group)})
    for rid, packets in r.linked_twice.items():
        rows.append({"section": "linked_twice", "resident_id": rid, "packet_id": " ".join(packets)})
    for res in r.not_seen:
        rows.append({"section": "not_seen", "resident_id": res.resident_id, "name": res.birth_name,
                     "field": "household_id", "registry_value": res.household_id})
    return [{c: row.get(c, "") for c in CSV_COLUMNS} for row in rows]


def write_csv(r: CommuneReport, path: Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:  # BOM: spreadsheet programs read UTF-8 then
        writer = csv.DictWriter(fh, CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(csv_rows(r))


def write_pdf(r: CommuneReport, path: Path, lines_per_page: int = 60) -> None:
    """A printable PDF: the summary, then the work list. matplotlib (already a dependency) writes it with its
    bundled DejaVu Sans, which has every Vietnamese glyph; no pyplot, so no GUI backend is loaded."""
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    body = report_text(r).splitlines() + [""]
    for row in csv_rows(r):
        if row["section"] != "summary":
            body.append("  ".join(v for v in (row["section"], row["resident_id"], row["name"], row["field"],
                                              row["registry_value"], "→ " + row["observed_value"] if row["observed_value"] else "",
                                              row["source"]) if v))
    with PdfPages(path) as pdf:
        for start in range(0, len(body), lines_per_page):
            fig = Figure(figsize=(8.27, 11.69))  # A4 portrait, inches
            for i, line in enumerate(body[start:start + lines_per_page]):
                fig.text(0.06, 0.96 - i * (0.92 / lines_per_page), line[:130], fontsize=7, family="DejaVu Sans",
                         va="top")
            pdf.savefig(fig)
