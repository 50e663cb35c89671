"""Leak scan: after a session of synthetic people, no name (NFC, NFD, folded), ID number, phone number or
raw image bytes can be found anywhere in the data directory (database, WAL, SHM, logs, key files) or in the
temporary directory the session used."""

from __future__ import annotations

import logging
import random
import unicodedata
from pathlib import Path

import pytest

from fieldkit.enrolment.service import EnrolmentService, ReviewFilter
from fieldkit.logs import register_sensitive, setup_logging
from fieldkit.store.search import fold
from tests.security.conftest import PASS

NAMES = ["Nguyễn Thị Hoà", "Trần Đức Minh", "Lò Văn Pảo", "Hà Thị Mỹ Duyên", "Vàng A Sử", "Y Ben Niê",
         "Giàng Thị Dợ", "Phạm Quỳnh Anh"]


def people(seed=7):
    rng = random.Random(seed)
    for i, name in enumerate(NAMES):
        yield ({"full_name": name, "id_number": f"0{rng.randrange(10**10, 10**11)}",
                "phone": f"09{rng.randrange(10**7, 10**8)}", "address": f"Bản Xà Phìn {i}, xã Sủng Là"},
               {"face.jpg": rng.randbytes(30_000), "prints/01.png": rng.randbytes(8_000)})


def needles(record, blobs) -> list[bytes]:
    out = []
    for text in (record["full_name"], record["address"]):
        for form in (unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text), fold(text),
                     text.upper()):
            out += [form.encode("utf-8"), form.encode("utf-16-le")]
        out += [w.encode() for w in fold(text).split() if len(w) >= 5]  # single long folded words
    out += [record["id_number"].encode(), record["phone"].encode()]
    for data in blobs.values():
        out += [data[i:i + 24] for i in range(0, len(data) - 24, len(data) // 6)]
    return out


def scan(dirs) -> dict[str, list[str]]:
    contents = {}
    for d in dirs:
        for path in Path(d).rglob("*"):
            if path.is_file():
                contents[str(path)] = path.read_bytes()
    return contents


def test_nothing_personal_on_disk(data_dir, kit, tmp_path, monkeypatch):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setenv("SQLITE_TMPDIR", str(tmp))
    setup_logging(data_dir, "DEBUG")
    log = logging.getLogger("fieldkit.test.leak")
    service = EnrolmentService(data_dir)
    try:
        off, sup = service.unlock("off", PASS["off"]), service.unlock("sup", PASS["sup"])
        all_needles, refs = [], []
        for i, (record, blobs) in enumerate(people()):
            register_sensitive(record["full_name"])
            all_needles += needles(record, blobs)
            ref = off.save_draft(record, blobs, session_id="village-1")
            log.info("saved draft %s for %s", ref.record_id, record["full_name"])  # a careless log line
            ref = off.save_draft(record, blobs, record_id=ref.record_id)  # an autosave
            off.submit_for_review(ref.record_id)
            refs.append(ref.record_id)
        assert len(sup.list_for_review(ReviewFilter(search="nguyen hoa"))) == 1  # search works while unlocked
        for rid in refs[:5]:
            sup.approve(rid)
        sup.reject(refs[5], "trùng hồ sơ của Trần Đức Minh")
        sup.return_to_officer(refs[6], "ảnh của Giàng Thị Dợ bị mờ")
        # Scan while the service is open (WAL and SHM present) and again after closing.
        open_scan = scan([data_dir, tmp])
        assert any(p.endswith("-wal") for p in open_scan), "expected a WAL file while open"
    finally:
        service.close()
        setup_logging(None)  # removes and closes the file handler
    for contents in (open_scan, scan([data_dir, tmp])):
        assert any(p.endswith("fieldkit.log") for p in contents)
        found = [(path, needle[:30]) for needle in all_needles for path, data in contents.items() if needle in data]
        assert found == []


@pytest.mark.parametrize("needle", [b"Nguy", "Nguyễn".encode()])
def test_the_scan_would_find_a_leak(tmp_path, needle):
    (tmp_path / "leak.txt").write_bytes(b"xx" + "Nguyễn Thị Hoà".encode() + b"yy")
    assert any(needle in data for data in scan([tmp_path]).values())
