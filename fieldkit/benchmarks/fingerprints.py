"""Fingerprint benchmarks: matcher score distributions and error rates, timings, WSQ ratio and PSNR.

Run: `.venv/bin/python -m fieldkit.benchmarks.fingerprints` (later wired into `fieldkit bench`). Figures print and are
returned as a dict. Synthetic people only ("bench-<n>"), generated on the fly: nothing is written to disk.
"""

from __future__ import annotations

import time
from itertools import combinations

import numpy as np

from drivers.synthetic.fingerprints import synthesize_print
from fieldkit.biometrics.fp_codec import decode_wsq, encode_wsq, psnr
from fieldkit.biometrics.fp_matcher import MATCH_THRESHOLD, match_score
from fieldkit.biometrics.minutiae import extract_minutiae


def error_rates(genuine: np.ndarray, impostor: np.ndarray, threshold: float) -> tuple[float, float]:
    """(FMR, FNMR) at `threshold`: impostors at or above it, genuines below it."""
    fmr = float(np.mean(impostor >= threshold)) if impostor.size else 0.0
    fnmr = float(np.mean(genuine < threshold)) if genuine.size else 0.0
    return fmr, fnmr


def equal_error_rate(genuine: np.ndarray, impostor: np.ndarray) -> tuple[float, float]:
    """(EER, threshold): sweep every observed score and take the point where FMR and FNMR are closest."""
    candidates = np.unique(np.concatenate([genuine, impostor, [np.inf]]))
    rates = [error_rates(genuine, impostor, t) for t in candidates]
    best = min(range(len(candidates)), key=lambda k: (abs(rates[k][0] - rates[k][1]), max(rates[k])))
    fmr, fnmr = rates[best]
    return (fmr + fnmr) / 2, float(candidates[best])


def _summary(values: np.ndarray) -> dict:
    return {"n": int(values.size), "min": float(values.min()), "p5": float(np.percentile(values, 5)),
            "median": float(np.median(values)), "p95": float(np.percentile(values, 95)), "max": float(values.max())}


def bench_matcher(people: int = 20, fingers: tuple[int, ...] = (2, 7, 3), impressions: int = 3,
                  condition: str = "good", verbose: bool = True) -> dict:
    """Genuine: every pair of impressions of one finger. Impostor: first impressions of different fingers."""
    templates, extract_times = {}, []
    for p in range(people):
        for f in fingers:
            for i in range(impressions):
                image = synthesize_print(f"bench-{p}", f, condition=condition, impression=i)
                t0 = time.perf_counter()
                templates[(p, f, i)] = extract_minutiae(image)
                extract_times.append(time.perf_counter() - t0)
    genuine, impostor, compare_times = [], [], []
    for a, b in combinations(sorted(templates), 2):
        same = a[:2] == b[:2]
        if not same and (a[2] or b[2]):
            continue
        t0 = time.perf_counter()
        score = match_score(templates[a], templates[b])
        compare_times.append(time.perf_counter() - t0)
        (genuine if same else impostor).append(score)
    genuine, impostor = np.array(genuine), np.array(impostor)
    fmr, fnmr = error_rates(genuine, impostor, MATCH_THRESHOLD)
    eer, eer_threshold = equal_error_rate(genuine, impostor)
    result = {
        "condition": condition, "threshold": MATCH_THRESHOLD,
        "genuine": _summary(genuine), "impostor": _summary(impostor),
        "fmr": fmr, "fnmr": fnmr, "eer": eer, "eer_threshold": eer_threshold,
        "extract_ms_mean": 1000 * float(np.mean(extract_times)),
        "compare_ms_mean": 1000 * float(np.mean(compare_times)),
        "compare_ms_p95": 1000 * float(np.percentile(compare_times, 95)),
        "minutiae_mean": float(np.mean([len(t) for t in templates.values()])),
        "template_bytes_mean": float(np.mean([len(t.to_bytes()) for t in templates.values()])),
    }
    if verbose:
        g, i = result["genuine"], result["impostor"]
        print(f"matcher on synthetic prints ({condition}): {people} people x {len(fingers)} fingers x {impressions} impressions")
        print(f"  genuine  n={g['n']:5d}  min {g['min']:.0f}  p5 {g['p5']:.0f}  median {g['median']:.0f}  max {g['max']:.0f}")
        print(f"  impostor n={i['n']:5d}  median {i['median']:.0f}  p95 {i['p95']:.0f}  max {i['max']:.0f}")
        print(f"  threshold {MATCH_THRESHOLD:.0f}: FMR {fmr:.4%}  FNMR {fnmr:.4%}   EER {eer:.4%} (at {eer_threshold:.0f})")
        print(f"  extraction {result['extract_ms_mean']:.1f} ms/print, comparison {result['compare_ms_mean']:.1f} ms "
              f"(p95 {result['compare_ms_p95']:.1f} ms), {result['minutiae_mean']:.0f} minutiae, "
              f"{result['template_bytes_mean']:.0f} B/template")
    return result


