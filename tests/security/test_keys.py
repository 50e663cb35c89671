"""Key slots: wrong passphrase, passphrase change, throttling that survives restarts, wipe."""

from __future__ import annotations

import base64

import pytest

from fieldkit.security import keystore
from fieldkit.security.crypto import FAST_TEST_KDF, KdfParams
from fieldkit.security.throttle import LoginThrottle, Throttled, delay_after
from tests.security.conftest import PASS


def test_unlock_gives_role_and_keys(data_dir, kit):
    sup = keystore.unlock(data_dir, "sup", PASS["sup"])
    assert sup.user.role == "supervisor" and sup.cosign_key is not None and len(sup.data_key) == 32
    off = keystore.unlock(data_dir, "off", PASS["off"])
    assert off.cosign_key is None and bytes(off.data_key) == bytes(sup.data_key)  # same kit data key
    anyone = keystore.unlock(data_dir, None, PASS["off"])  # no name: every slot is tried
    assert anyone.user.name == "off"


def test_wrong_passphrase_fails(data_dir, kit):
    with pytest.raises(keystore.BadPassphrase):
        keystore.unlock(data_dir, "sup", "not-the-passphrase")
    with pytest.raises(keystore.BadPassphrase):
        keystore.unlock(data_dir, "sup", PASS["off"])  # another user's passphrase opens only their slot
    with pytest.raises(keystore.BadPassphrase):
        keystore.unlock(data_dir, "nobody", PASS["sup"])


def test_key_file_holds_no_key_in_clear(data_dir, kit):
    sup = keystore.unlock(data_dir, "sup", PASS["sup"])
    raw = keystore.kit_file(data_dir).read_bytes()
    import base64
    for secret in (bytes(sup.data_key), sup.device_key.private_bytes_raw(), sup.cosign_key.private_bytes_raw()):
        assert secret not in raw and base64.b64encode(secret) not in raw


def test_passphrase_change_keeps_data_readable(service, officer, data_dir):
    ref = officer.save_draft({"full_name": "Lò Văn Pảo"}, {"face.jpg": b"\xff\xd8jpeg"})
    officer.lock()
    keystore.change_passphrase(data_dir, "off", PASS["off"], "a-new-passphrase")
    with pytest.raises(keystore.BadPassphrase):
        keystore.unlock(data_dir, "off", PASS["off"])
    again = service.unlock("off", "a-new-passphrase")
    assert again.get_record(ref.record_id).record["full_name"] == "Lò Văn Pảo"


def test_supervisor_passphrase_change_keeps_cosign_key(data_dir, kit):
    before = keystore.unlock(data_dir, "sup", PASS["sup"]).cosign_key.public_key().public_bytes_raw()
    keystore.change_passphrase(data_dir, "sup", PASS["sup"], "sup-new-passphrase")
    after = keystore.unlock(data_dir, "sup", "sup-new-passphrase").cosign_key.public_key().public_bytes_raw()
    assert before == after


def test_only_admins_add_users(data_dir, kit):
    off = keystore.unlock(data_dir, "off", PASS["off"])
    with pytest.raises(keystore.NotAllowed):
        keystore.add_user(off, "x", "officer", "whatever-passphrase", FAST_TEST_KDF)


def test_delays_grow():
    delays = [delay_after(n) for n in range(1, 12)]
    assert delays[:2] == [0, 0] and all(b >= a for a, b in zip(delays, delays[1:])) and delays[-1] > delays[3] > 0
    assert delay_after(100) == 900


def test_throttle_refuses_until_time_and_survives_restart(data_dir, kit):
    clock = [1_000_000.0]
    gate = LoginThrottle(keystore.key_dir(data_dir) / "throttle.json", clock=lambda: clock[0])
    for _ in range(2):
        gate.record_failure("sup")
    gate.check("sup")  # two typos: no delay yet
    assert gate.record_failure("sup") == 5
    with pytest.raises(Throttled) as err:
        gate.check("sup")
    assert 0 < err.value.seconds_left <= 5
    restarted = LoginThrottle(keystore.key_dir(data_dir) / "throttle.json", clock=lambda: clock[0])
    with pytest.raises(Throttled):
        restarted.check("sup")  # the count is on disk, not in the process
    assert restarted.record_failure("sup") == 10
    clock[0] += 10.5
    restarted.check("sup")
    restarted.record_success("sup")
    assert restarted.failures("sup") == 0


