"""Synthetic master prints are made once per seed: memory LRU, disk cache of synthetic prints, prefetch."""

from __future__ import annotations

import threading

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


def test_cache_files_name_no_seed_and_hold_only_generator_output(disk_masters):
    fp.master_print("Nguyễn Văn A 1990", 3)
    files = list(disk_masters.directory.iterdir())
    assert len(files) == 1 and "Nguy" not in files[0].name and files[0].suffix == ".fkm"
    header_end = 9 + int.from_bytes(files[0].read_bytes()[5:9], "big")
    header = files[0].read_bytes()[9:header_end].decode()
    assert set(__import__("json").loads(header)) == {"pattern", "cores", "deltas", "key", "arrays"}


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