def bench_module_window(people: int = 10, fingers: tuple[int, ...] = (2, 7), verbose: bool = True) -> dict:
    """The single-finger path: 256 x 288 4-bit module windows (impressions 1, 2) against 480 x 400 enrolment prints."""
    from drivers.synthetic.fingerprints import downsample_for_uart

    enrolled = {(p, f): extract_minutiae(synthesize_print(f"bench-{p}", f)) for p in range(people) for f in fingers}
    genuine, impostor = [], []
    for p in range(people):
        for f in fingers:
            for i in (1, 2):
                probe = extract_minutiae(downsample_for_uart(synthesize_print(f"bench-{p}", f, impression=i)))
                for key, template in enrolled.items():
                    if key == (p, f):
                        genuine.append(match_score(probe, template))
                    elif i == 1:
                        impostor.append(match_score(probe, template))
    genuine, impostor = np.array(genuine), np.array(impostor)
    fmr, fnmr = error_rates(genuine, impostor, MATCH_THRESHOLD)
    eer, eer_threshold = equal_error_rate(genuine, impostor)
    result = {"genuine": _summary(genuine), "impostor": _summary(impostor), "fmr": fmr, "fnmr": fnmr,
              "eer": eer, "eer_threshold": eer_threshold}
    if verbose:
        g, i = result["genuine"], result["impostor"]
        print(f"module window (256x288, 4-bit) vs enrolment print: {people} people x {len(fingers)} fingers")
        print(f"  genuine  n={g['n']:5d}  min {g['min']:.0f}  p5 {g['p5']:.0f}  median {g['median']:.0f}")
        print(f"  impostor n={i['n']:5d}  median {i['median']:.0f}  p95 {i['p95']:.0f}  max {i['max']:.0f}")
        print(f"  threshold {MATCH_THRESHOLD:.0f}: FMR {fmr:.4%}  FNMR {fnmr:.4%}   EER {eer:.4%} (at {eer_threshold:.0f})")
    return result


def bench_conditions(people: int = 8, finger: int = 2,
                     conditions: tuple[str, ...] = ("dry", "wet", "smudged", "partial", "rotated"),
                     verbose: bool = True) -> dict:
    """Genuine scores of degraded captures against a good enrolment print: what quality gating protects."""
    enrolled = [extract_minutiae(synthesize_print(f"bench-{p}", finger)) for p in range(people)]
    result = {}
    for condition in conditions:
        scores = np.array([match_score(extract_minutiae(synthesize_print(f"bench-{p}", finger, condition=condition,
                                                                         impression=1)), enrolled[p])
                           for p in range(people)])
        result[condition] = {"median": float(np.median(scores)), "min": float(scores.min()),
                             "fnmr": float(np.mean(scores < MATCH_THRESHOLD))}
        if verbose:
            r = result[condition]
            print(f"  {condition:<8} vs good enrolment: genuine median {r['median']:.0f}, min {r['min']:.0f}, "
                  f"FNMR {r['fnmr']:.0%} (n={people})")
    return result


def bench_quality(people: int = 8, verbose: bool = True) -> dict:
    """Quality score range per synthetic condition, on 480 x 400 captures and on 256 x 288 module windows."""
    from drivers.synthetic.fingerprints import CONDITIONS, downsample_for_uart
    from fieldkit.biometrics.fp_quality import assess_print

    result, times = {}, []
    for condition in CONDITIONS:
        full, window = [], []
        for p in range(people):
            image = synthesize_print(f"bench-{p}", 1 + p % 10, condition=condition, impression=p)
            t0 = time.perf_counter()
            full.append(assess_print(image).score)
            times.append(time.perf_counter() - t0)
            window.append(assess_print(downsample_for_uart(image)).score)
        result[condition] = {"full": (min(full), int(np.median(full)), max(full)),
                             "window": (min(window), int(np.median(window)), max(window))}
        if verbose:
            f, w = result[condition]["full"], result[condition]["window"]
            print(f"  quality {condition:<9} 480x400 min/median/max {f[0]:3d}/{f[1]:3d}/{f[2]:3d}   "
                  f"256x288 {w[0]:3d}/{w[1]:3d}/{w[2]:3d}")
    result["assess_ms"] = 1000 * float(np.mean(times))
    if verbose:
        print(f"  quality assessment {result['assess_ms']:.0f} ms per 480x400 print")
    return result


