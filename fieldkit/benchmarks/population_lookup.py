"""Benchmark `population_lookup`: find a citizen among 100 000 residents (goal ≤ 50 ms per lookup).

The whole kit path: a hub-sealed extract of N synthetic residents is loaded into a fresh kit (verify, decrypt,
re-encrypt at rest), opened (decrypt, parse, build the in-memory index), then searched with the queries an
officer types: a folded name, a name with diacritics, a name + birth year, an ID prefix, a birth date, a
household id, and a card QR text. Reported: load and open times, and per query kind the median and worst
latency over repeated queries.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from fieldkit.demo.population import (KINH_FAMILY, KINH_GIVEN_FEMALE, KINH_GIVEN_MALE, KINH_MIDDLE_FEMALE,
                                      KINH_MIDDLE_MALE, MINORITY)
from fieldkit.domain.dates import PartialDate
from fieldkit.population.resident import Resident

COMMUNE = ("Quảng Ngãi", "Xã Đăk Mar", "23512")


def synthetic_residents(n: int, seed: int = 0) -> list[Resident]:
    """`n` residents with Kinh and highland names, households of ~4, some year-only birth dates. Fast (no
    village simulation): for benchmarks only."""
    rng = random.Random(f"fieldkit-population-bench-{seed}")
    out = []
    for i in range(n):
        female = rng.random() < 0.5
        if rng.random() < 0.5:
            name = " ".join((rng.choice(KINH_FAMILY), rng.choice(KINH_MIDDLE_FEMALE if female else KINH_MIDDLE_MALE),
                             rng.choice(KINH_GIVEN_FEMALE if female else KINH_GIVEN_MALE)))
        else:
            male_p, female_p, given = MINORITY[rng.choice(tuple(MINORITY))]
            name = f"{rng.choice(female_p if female else male_p)} {rng.choice(given)}"
        year = rng.randint(1930, 2025)
        dob = PartialDate(year) if year < 1960 and rng.random() < 0.4 else \
            PartialDate(year, rng.randint(1, 12), rng.randint(1, 28))
        pid = f"0{rng.choice(('62', '51', '64'))}{(year >= 2000) * 2 + female}{year % 100:02d}{rng.randrange(10**6):06d}"
        out.append(Resident(resident_id=f"B{i:07d}", birth_name=name, sex="female" if female else "male",
                            date_of_birth=dob, personal_id=pid if rng.random() < 0.9 else None,
                            cmnd=f"{rng.randrange(10**9):09d}" if year < 1995 and rng.random() < 0.5 else None,
                            province=COMMUNE[0], commune=COMMUNE[1], commune_code=COMMUNE[2],
                            street=f"Thôn {i % 9 + 1}", household_id=f"HK{i // 4:06d}",
                            relation_to_head="chủ hộ" if i % 4 == 0 else "con"))
    return out


def _kit_with_extract(folder: Path, residents: list[Resident]):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from fieldkit.packets.envelope import generate_hub_keys
    from fieldkit.population.extract_format import ExtractHeader, seal_extract
    from fieldkit.population.kitkey import x25519_public_from_ed25519
    from fieldkit.security import keystore
    from fieldkit.security.crypto import FAST_TEST_KDF
    from fieldkit.security.hub_keys import store_hub_keys

    kit = keystore.init_kit(folder, "bench", "technician", "bench-passphrase", FAST_TEST_KDF)
    hub_sign = Ed25519PrivateKey.generate()
    store_hub_keys(folder, hub_url="http://127.0.0.1:9", signing_public_key=hub_sign.public_key().public_bytes_raw(),
                   hpke_public_keys={"x25519": generate_hub_keys()[1]})
    now = int(time.time() * 1000)
    header = ExtractHeader(str(uuid.uuid4()), kit.kit_id, "hub-bench", now, now + 86400_000, (COMMUNE[2],),
                           len(residents))
    return kit, seal_extract(header, residents, x25519_public_from_ed25519(kit.device_public_key), hub_sign)


def _timed(fn, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def bench_population_lookup(residents: int = 100_000, repeat: int = 20) -> dict:
    from fieldkit.population.lookup import open_population
    from fieldkit.population.store import ExtractStore

    people = synthetic_residents(residents)
    sample = people[residents // 3]
    with tempfile.TemporaryDirectory(prefix="fieldkit-bench-pop-") as tmp:
        kit, data = _kit_with_extract(Path(tmp), people)
        started = time.perf_counter()
        ExtractStore(Path(tmp), kit).load(data)
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        population = open_population(Path(tmp), None, kit)
        open_s = time.perf_counter() - started
        qr = f"{sample.personal_id or '062190001234'}||{sample.birth_name}|" \
             f"{(sample.date_of_birth.day or 0):02d}{(sample.date_of_birth.month or 0):02d}{sample.date_of_birth.year}|" \
             f"{'Nữ' if sample.sex == 'female' else 'Nam'}|Thôn 3, Xã Đắk Hring, Huyện Đắk Hà, Tỉnh Kon Tum|01012022"
        queries = {
            "name_folded": "nguyen thi",
            "name_diacritics": "Nguyễn Thị Hoà",
            "name_and_year": f"{sample.birth_name.split()[0]} {sample.date_of_birth.year}",
            "id_prefix": (sample.personal_id or "062")[:6],
            "birth_date": sample.date_of_birth.isoformat(),
            "household": sample.household_id,
            "one_letter": "y",
            "card_qr": qr,
        }
        figures = {"residents": residents, "extract_mb": round(len(data) / 1e6, 2), "load_s": round(load_s, 2),
                   "open_s": round(open_s, 2)}
        worst = 0.0
        for kind, text in queries.items():
            median, high = _timed(lambda t=text: population.search(t, 20), repeat)
            figures[f"{kind}_ms"] = round(median, 2)
            worst = max(worst, high)
        figures["worst_ms"] = round(worst, 2)
        figures["found_sample_by_qr"] = any(m.resident.resident_id == sample.resident_id
                                            for m in population.search(qr))
    return figures


if __name__ == "__main__":
    import sys

    print(bench_population_lookup(*(int(a) for a in sys.argv[1:2])))
