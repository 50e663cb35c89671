"""Extracts: sealed by the hub to one kit, verified and stored encrypted on it; refusals attacked from outside."""

from __future__ import annotations

import json
import os

import pytest

from fieldkit.cli import main as kit_main
from fieldkit.population import store as extracts
from fieldkit.population.extract_format import ExtractError, open_extract
from fieldkit.population.kitkey import kit_extract_key, x25519_public_from_ed25519
from fieldkit.population.lookup import open_population
from fieldkit.security import keystore
from sync.hub.registry.extract import ExtractRefused, write_extract
from sync.hub_cli import main as hub_main
from tests.population.conftest import COMMUNE, PASS, enrol_kit_at_hub, hub_service, init_kit

DAY_MS = 86400 * 1000


@pytest.fixture(autouse=True)
def passphrase_env(monkeypatch):
    monkeypatch.setenv("FIELDKIT_PASSPHRASE", PASS["off"])


def extract_file(hub_dir, kit_dir, tmp_path, name="ex.fkx", days=30, now=None):
    service = hub_service(hub_dir)
    try:
        out = tmp_path / name
        write_extract(service, hub_dir, [COMMUNE], keystore.kit_id(kit_dir), out, valid_days=days, now=now)
    finally:
        service.storage.close()
    return out


def kit_cli(kit_dir, *argv):
    return kit_main(["--data", str(kit_dir), *argv])


def test_converted_device_key_is_the_kits_x25519_key():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    for _ in range(20):
        key = Ed25519PrivateKey.generate()
        assert kit_extract_key(key).public_key().public_bytes_raw() == \
            x25519_public_from_ed25519(key.public_key().public_bytes_raw())


def test_hub_cli_extract_kit_load_list_lookup(hub_dir, kit_dir, tmp_path, capsys, registry):
    out = tmp_path / "ex.fkx"
    assert hub_main(["extract", "--commune", COMMUNE, "--kit", keystore.kit_id(kit_dir), "--out", str(out),
                     "--data", str(hub_dir), "--valid-days", "10"]) == 0
    assert oct(os.stat(out).st_mode & 0o777) == "0o600"
    name = registry.residents[0].birth_name
    assert name.encode("utf-8") not in out.read_bytes()  # sealed, not plaintext
    assert kit_cli(kit_dir, "extract", "load", str(out)) == 0
    stored = b"".join(p.read_bytes() for p in (kit_dir / "population").iterdir())
    assert name.encode("utf-8") not in stored and registry.residents[0].resident_id.encode() not in stored
    capsys.readouterr()
    assert kit_cli(kit_dir, "extract", "list", "--json") == 0
    listed = json.loads(capsys.readouterr().out)["extracts"]
    assert listed[0]["count"] == len(registry.residents) and listed[0]["communes"] == [COMMUNE]
    assert kit_cli(kit_dir, "lookup", registry.residents[0].personal_id or name, "--json") == 0
    found = json.loads(capsys.readouterr().out)
    assert registry.residents[0].resident_id in [m["resident_id"] for m in found]
    # The load is in the signed audit log, with ids and counts only.
    import sqlite3

    rows = sqlite3.connect(kit_dir / "fieldkit.db").execute(
        "SELECT detail FROM audit_log WHERE action = 'extract_load'").fetchall()
    assert len(rows) == 1 and json.loads(rows[0][0])["count"] == len(registry.residents)
    assert name not in rows[0][0]
    population = open_population(kit_dir, None, keystore.unlock(kit_dir, "off", PASS["off"]))
    assert len(population) == len(registry.residents)
    population.close()
    assert len(population) == 0 and population.search(name) == []


