"""The hub report counts what field teams recorded, from real sealed packets; older packets still open."""

from __future__ import annotations

import csv
import json


from fieldkit.domain.population import Dc01, VneidRequest
from fieldkit.domain.record import Demographics, EnrolmentRecord, Session, Sex
from fieldkit.enrolment.service import EnrolmentService
from fieldkit.population.discrepancies import apply_registry
from fieldkit.security import keystore
from sync.hub.registry.report import build_report
from sync.hub.registry.store import RegistryStore
from sync.hub.registry.synth import expected_report, villager_statement
from sync.hub_cli import main as hub_main
from tests.population.conftest import COMMUNE, PASS, hub_service

def statement_of(registry, person) -> Demographics:
    return villager_statement(registry, person)


def seal_all(kit_dir, records: list[EnrolmentRecord]) -> None:
    service = EnrolmentService(kit_dir)
    try:
        officer = service.unlock("off", PASS["off"])
        supervisor = service.unlock("sup", PASS["sup"])
        for record in records:
            ref = officer.save_draft(record.to_dict())
            officer.submit_for_review(ref.record_id)
            supervisor.approve(ref.record_id)
        packets = service.queue().next_packets_to_send(len(records) + 5)
    finally:
        service.close()
    hub = hub_service_for(kit_dir)
    try:
        kit = hub.storage.get_kit(keystore.kit_id(kit_dir))
        for p in packets:
            assert hub.ingest(kit, p.packet_id, p.data, "usb")["receipt"]["status"] == "received"
    finally:
        hub.storage.close()


def hub_service_for(kit_dir):
    return hub_service(kit_dir.parent / "hub")


def village_records(registry, vneid_every: int = 5) -> list[EnrolmentRecord]:
    """One record per villager, as the wizard would make it after "find in the database"."""
    residents = {r.resident_id: r for r in registry.residents}
    links = registry.truth["links"]
    out = []
    for person in registry.people:
        resident = residents.get(links.get(str(person.index), ""))
        record = EnrolmentRecord(demographics=statement_of(registry, person),
                                 session=Session(commune="Xã Đăk Mar", team="T2", officer="off"))
        apply_registry(record, resident, COMMUNE, extract_id="x",
                       dc01=Dc01(place_of_birth="Kon Tum", reason="vùng trắng"))
        if person.index % vneid_every == 0 and person.phone:
            record.vneid = VneidRequest.create(person.phone, None, True, "off")
        out.append(record)
    return out


