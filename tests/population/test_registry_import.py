"""`fieldkit-hub registry import` and `registry synth`: columns, bad rows by line, all-or-nothing, ground truth."""

from __future__ import annotations

import csv
import json

import pytest

from sync.hub.registry.importer import import_registry
from sync.hub.registry.rows import COLUMNS, RowError, resident_from_row
from sync.hub.registry.store import RegistryStore
from sync.hub.registry.synth import DEFECT_RATES, expected_report, synth_registry, undiacritise
from sync.hub_cli import main as hub_main

GOOD = {"resident_id": "R1", "personal_id": "062190001234", "birth_name": "Y Ben Niê", "date_of_birth": "1990",
        "sex": "Nam", "ethnicity": "Ê Đê", "religion": "Không", "province": "Quảng Ngãi", "commune": "dak mar",
        "street": "Thôn 3", "household_id": "HK1", "relation_to_head": "chủ hộ", "phone": "0912 345 678"}


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, COLUMNS)
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in COLUMNS})


def test_row_reads_partial_date_and_2025_units():
    r = resident_from_row(GOOD)
    assert r.date_of_birth.isoformat() == "1990" and r.sex == "male"
    assert (r.commune, r.commune_code, r.province) == ("Xã Đăk Mar", "23512", "Quảng Ngãi")


def test_old_address_is_converted_and_kept():
    row = {**GOOD, "province": "", "commune": "", "old_address": "Thôn 3, Xã Đắk Hring, Huyện Đắk Hà, Tỉnh Kon Tum"}
    r = resident_from_row(row)
    assert r.commune_code == "23512" and r.old_address.startswith("Thôn 3, Xã Đắk Hring")


@pytest.mark.parametrize("change, column", [
    ({"sex": "x"}, "sex"), ({"date_of_birth": "30/02/1990"}, "date_of_birth"), ({"personal_id": "123"}, "personal_id"),
    ({"phone": "0241234567"}, "phone"), ({"birth_name": "Nguyen 2"}, "birth_name"), ({"commune": "Nowhere"}, "commune"),
    ({"province": "Kon Tum"}, "province"), ({"resident_id": ""}, "resident_id"), ({"colour": "red"}, "colour"),
])
def test_bad_row_names_the_column(change, column):
    with pytest.raises(RowError) as err:
        resident_from_row({**GOOD, **change})
    assert err.value.column == column


def test_bad_rows_reported_by_line_and_nothing_loaded(tmp_path):
    path = tmp_path / "reg.csv"
    write_csv(path, [GOOD, {**GOOD, "resident_id": "R2", "personal_id": "", "sex": "?"},
                     {**GOOD, "resident_id": "R3", "personal_id": ""}, {**GOOD, "resident_id": "R1", "personal_id": ""},
                     {**GOOD, "resident_id": "R5"}])
    with RegistryStore(tmp_path / "hub") as store:
        report = import_registry(path, store)
        assert [(b.line, b.column) for b in report.bad] == [(3, "sex"), (5, "resident_id"), (6, "personal_id")]
        assert "line 2" in report.bad[1].reason and store.count() == 0  # all or nothing


def test_json_registry_and_reimport_updates(tmp_path):
    path = tmp_path / "reg.json"
    path.write_text(json.dumps({"residents": [GOOD, {**GOOD, "resident_id": "R2", "personal_id": None,
                                                     "other_names": ["Ama Hùng"]}]}), encoding="utf-8")
    with RegistryStore(tmp_path / "hub") as store:
        assert import_registry(path, store).loaded == 2
        path.write_text(json.dumps([{**GOOD, "birth_name": "Y Ben Niê Mlô"}]), encoding="utf-8")
        assert import_registry(path, store).loaded == 1
        people = {r.resident_id: r for r in store.commune("23512")}
        assert people["R1"].birth_name == "Y Ben Niê Mlô" and people["R2"].other_names == ("Ama Hùng",)
        # An ID number already held by another resident is refused.
        path.write_text(json.dumps([{**GOOD, "resident_id": "R9"}]), encoding="utf-8")
        report = import_registry(path, store)
        assert report.bad[0].column == "personal_id" and "R1" in report.bad[0].reason