def bench_wsq(samples: int = 5, verbose: bool = True) -> dict:
    """WSQ ratio, PSNR and encode/decode time on 480 x 400 captures and on 256 x 288 module windows."""
    from drivers.synthetic.fingerprints import downsample_for_uart

    result = {}
    for label, make in (("480x400", lambda p: synthesize_print(f"wsq-{p}", 2)),
                        ("256x288 (4-bit)", lambda p: downsample_for_uart(synthesize_print(f"wsq-{p}", 2)))):
        ratios, psnrs, enc, dec = [], [], [], []
        for p in range(samples):
            image = make(p)
            t0 = time.perf_counter()
            data = encode_wsq(image)
            t1 = time.perf_counter()
            back = decode_wsq(data)
            t2 = time.perf_counter()
            ratios.append(image.size / len(data))
            psnrs.append(psnr(image, back))
            enc.append(t1 - t0)
            dec.append(t2 - t1)
        result[label] = {"ratio": float(np.mean(ratios)), "psnr_db": float(np.mean(psnrs)),
                         "encode_ms": 1000 * float(np.mean(enc)), "decode_ms": 1000 * float(np.mean(dec))}
        if verbose:
            r = result[label]
            print(f"WSQ {label}: {r['ratio']:.1f}:1, PSNR {r['psnr_db']:.1f} dB, "
                  f"encode {r['encode_ms']:.1f} ms, decode {r['decode_ms']:.1f} ms")
    return result


def bench_synthesis(count: int = 5, verbose: bool = True) -> dict:
    """Time to generate a master print (uncached) and one more impression of it (cached master)."""
    from drivers.synthetic.fingerprints import master_print

    masters, impressions = [], []
    master_print("synth-bench-warm-up", 2)       # builds the cached Gabor spectra once, as a running simulator has
    for p in range(count):
        person = f"synth-bench-{p}-{time.time_ns()}"      # never cached yet
        t0 = time.perf_counter()
        master_print(person, 2)
        masters.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        synthesize_print(person, 2, impression=1)
        synthesize_print(person, 2, impression=2)
        impressions.append((time.perf_counter() - t0) / 2)
    result = {"master_s": float(np.mean(masters)), "impression_ms": 1000 * float(np.median(impressions))}
    if verbose:
        print(f"synthesis: master {result['master_s']:.2f} s, impression {result['impression_ms']:.1f} ms (cached master)")
    return result


def bench_fingerprints(people: int = 12) -> dict:
    """Flat figures for `fieldkit bench` (name -> number): synthesis, quality separation, matcher, WSQ."""
    synthesis = bench_synthesis(verbose=False)
    quality = bench_quality(people=6, verbose=False)
    matcher = bench_matcher(people=people, verbose=False)
    window = bench_module_window(people=max(4, people // 2), verbose=False)
    wsq_figures = bench_wsq(verbose=False)
    figures = {
        "master_print_s": round(synthesis["master_s"], 3),
        "impression_ms": round(synthesis["impression_ms"], 1),
        "quality_good_min": quality["good"]["full"][0],
        "quality_worst_defect_max": max(quality[c]["full"][2] for c in ("dry", "smudged", "partial", "no_finger")),
        "quality_assess_ms": round(quality["assess_ms"], 1),
        "match_threshold": matcher["threshold"],
        "genuine_min": matcher["genuine"]["min"], "genuine_median": matcher["genuine"]["median"],
        "impostor_max": matcher["impostor"]["max"], "impostor_p95": matcher["impostor"]["p95"],
        "genuine_n": matcher["genuine"]["n"], "impostor_n": matcher["impostor"]["n"],
        "fmr": matcher["fmr"], "fnmr": matcher["fnmr"], "eer": matcher["eer"],
        "window_genuine_min": window["genuine"]["min"], "window_impostor_max": window["impostor"]["max"],
        "window_fnmr": window["fnmr"], "window_fmr": window["fmr"],
        "extract_ms": round(matcher["extract_ms_mean"], 1), "compare_ms": round(matcher["compare_ms_mean"], 2),
        "compare_p95_ms": round(matcher["compare_ms_p95"], 2), "template_bytes": round(matcher["template_bytes_mean"]),
    }
    for label, key in (("480x400", "480x400"), ("256x288", "256x288 (4-bit)")):
        figures[f"wsq_ratio_{label}"] = round(wsq_figures[key]["ratio"], 1)
        figures[f"wsq_psnr_db_{label}"] = round(wsq_figures[key]["psnr_db"], 1)
        figures[f"wsq_encode_ms_{label}"] = round(wsq_figures[key]["encode_ms"], 1)
    return figures


def main() -> None:
    bench_synthesis()
    bench_quality()
    bench_wsq()
    bench_matcher()
    bench_matcher(people=10, fingers=(2, 7), condition="rotated")
    bench_module_window()
    bench_conditions()


if __name__ == "__main__":
    main()
