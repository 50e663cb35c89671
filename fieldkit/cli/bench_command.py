"""`fieldkit bench`: run the benchmarks and print each figure beside its goal and physical limit.

Benchmarks are plain functions returning a dict of figures (see BENCHMARKS); they live in one package,
fieldkit/benchmarks/, above every layer they measure (a layer never imports upward to time itself). Results also go to JSON with `--json FILE`.
"""

from __future__ import annotations

import importlib
import json
import platform
import time
import traceback
from dataclasses import dataclass


@dataclass(frozen=True)
class Benchmark:
    name: str
    ref: str  # "module:function" returning dict[str, number | str]
    goal: str
    limit: str  # the physical or theoretical limit the figure is compared against


BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark("record_validation", "fieldkit.benchmarks.records:bench_validation", "validate ≤ 10 ms per record",
              "one 60 Hz UI frame (16.7 ms) per keystroke check"),
    Benchmark("card_qr_and_address", "fieldkit.benchmarks.records:bench_card_qr", "parse + convert ≤ 50 ms per scan",
              "in-memory lookups; first call loads the vietnamadminunits tables"),
    Benchmark("seal_enqueue", "fieldkit.benchmarks.packets:bench_seal_enqueue",
              "approve = seal + durable enqueue ≤ 50 ms per enrolment",
              "Ed25519 ×3 + HPKE + AES-GCM of ~315 KB ≈ 3 ms; one fsynced SQLite commit of ~320 KB"),
    Benchmark("queue_list", "fieldkit.benchmarks.packets:bench_queue_list",
              "supervisor list ≤ 50 ms at 100 000 records",
              "an index range scan of 50 rows + 50 AES-GCM decrypts ≈ sub-millisecond"),
    Benchmark("crash", "fieldkit.benchmarks.packets:bench_crash", "1 000 SIGKILLs: 0 lost, 0 duplicated, integrity ok",
              "each trial pays a fork, a database open and an integrity check (~0.1 s)"),
    Benchmark("preview_fps", "fieldkit.benchmarks.camera_preview:bench_preview_fps", "camera preview ≥ 25 fps through the driver",
              "the sensor's own frame rate (30 fps on a typical USB camera)"),
    Benchmark("face_assessment", "fieldkit.benchmarks.face_assessment:bench_face_assessment",
              "live assessment ≥ 15 fps on 2 cores (≤ 66 ms per frame)",
              "HOG detection ≈ 28 ms on ~512 px at upsample 0; landmarks 3–7 ms"),
    Benchmark("face_search_1n", "fieldkit.benchmarks.face_search:bench_face_search", "1:N at 100 000 templates ≤ 20 ms",
              "memory bandwidth: 100 000 × 128 float32 = 51 MB read per search"),
    Benchmark("fingerprints", "fieldkit.benchmarks.fingerprints:bench_fingerprints",
              "FMR and FNMR ≤ 1 % at the threshold; comparison ≤ 50 ms; quality ≤ 200 ms per print",
              "synthetic prints only: real prints do worse (SourceAFIS EER 3.87 % on FVC-onGoing)"),
    Benchmark("fingerprint_image_transfer", "fieldkit.benchmarks.fingerprint_transfer:bench_image_transfer",
              "R30x UpImage ≥ 95 % of line rate at 57 600 and 115 200 baud",
              "40 044 bytes × 10 bits ÷ baud: 6.95 s at 57 600, 3.48 s at 115 200"),
    Benchmark("sync_goodput", "sync.bench:bench_goodput",
              "goodput ≥ 90 % of a throttled 64 / 256 kbit/s link; bytes on the wire per enrolment",
              "the link rate itself; each request idles the link one round trip (~2 requests per packet)"),
    Benchmark("hub_load", "sync.hub.bench_load:bench_hub_load",
              "200 kits, 2 hub processes on PostgreSQL: >= 100 packets/s, p99 <= 2 s; a worker killed: 0 lost, 0 duplicated",
              "2 shared cores: HPKE open + 3 Ed25519 checks over each packet and 6 SQL transactions, beside the load generator"),
    Benchmark("hub_packets", "sync.hub.bench_load:bench_hub_packets",
              "1 000 000 stored packets: lookups and one kit's list <= 50 ms, export pages by index, 0 whole-table scans",
              "an index range scan per page; the export walk is bound by reading ~600 B of metadata per row"),
    Benchmark("sync_dropping_link", "sync.bench:bench_dropping_link",
              "on a 32 kB/s link cut after random up-times: ≥ 1.5× faster than restart-from-zero at a mean "
              "up-time of 6 s; ≤ 1.3× the link-time floor at 30 s",
              "the link-time floor: packet bytes ÷ link rate (6 × ~240 KB at 32 kB/s ≈ 45 s)"),
    Benchmark("demo_village", "fieldkit.benchmarks.demo_village:bench_demo_village",
              "a village session (`fieldkit demo`, the app's enrolment flow) ≤ 2 s per citizen on 2 cores",
              "a field officer needs 3-5 minutes per citizen; synthesising ten master prints costs ~2.5 s of it"),
    Benchmark("approve_with_token", "fieldkit.benchmarks.approve_with_token:bench_approve_with_token",
              "approve with a PKCS#11 token (login + sign + seal + enqueue) ≤ 200 ms on SoftHSM2",
              "a USB smart-card token signs ECDSA P-256 in ~50–150 ms, RSA-2048 in ~100–500 ms"),
    Benchmark("population_lookup", "fieldkit.benchmarks.population_lookup:bench_population_lookup",
              "find a citizen (name, ID, birth date, household, QR) ≤ 50 ms at 100 000 residents",
              "in-memory index: a bisect over sorted words/IDs plus set intersections ≈ sub-millisecond"),
    Benchmark("cold_start", "fieldkit.ui.startup_bench:bench_cold_start",
              "cold start to the first window ≤ 3 s on 2 cores",
              "a fresh Python plus the Qt widgets import (measured beside it)"),
)