def test_cli_import_exit_codes(tmp_path, capsys):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    write_csv(good, [GOOD])
    write_csv(bad, [GOOD, {**GOOD, "resident_id": "R2", "personal_id": "", "date_of_birth": "2099"}])
    data = str(tmp_path / "hub")
    assert hub_main(["registry", "import", str(bad), "--data", data]) == 1
    assert "line 3: date_of_birth" in capsys.readouterr().err
    assert hub_main(["registry", "import", str(good), "--data", data]) == 0
    (tmp_path / "junk.csv").write_bytes(b"\xff\xfe\x00bad")
    assert hub_main(["registry", "import", str(tmp_path / "junk.csv"), "--data", data]) == 2


def test_synth_plants_defects_at_their_rates_and_records_them():
    reg = synth_registry("23512", 1000, seed=4)
    counts, n = reg.truth["counts"], 1000
    for kind in ("wrong_dob", "old_address", "missing"):
        assert abs(counts[kind] / n - DEFECT_RATES[kind]) < 0.03, kind
    assert counts["name_misspelt"] + counts["name_undiacritised"] > 0.04 * n
    by_id = {r.resident_id: r for r in reg.residents}
    people = {p.index: p for p in reg.people}
    for d in reg.truth["defects"]:
        r, p = by_id[d["resident_id"]], people[d["village_index"]]
        if d["kind"] == "wrong_dob":
            assert r.date_of_birth.isoformat() != p.dob.isoformat() == d["true_value"]
        elif d["kind"] == "name_undiacritised":
            assert r.birth_name == undiacritise(p.birth_name) != p.birth_name
        elif d["kind"] == "name_misspelt":
            assert r.birth_name != p.birth_name
        elif d["kind"] == "old_address":
            assert "Huyện" in r.old_address
    for dup in reg.truth["duplicates"]:
        assert by_id[dup["resident_id"]].date_of_birth == by_id[dup["duplicate_of"]].date_of_birth
    linked = {int(i) for i in reg.truth["links"]}
    assert all(m["village_index"] not in linked for m in reg.truth["missing"])
    assert {p.index for p in reg.people} == linked | {m["village_index"] for m in reg.truth["missing"]}
    households = {r.household_id for r in reg.residents}
    assert 1 < len(households) < len(reg.residents)
    assert any(r.date_of_birth.precision == "year" for r in reg.residents)  # highland elders
    expected = expected_report(reg.truth)
    assert expected["new_residents"] == len(reg.truth["missing"])


def test_synth_cli_round_trips_through_import(tmp_path, capsys):
    out = tmp_path / "reg.csv"
    assert hub_main(["registry", "synth", "--commune", "23512", "--people", "80", "--seed", "3",
                     "--out", str(out)]) == 0
    truth = json.loads((tmp_path / "reg.csv.truth.json").read_text(encoding="utf-8"))
    assert hub_main(["registry", "import", str(out), "--data", str(tmp_path / "hub")]) == 0
    with RegistryStore(tmp_path / "hub") as store:
        assert store.count("23512") == truth["counts"]["registry_rows"]
        olds = [r for r in store.commune("23512") if r.old_address]
        assert len(olds) == truth["counts"]["old_address"]
    assert synth_registry("23512", 80, 3).truth == truth  # deterministic per seed
    assert hub_main(["registry", "synth", "--commune", "99999", "--people", "5", "--out", str(out)]) == 2


def test_synth_today_must_match_the_demo_village(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert hub_main(["registry", "synth", "--commune", "23512", "--people", "20", "--seed", "1", "--out", str(a),
                     "--today", "2026-12-04"]) == 0
    assert hub_main(["registry", "synth", "--commune", "23512", "--people", "20", "--seed", "1", "--out", str(b)]) == 0
    truth = json.loads((tmp_path / "a.csv.truth.json").read_text(encoding="utf-8"))
    assert truth["today"] == "2026-12-04" and a.read_bytes() != b.read_bytes()
