"""`fieldkit demo --registry`: a synthetic registry at a hub on this machine, the village enrolled through the
find step against the extract, packets delivered, and `fieldkit-hub report` finds every planted defect."""

from __future__ import annotations

import json
from datetime import date

import pytest

from fieldkit.demo.population import village

from sync.hub.registry.synth import expected_report
from sync.hub_cli import main as hub_main

COMMUNE, PEOPLE, SEED, TODAY = "23512", 8, 8, "2026-11-23"   # seed 8: a misspelt name, a wrong birth date,
# two old-unit addresses, a year-only birth date and one villager missing from the registry; nobody comes twice


@pytest.mark.slow  # ~30-40 s: eight villagers (about 3.5 s each), a hub, the report
def test_demo_with_a_registry_finds_every_planted_defect_at_the_hub(demo, data_dir, local_hub, tmp_path, capsys):
    url, hub_data, _storage = local_hub
    truth_file = tmp_path / "truth.json"
    assert hub_main(["registry", "synth", "--commune", COMMUNE, "--people", str(PEOPLE), "--seed", str(SEED),
                     "--today", TODAY, "--data", str(hub_data), "--truth", str(truth_file)]) == 0
    capsys.readouterr()
    truth = json.loads(truth_file.read_text())
    kinds = {d["kind"] for d in truth["defects"]}
    assert {"name_misspelt", "wrong_dob", "old_address"} <= kinds and truth["counts"]["missing"] == 1

    extract = tmp_path / "ex.fkx"
    code, s, err = demo("--citizens", str(PEOPLE), "--seed", str(SEED), "--today", TODAY, "--hub", url,
                        "--hub-data", str(hub_data), "--registry", str(extract))
    assert code == 0, err
    assert extract.exists() and s["sealed"] == s["hub_received"] == PEOPLE
    reg = s["registry"]
    # On the kit: each villager linked to the resident the truth names, the missing one as DC01.
    assert reg["links"] == {str(i): truth["links"].get(str(i)) for i in range(PEOPLE)}
    assert (reg["found"], reg["not_in_database"]) == (len(truth["links"]), 1)
    adults_with_phone = [p for p in village(PEOPLE, SEED, date.fromisoformat(TODAY)) if p.phone
                         and p.age_on(date.fromisoformat(TODAY)) >= 14]
    assert reg["vneid_requests"] == len(adults_with_phone)

    assert hub_main(["report", "--commune", COMMUNE, "--data", str(hub_data), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    expected = expected_report(truth)
    print("planted:", truth["counts"], "\nreport corrections:", report["corrections_by_field"],
          "new residents (DC01):", report["new_residents"], "seen:", report["residents_seen"])
    found = {k: v for k, v in report["corrections_by_field"].items() if v}
    assert found == expected["corrections_by_field"]          # each planted wrong field, once, nothing else
    assert report["new_residents"] == expected["new_residents"] == 1
    assert report["residents_seen"] == expected["seen"]
    assert report["vneid_requests"] == reg["vneid_requests"] >= 1   # adults with a mobile asked for VNeID level 2