def test_report_finds_every_planted_defect(hub_dir, kit_dir, registry, tmp_path, capsys):
    records = village_records(registry)
    seal_all(kit_dir, records)
    with RegistryStore(hub_dir) as store:
        service = hub_service(hub_dir)
        try:
            report = build_report(service, store, COMMUNE)
        finally:
            service.storage.close()
    expected = expected_report(registry.truth)
    assert report.corrections_by_field == expected["corrections_by_field"]
    assert len(report.new_residents) == expected["new_residents"] > 0
    assert report.residents_seen == expected["seen"]
    assert report.vneid_requests == sum(r.vneid is not None for r in records) > 0
    planted = {tuple(sorted((d["resident_id"], d["duplicate_of"]))) for d in registry.truth["duplicates"]}
    groups = {tuple(g) for g in report.registry_duplicates}
    assert all(any(set(pair) <= set(g) for g in groups) for pair in planted)
    # Everyone linked was seen: the registry's unseen residents are exactly the planted duplicate records.
    assert {r.resident_id for r in report.not_seen} == {d["resident_id"] for d in registry.truth["duplicates"]}
    assert report.unreadable == [] and report.unlinked_packets == 0
    # The CLI prints the same counts and writes the CSV and PDF.
    out_csv, out_pdf = tmp_path / "r.csv", tmp_path / "r.pdf"
    capsys.readouterr()
    assert hub_main(["report", "--commune", COMMUNE, "--data", str(hub_dir), "--json", "--csv", str(out_csv),
                     "--pdf", str(out_pdf)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["corrections_by_field"] == expected["corrections_by_field"]
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8-sig")))
    assert sum(r["section"] == "correction" for r in rows) >= sum(expected["corrections_by_field"].values())
    assert sum(r["section"] == "new_resident_dc01" for r in rows) == expected["new_residents"]
    assert out_pdf.read_bytes().startswith(b"%PDF")


def test_older_packets_still_open_and_are_counted_apart(hub_dir, kit_dir, registry):
    old = EnrolmentRecord(demographics=Demographics(birth_name="A Vang", sex=Sex.MALE),
                          session=Session(commune="Xã Đăk Mar", team="T2", officer="off")).to_dict()
    assert "registry" not in old  # exactly what an older kit wrote
    linked = village_records(registry)[0]
    seal_all(kit_dir, [EnrolmentRecord.from_dict(old), linked])
    with RegistryStore(hub_dir) as store:
        service = hub_service(hub_dir)
        try:
            report = build_report(service, store, COMMUNE)
        finally:
            service.storage.close()
    assert report.packets == 2 and report.unlinked_packets == 1 and report.unreadable == []
    assert report.residents_seen + len(report.new_residents) == 1


def test_report_for_another_commune_counts_nothing(hub_dir, kit_dir, registry):
    seal_all(kit_dir, village_records(registry)[:3])
    with RegistryStore(hub_dir) as store:
        service = hub_service(hub_dir)
        try:
            report = build_report(service, store, "00004")
        finally:
            service.storage.close()
    assert report.packets == 0 and report.registry_size == 0


def test_full_path_hub_extract_kit_lookup_packets_report(hub_dir, kit_dir, registry, tmp_path):
    """What a demo with a registry does: extract → kit → lookup each villager → seal → report finds the defects."""
    from fieldkit.population.lookup import best_match, open_population
    from fieldkit.population.store import ExtractStore
    from sync.hub.registry.extract import write_extract

    service = hub_service(hub_dir)
    try:
        write_extract(service, hub_dir, [COMMUNE], keystore.kit_id(kit_dir), tmp_path / "ex.fkx")
    finally:
        service.storage.close()
    kit = keystore.unlock(kit_dir, "off", PASS["off"])
    info, _ = ExtractStore(kit_dir, kit).load((tmp_path / "ex.fkx").read_bytes())
    population = open_population(kit_dir, None, kit)
    residents = {r.resident_id: r for r in registry.residents}
    from datetime import date

    from fieldkit.demo.capture import card_qr_text, has_card
    from fieldkit.domain.card_qr import parse_card_qr

    records, wrong_links, twins_found, cards = [], 0, {}, 0
    twins = {m["village_index"]: m["duplicate_of"] for m in registry.truth["missing"]
             if m["reason"] == "enrolment_duplicate"}
    for person in registry.people:
        truth_rid = registry.truth["links"].get(str(person.index))
        statement = statement_of(registry, person)
        # Villagers with a chip card show it: its QR (true name, birth date, ID; an old address) is a source too.
        card = parse_card_qr(card_qr_text(person)) if has_card(person, date(2026, 11, 23)) else None
        found = best_match(population, statement)
        if found and person.index in twins:
            # Someone who comes twice under the SAME name (small name pool) is found as the first: right, and
            # the report shows that resident as linked by two packets.
            assert found.resident_id == registry.truth["links"][str(twins[person.index])]
            twins_found[found.resident_id] = person.index
            truth_rid = found.resident_id
        wrong_links += (found.resident_id if found else None) != truth_rid
        record = EnrolmentRecord(demographics=statement, session=Session(commune="Xã Đăk Mar", team="T2", officer="off"))
        records.append(apply_registry(record, found, COMMUNE, card=card, extract_id=info.extract_id))
        cards += card is not None
    # Lookup misses only a villager with no ID number whose registry birth date is wrong (the officer would
    # search by name alone): each such miss is a false DC01, so count them and allow exactly those.
    misses = [d for d in registry.truth["defects"] if d["kind"] == "wrong_dob"
              and not next(p for p in registry.people if p.index == d["village_index"]).personal_id]
    assert wrong_links == len(misses)
    assert cards > 20
    assert any(d.source.value == "card" for r in records for d in r.discrepancies)
    seal_all(kit_dir, records)
    with RegistryStore(hub_dir) as store:
        service = hub_service(hub_dir)
        try:
            report = build_report(service, store, COMMUNE)
        finally:
            service.storage.close()
    expected = expected_report(registry.truth)
    expected_fields = dict(expected["corrections_by_field"])
    if misses:
        expected_fields["date_of_birth"] -= len(misses)
    assert {k: v for k, v in report.corrections_by_field.items() if v} == {k: v for k, v in expected_fields.items() if v}
    assert len(report.new_residents) == expected["new_residents"] + len(misses) - len(twins_found)
    assert report.residents_seen == expected["seen"] - len(misses)
    assert set(twins_found) <= set(report.linked_twice)
