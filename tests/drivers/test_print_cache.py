"""Synthetic master prints are made once per seed: memory LRU, disk cache of synthetic prints, prefetch."""

from __future__ import annotations

import json
import threading
import zlib

import numpy as np
import pytest

from drivers.synthetic import fingerprints as fp
from drivers.synthetic.print_cache import ENV, DiskCache, MasterCache, default_directory


@pytest.fixture
def disk_masters(tmp_path):
    """The process-wide master cache pointed at an empty folder, memory emptied; restored after."""
    old_disk = fp.MASTERS.disk
    fp.MASTERS.clear_memory()
    disk = DiskCache(tmp_path / "prints")
    fp.MASTERS.use_disk(disk)
    yield disk
    fp.MASTERS.use_disk(old_disk)
    fp.MASTERS.clear_memory()


def test_a_master_from_disk_gives_the_same_pixels_as_a_fresh_one(disk_masters):
    fresh = fp.synthesize_print("cache-a", 2, impression=3, condition="dry")
    assert len(list(disk_masters.directory.glob("*.fkm"))) == 1
    fp.MASTERS.clear_memory()
    made_before = fp.MASTERS.stats["made"]
    again = fp.synthesize_print("cache-a", 2, impression=3, condition="dry")
    assert fp.MASTERS.stats["made"] == made_before          # loaded, not grown again
    assert np.array_equal(fresh, again)
    fp.MASTERS.use_disk(None)
    fp.MASTERS.clear_memory()
    assert np.array_equal(fp.synthesize_print("cache-a", 2, impression=3, condition="dry"), fresh)


def test_conditions_are_still_rendered_on_a_cached_master(disk_masters):
    fp.prepare_masters("cache-b", (4,))
    assert fp.master_cached("cache-b", 4)
    good = fp.synthesize_print("cache-b", 4, impression=1)
    for condition in ("dry", "wet", "smudged"):
        other = fp.synthesize_print("cache-b", 4, impression=1, condition=condition)
        assert np.mean(np.abs(other.astype(int) - good.astype(int))) > 8, condition


def test_a_damaged_cache_file_is_made_again_never_served(disk_masters):
    master = fp.master_print("cache-c", 7)
    path = disk_masters.path(fp._master_key("cache-c", 7))
    blob = bytearray(path.read_bytes())
    blob[len(blob) // 2] ^= 0xFF                      # flip a byte inside the compressed arrays
    path.write_bytes(bytes(blob))
    fp.MASTERS.clear_memory()
    again = fp.master_print("cache-c", 7)
    assert np.array_equal(again.ridges_u8, master.ridges_u8) and again.pattern == master.pattern
    path.write_bytes(b"FKMP1" + (10 ** 6).to_bytes(4, "big") + b"{")   # a header that does not parse
    fp.MASTERS.clear_memory()
    assert np.array_equal(fp.master_print("cache-c", 7).mask_u8, master.mask_u8)


def test_a_file_for_another_seed_is_refused(disk_masters):
    fp.master_print("cache-d", 1)
    fp.MASTERS.clear_memory()
    # someone copies d's file over e's name: e must not get d's finger
    d_path = disk_masters.path(fp._master_key("cache-d", 1))
    e_path = disk_masters.path(fp._master_key("cache-e", 1))
    e_path.write_bytes(d_path.read_bytes())
    assert not np.array_equal(fp.master_print("cache-e", 1).ridges_u8, fp.master_print("cache-d", 1).ridges_u8)


def test_cache_files_never_hold_the_seed_text_only_generator_output(disk_masters):
    seed = "Nguyễn Văn A 1990"
    fp.master_print(seed, 3)
    files = list(disk_masters.directory.iterdir())
    assert len(files) == 1 and files[0].suffix == ".fkm"
    blob = files[0].read_bytes()
    for text in (seed, "Nguy", "1990"):
        assert text.encode("utf-8") not in blob and text not in files[0].name
    header = json.loads(blob[9:9 + int.from_bytes(blob[5:9], "big")])
    assert set(header) == {"pattern", "cores", "deltas", "key", "arrays"}
    assert [name for name, _ in header["arrays"]] == ["ridges", "mask"]


def _crafted(disk: DiskCache, key, arrays_header, body: bytes):
    """Write a file as an attacker with write access to the cache folder would: right name, right key hash."""
    head = json.dumps({"pattern": "whorl", "cores": [], "deltas": [], "key": disk.digest(key),
                       "arrays": arrays_header}).encode()
    disk.path(key).write_bytes(b"FKMP1" + len(head).to_bytes(4, "big") + head + body)


def test_crafted_cache_files_cannot_inflate_memory_or_change_a_print(disk_masters):
    key = fp._master_key("cache-g", 5)
    genuine = fp.synthesize_master("cache-g", 5)
    disk_masters.directory.mkdir(parents=True, exist_ok=True)
    shape = list(fp.MASTER_SHAPE)
    crafted = [
        # a zip bomb: announces a normal master, inflates to 200 MB
        ([["ridges", shape], ["mask", shape]], zlib.compress(bytes(200 << 20), 9)),
        # announces a gigantic array
        ([["ridges", [60000, 60000]]], zlib.compress(bytes(16))),
        # right size, wrong shape for a master (must not be reshaped into one)
        ([["ridges", [480, 560]], ["mask", [480, 560]]], zlib.compress(bytes(2 * 480 * 560))),
        # negative dimensions
        ([["ridges", [-560, -480]], ["mask", shape]], zlib.compress(bytes(16))),
    ]
    for arrays_header, body in crafted:
        _crafted(disk_masters, key, arrays_header, body)
        fp.MASTERS.clear_memory()
        master = fp.master_print("cache-g", 5)
        assert np.array_equal(master.ridges_u8, genuine.ridges_u8)
        assert master.pattern == genuine.pattern


def test_two_threads_asking_for_one_master_make_it_once():
    made = []
    gate = threading.Event()

    def make():
        made.append(1)
        gate.wait(5)
        return "value"

    cache = MasterCache(lambda v: ({}, {}), lambda h, a: h, capacity=4, disk=None)
    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("k", make))) for _ in range(3)]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join(5)
    assert results == ["value"] * 3 and len(made) == 1


def test_memory_keeps_at_most_its_capacity():
    cache = MasterCache(lambda v: ({}, {}), lambda h, a: h, capacity=3, disk=None)
    for key in range(5):
        cache.get(key, lambda key=key: key)
    assert [cache.cached(k) for k in range(5)] == [False, False, True, True, True]


def test_disk_cache_is_capped(tmp_path):
    disk = DiskCache(tmp_path, limit=3)
    for key in range(6):
        disk.save(key, {}, {"a": np.zeros((2, 2), np.uint8)})
    disk.prune()
    assert len(list(tmp_path.glob("*.fkm"))) == 3


def test_cache_folder_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV, "off")
    assert default_directory() is None
    monkeypatch.setenv(ENV, str(tmp_path))
    assert default_directory().parent == tmp_path
    monkeypatch.delenv(ENV)
    assert "synthetic-prints" in str(default_directory())


def test_prepare_reports_what_it_had_to_make(disk_masters):
    assert fp.prepare_masters("cache-f", (1, 2)) == 2
    assert fp.prepare_masters("cache-f", (1, 2, 3)) == 1
