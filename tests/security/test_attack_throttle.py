"""Attack 7: guessing passphrases in parallel processes, under many names, or with no name at all."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from fieldkit.security import keystore
from fieldkit.security.crypto import FAST_TEST_KDF, KdfParams
from fieldkit.security.throttle import FREE_FAILURES, KIT, KIT_FREE_FAILURES, Throttled
from tests.security.conftest import PASS

ROOT = Path(__file__).resolve().parents[2]
GUESSER = """
import sys, time
from pathlib import Path
from fieldkit.security import keystore
from fieldkit.security.throttle import Throttled
data, go = Path(sys.argv[1]), Path(sys.argv[2])
while not go.exists():
    time.sleep(0.005)
try:
    keystore.unlock(data, "sup", "a-wrong-guess-" + sys.argv[3])
    print("UNLOCKED")
except keystore.BadPassphrase:
    print("TRIED")
except Throttled:
    print("THROTTLED")
"""


def test_ten_parallel_guessers_get_only_the_free_tries(data_dir, tmp_path):
    """The review: ten parallel wrong guesses were all tried and three processes crashed on the shared
    throttle.json.tmp. Now the attempt is counted under a lock before the passphrase is tried."""
    tech = keystore.init_kit(data_dir, "tech", "technician", PASS["tech"], FAST_TEST_KDF)
    # A slower KDF for the target, so that the ten tries really overlap in time.
    keystore.add_user(tech, "sup", "supervisor", PASS["sup"], KdfParams(iterations=2, memory_kib=16 * 1024, lanes=1))
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", GUESSER, str(data_dir), str(go), str(i)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(10)]
    time.sleep(0.5)
    go.touch()  # all ten start guessing at once
    results = [p.communicate(timeout=120) for p in procs]
    crashed = [(p.returncode, err[-400:]) for p, (_, err) in zip(procs, results) if p.returncode != 0]
    assert crashed == []
    outcomes = sorted(out.strip() for out, _ in results)
    assert outcomes.count("TRIED") == FREE_FAILURES, outcomes  # 3 tried (the third sets the delay)
    assert outcomes.count("THROTTLED") == 10 - FREE_FAILURES, outcomes
    assert keystore.throttle(data_dir).failures("sup") == FREE_FAILURES
    assert not list(keystore.key_dir(data_dir).glob("*.tmp"))  # no temporaries left behind


def test_guessing_under_many_names_is_slowed_as_one(data_dir):
    tech = keystore.init_kit(data_dir, "tech", "technician", PASS["tech"], FAST_TEST_KDF)
    names = [f"user{i}" for i in range(6)]
    for name in names:
        keystore.add_user(tech, name, "officer", f"{name}-passphrase-ok", FAST_TEST_KDF)
    tried = 0
    for name in names:  # two guesses each: free for every single user
        for _ in range(FREE_FAILURES - 1):
            try:
                keystore.unlock(data_dir, name, "wrong-wrong-wrong")
            except keystore.BadPassphrase:
                tried += 1
            except Throttled:
                pass
    assert tried == KIT_FREE_FAILURES  # the kit counter stopped the rest
    with pytest.raises(Throttled):
        keystore.unlock(data_dir, "tech", "wrong-wrong-wrong")
    with pytest.raises(Throttled):
        keystore.unlock(data_dir, None, "wrong-wrong-wrong")  # nameless attempts share the kit counter


def test_a_user_locked_out_cannot_be_guessed_without_a_name(data_dir, kit):
    """The review: nameless logins had their own counter, so they went on while a named user was locked."""
    for _ in range(FREE_FAILURES):
        with pytest.raises(keystore.BadPassphrase):
            keystore.unlock(data_dir, "sup", "wrong-wrong-wrong")
    with pytest.raises(Throttled):
        keystore.unlock(data_dir, "sup", PASS["sup"])
    with pytest.raises(keystore.BadPassphrase):
        keystore.unlock(data_dir, None, PASS["sup"])  # the nameless attempt skips sup's slot: even the right one
    assert keystore.unlock(data_dir, None, PASS["off"]).user.name == "off"  # other users still log in


def test_a_success_does_not_reset_the_kit_counter(data_dir, kit):
    """An insider who knows their own passphrase cannot log in between guesses to wipe the kit count."""
    gate = keystore.throttle(data_dir)
    for name in ("sup", "tech", "sup", "tech"):
        with pytest.raises(keystore.BadPassphrase):
            keystore.unlock(data_dir, name, "wrong-wrong-wrong")
        keystore.unlock(data_dir, "off", PASS["off"])  # the insider's own login between guesses
    assert gate.failures(KIT) == 4 and gate.failures("sup") == 2


def test_a_login_killed_before_it_settles_is_not_a_guess(data_dir, kit):
    """Power cut or SIGKILL in the middle of a login: the reservation of the dead process is cancelled by the
    next attempt (the crash harness kills workers while they unlock). The result is settled in the file
    before any process can report it, so this gives a guesser nothing."""
    reserve_and_die = ("import os, sys; from pathlib import Path; from fieldkit.security import keystore; "
                       "keystore.throttle(Path(sys.argv[1])).reserve('sup'); os._exit(0)")
    for _ in range(FREE_FAILURES):
        subprocess.run([sys.executable, "-c", reserve_and_die, str(data_dir)], cwd=ROOT, check=True, timeout=60)
    # Each reservation counted while unsettled; each new attempt cancelled the one before (its process was dead).
    assert keystore.throttle(data_dir).failures("sup") == 1
    assert keystore.unlock(data_dir, "sup", PASS["sup"]).user.name == "sup"  # not throttled: the dead are forgiven
    gate = keystore.throttle(data_dir)
    assert gate.failures("sup") == 0 and gate.failures(KIT) == 0