def test_unlock_is_refused_without_trying_while_throttled(data_dir, kit):
    for _ in range(3):
        with pytest.raises(keystore.BadPassphrase):
            keystore.unlock(data_dir, "sup", "wrong-wrong")
    with pytest.raises(Throttled):
        keystore.unlock(data_dir, "sup", PASS["sup"])  # even the right passphrase waits
    keystore.unlock(data_dir, "off", PASS["off"])  # other users are not blocked


def test_wipe_makes_everything_unreadable(service, officer, supervisor, data_dir):
    from fieldkit.security.wipe import wipe_kit
    ref = officer.save_draft({"full_name": "Hà Thị Mai"}, {"face.jpg": b"x" * 100})
    kit_json = keystore.kit_file(data_dir).read_bytes()
    with pytest.raises(keystore.NotAllowed):
        wipe_kit(officer.kit)
    wrapped = [base64.b64decode(slot["wrapped_key"]) for slot in keystore.load_kit_file(data_dir)["slots"]]
    wipe_kit(supervisor.kit, service.store)
    assert keystore.is_wiped(data_dir) and not keystore.kit_file(data_dir).exists()
    with pytest.raises(keystore.KitWiped, match="re-initialise"):
        keystore.unlock(data_dir, "sup", PASS["sup"])
    # Even with the passphrase and a copy of the old slot parameters, the slot is gone: only an old copy
    # of the key file (as a thief might have taken before) would help, which is what the test proves.
    everything = b"".join(p.read_bytes() for p in data_dir.rglob("*") if p.is_file())
    assert kit_json not in everything
    assert not any(w in everything or base64.b64encode(w) in everything for w in wrapped)  # no slot survives
    assert ref.record_id  # the database is still there, as ciphertext


def test_reinit_after_wipe(data_dir, kit):
    sup = keystore.unlock(data_dir, "sup", PASS["sup"])
    keystore.destroy_keys(data_dir)
    new = keystore.init_kit(data_dir, "tech2", "technician", "fresh-passphrase", FAST_TEST_KDF)
    assert new.kit_id != sup.kit_id and not keystore.is_wiped(data_dir)


def test_kdf_params_are_stored_per_slot(data_dir, kit):
    doc = keystore.load_kit_file(data_dir)
    assert all(KdfParams.from_dict(s["kdf"]) == FAST_TEST_KDF for s in doc["slots"])


def test_passphrase_typed_nfc_or_nfd_unlocks(data_dir, kit):
    import unicodedata
    tech = keystore.unlock(data_dir, "tech", PASS["tech"])
    keystore.add_user(tech, "thu", "officer", "mật khẩu của Thư", FAST_TEST_KDF)
    assert keystore.unlock(data_dir, "thu", unicodedata.normalize("NFD", "mật khẩu của Thư")).user.name == "thu"


def test_nameless_guessing_blocks_named_logins_too(data_dir, kit):
    for _ in range(3):
        with pytest.raises(keystore.BadPassphrase):
            keystore.unlock(data_dir, None, "guess-guess")
    with pytest.raises(Throttled):
        keystore.unlock(data_dir, "sup", PASS["sup"])


def test_interrupted_wipe_is_finished_by_init(data_dir, kit):
    from fieldkit.security.files import write_atomic
    old = keystore.kit_file(data_dir).read_bytes()
    write_atomic(keystore.key_dir(data_dir) / keystore.WIPED_FILE, b"wiped\n")  # crash right after the marker
    with pytest.raises(keystore.KitWiped):
        keystore.unlock(data_dir, "sup", PASS["sup"])
    keystore.init_kit(data_dir, "t2", "technician", "fresh-passphrase", FAST_TEST_KDF)
    assert keystore.kit_file(data_dir).read_bytes() != old
    assert not (keystore.key_dir(data_dir) / "hub.json").exists()