def register(sub) -> None:
    p = sub.add_parser("bench", help="run the benchmarks and print figures with goals and limits")
    p.add_argument("--only", action="append", metavar="NAME", help="run only this benchmark (repeatable)")
    p.add_argument("--list", action="store_true", help="list benchmarks and exit")
    p.add_argument("--json", metavar="FILE", help="also write results as JSON to FILE ('-' for stdout)")
    p.set_defaults(func=run)


def _format(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def run_benchmark(bench: Benchmark) -> dict:
    module, _, attr = bench.ref.partition(":")
    started = time.perf_counter()
    try:
        figures = getattr(importlib.import_module(module), attr)()
        status = "ok"
    except Exception as exc:  # one failing benchmark must not hide the others' numbers
        figures, status = {"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc(limit=3)}, "error"
    return {"name": bench.name, "status": status, "goal": bench.goal, "limit": bench.limit,
            "seconds": round(time.perf_counter() - started, 3), "figures": figures}


def run(args, ctx) -> int:
    chosen = [b for b in BENCHMARKS if not args.only or b.name in args.only]
    if args.only:
        unknown = set(args.only) - {b.name for b in BENCHMARKS}
        if unknown:
            print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; see `fieldkit bench --list`")
            return 2
    if args.list:
        for b in BENCHMARKS:
            print(f"{b.name:28} goal: {b.goal}; limit: {b.limit}")
        return 0
    results = []
    for bench in chosen:
        print(f"== {bench.name}  (goal: {bench.goal}; limit: {bench.limit})", flush=True)
        result = run_benchmark(bench)
        for key, value in result["figures"].items():
            if key != "trace":
                print(f"   {key}: {_format(value)}")
        results.append(result)
    report = {"machine": {"python": platform.python_version(), "platform": platform.platform(),
                          "processor": platform.processor()}, "results": results}
    if args.json == "-":
        print(json.dumps(report, ensure_ascii=False, indent=2))
    elif args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(report, fh, ensure_ascii=False, indent=2)
    return 1 if any(r["status"] != "ok" for r in results) else 0