def test_tampered_extract_is_refused(hub_dir, kit_dir, tmp_path, capsys):
    data = bytearray(extract_file(hub_dir, kit_dir, tmp_path).read_bytes())
    for pos in (30, len(data) // 2, len(data) - 10):  # header, ciphertext, signature
        bad = bytearray(data)
        bad[pos] ^= 0x01
        path = tmp_path / "bad.fkx"
        path.write_bytes(bytes(bad))
        assert kit_cli(kit_dir, "extract", "load", str(path)) == 1
        err = capsys.readouterr().err
        assert "extract refused" in err and ("signature" in err or "damaged" in err)
    assert extracts.list_extracts(kit_dir) == []  # nothing stored


def test_other_kits_extract_is_refused(hub_dir, kit_dir, tmp_path, capsys):
    other = tmp_path / "other-kit"
    init_kit(other)
    enrol_kit_at_hub(hub_dir, other)
    path = extract_file(hub_dir, other, tmp_path)
    assert kit_cli(kit_dir, "extract", "load", str(path)) == 1
    assert "sealed to another kit" in capsys.readouterr().err
    assert kit_cli(other, "extract", "load", str(path)) == 0


def test_extract_signed_by_another_hub_is_refused(hub_dir, kit_dir, tmp_path, capsys, registry):
    from sync.hub.registry.store import RegistryStore

    rogue = tmp_path / "rogue-hub"
    with RegistryStore(rogue) as store:
        store.load(registry.residents, 0)
    service = hub_service(rogue)
    try:
        service.storage.add_token("x", 0, 2 ** 40)
        service.storage.enrol_kit("x", keystore.kit_id(kit_dir), keystore.device_public_key(kit_dir), 1)
        write_extract(service, rogue, [COMMUNE], keystore.kit_id(kit_dir), tmp_path / "rogue.fkx")
    finally:
        service.storage.close()
    assert kit_cli(kit_dir, "extract", "load", str(tmp_path / "rogue.fkx")) == 1
    assert "signature does not verify" in capsys.readouterr().err


def test_expired_extract_refused_and_shredded(hub_dir, kit_dir, tmp_path, capsys):
    import time

    old = extract_file(hub_dir, kit_dir, tmp_path, "old.fkx", days=1, now=time.time() - 2 * 86400)
    assert kit_cli(kit_dir, "extract", "load", str(old)) == 1
    assert "expired" in capsys.readouterr().err
    # Loaded while valid, then time passes: lookups refuse it and the files are shredded.
    path = extract_file(hub_dir, kit_dir, tmp_path, days=1)
    kit = keystore.unlock(kit_dir, "off", PASS["off"])
    info, _ = extracts.ExtractStore(kit_dir, kit).load(path.read_bytes())
    clock = [info.loaded_at]
    population = open_population(kit_dir, None, kit, clock=lambda: clock[0])
    assert len(population) > 0
    clock[0] = info.expires_at
    assert population.search("a") == [] and len(population) == 0
    assert not list((kit_dir / "population").iterdir())
    assert kit_cli(kit_dir, "lookup", "a") == 1
    assert "no valid population extract" in capsys.readouterr().err


def test_expiry_edited_in_metadata_does_not_revive(hub_dir, kit_dir, tmp_path):
    kit = keystore.unlock(kit_dir, "off", PASS["off"])
    info, _ = extracts.ExtractStore(kit_dir, kit).load(extract_file(hub_dir, kit_dir, tmp_path).read_bytes())
    meta = kit_dir / "population" / f"{info.extract_id}.meta.json"
    doc = json.loads(meta.read_text())
    doc["expires_at"] += 365 * DAY_MS
    meta.write_text(json.dumps(doc))
    with pytest.raises(ExtractError) as err:
        extracts.ExtractStore(kit_dir, kit).residents()
    assert err.value.code == "decrypt_failed"


def test_drop_and_wipe_shred_extracts(hub_dir, kit_dir, tmp_path, capsys, monkeypatch):
    path = extract_file(hub_dir, kit_dir, tmp_path)
    assert kit_cli(kit_dir, "extract", "load", str(path)) == 0
    info = extracts.list_extracts(kit_dir)[0]
    assert kit_cli(kit_dir, "extract", "drop", info.extract_id) == 0
    assert extracts.list_extracts(kit_dir) == [] and not list((kit_dir / "population").iterdir())
    assert kit_cli(kit_dir, "extract", "drop", info.extract_id) == 1
    assert kit_cli(kit_dir, "extract", "load", str(path)) == 0
    monkeypatch.setenv("FIELDKIT_PASSPHRASE", PASS["tech"])
    assert kit_cli(kit_dir, "wipe", "--yes", "--user", "tech") == 0
    assert not list((kit_dir / "population").iterdir())


def test_newer_extract_replaces_older_of_same_commune(hub_dir, kit_dir, tmp_path):
    kit = keystore.unlock(kit_dir, "off", PASS["off"])
    store = extracts.ExtractStore(kit_dir, kit)
    import time

    first, _ = store.load(extract_file(hub_dir, kit_dir, tmp_path, "a.fkx", now=time.time() - 60).read_bytes())
    second, replaced = store.load(extract_file(hub_dir, kit_dir, tmp_path, "b.fkx").read_bytes())
    assert replaced == [first.extract_id]
    assert [i.extract_id for i in extracts.list_extracts(kit_dir)] == [second.extract_id]
    # Replaying the older file does not roll the registry back.
    with pytest.raises(ExtractError) as err:
        store.load((tmp_path / "a.fkx").read_bytes())
    assert err.value.code == "superseded"
    assert [i.extract_id for i in extracts.list_extracts(kit_dir)] == [second.extract_id]


def test_hub_refuses_unknown_or_revoked_kit(hub_dir, kit_dir, tmp_path):
    service = hub_service(hub_dir)
    try:
        with pytest.raises(ExtractRefused, match="not enrolled"):
            write_extract(service, hub_dir, [COMMUNE], "00000000-0000-0000-0000-000000000000", tmp_path / "x")
        with pytest.raises(ExtractRefused, match="no resident"):
            write_extract(service, hub_dir, ["00001"], keystore.kit_id(kit_dir), tmp_path / "x")
        service.storage.revoke_kit(keystore.kit_id(kit_dir), 5)
        with pytest.raises(ExtractRefused, match="revoked"):
            write_extract(service, hub_dir, [COMMUNE], keystore.kit_id(kit_dir), tmp_path / "x")
    finally:
        service.storage.close()


def test_open_extract_order_of_checks(hub_dir, kit_dir, tmp_path):
    """Signature first (a forged header cannot claim this kit), then kit, then expiry."""
    from fieldkit.security.hub_keys import load_hub_keys

    data = extract_file(hub_dir, kit_dir, tmp_path).read_bytes()
    kit = keystore.unlock(kit_dir, "off", PASS["off"])
    hub = load_hub_keys(kit_dir)
    with pytest.raises(ExtractError) as err:
        open_extract(data, hub.signing_public_key, "11111111-1111-1111-1111-111111111111",
                     kit_extract_key(kit.device_key), 0)
    assert err.value.code == "wrong_kit"
    with pytest.raises(ExtractError) as err:
        open_extract(data, hub.signing_public_key, kit.kit_id, kit_extract_key(kit.device_key), 2 ** 62)
    assert err.value.code == "expired"
    header, residents = open_extract(data, hub.signing_public_key, kit.kit_id, kit_extract_key(kit.device_key), 0)
    assert header.count == len(residents) > 0


def test_neighbouring_commune_added_with_also(hub_dir, kit_dir, tmp_path, registry, capsys):
    from sync.hub.registry.store import RegistryStore

    neighbour = [r.__class__(**{**r.to_dict(), "date_of_birth": r.date_of_birth, "other_names": r.other_names,
                                "resident_id": "N-" + r.resident_id, "personal_id": None, "commune_code": "23515"})
                 for r in registry.residents[:5]]
    with RegistryStore(hub_dir) as store:
        store.load(neighbour, 0)
    out = tmp_path / "two.fkx"
    assert hub_main(["extract", "--commune", COMMUNE, "--also", "23515", "--kit", keystore.kit_id(kit_dir),
                     "--out", str(out), "--data", str(hub_dir)]) == 0
    assert kit_cli(kit_dir, "extract", "load", str(out)) == 0
    info = extracts.list_extracts(kit_dir)[0]
    assert info.communes == (COMMUNE, "23515") and info.count == len(registry.residents) + 5
    assert hub_main(["extract", "--commune", COMMUNE, "--kit", keystore.kit_id(kit_dir), "--out", str(out),
                     "--data", str(hub_dir), "--valid-days", "0"]) == 1


def test_synth_straight_into_the_hub(tmp_path, capsys):
    data = tmp_path / "hub2"
    assert hub_main(["registry", "synth", "--commune", COMMUNE, "--people", "30", "--seed", "1",
                     "--data", str(data)]) == 0
    truth = json.loads((data / f"registry-truth-{COMMUNE}-1.json").read_text(encoding="utf-8"))
    from sync.hub.registry.store import RegistryStore

    with RegistryStore(data) as store:
        assert store.count(COMMUNE) == truth["counts"]["registry_rows"]
