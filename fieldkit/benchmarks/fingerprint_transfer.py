"""Benchmark: R30x image upload time against the theoretical line-rate time (goal: ≥ 95 % of line rate).

The simulator emulates the UART's speed on a real pty (chunks on an absolute schedule); the real driver
uploads one 256×288 4-bit image (UpImage: acknowledge + 288 data packets of 128 bytes = 40 044 bytes on the
wire). Efficiency = theoretical / measured: 100 % means the driver adds no overhead to the line itself.
Run: `python -m fieldkit.benchmarks.fingerprint_transfer` (≈ 7 s at 57 600 baud + 3.5 s at 115 200).

Also measured here (figures prefixed `slap_` and `citizen_`):
- the default slap scanner (`slap:sim:normal`, issue 13 item 9): seconds per slap through the real driver and
  how many first tries settled, over new people (their masters not yet made: the prefetch starts when the
  hand is placed), goal about a second a slap and every first try settled;
- one citizen's ten rolled fingers + three slaps through both simulated scanners with no device delays
  (`instant` profiles, what a demo pays): print synthesis cold, from the disk cache and from memory.
"""

from __future__ import annotations

import time

from drivers.fingerprint import protocol as p

BAUD_RATES = (57600, 115200)


def _measure(baud: int, packet_size: int) -> dict:
    from drivers.fingerprint.simulator import FingerprintSimulator
    from drivers.fingerprint.uart_scanner import UartFingerprintScanner

    with FingerprintSimulator("normal", baud=baud, packet_size=packet_size, image_source="placeholder") as sim:
        with UartFingerprintScanner(sim.path, baudrate=baud, timeout=2.0) as scanner:
            sim.present_finger("bench-person", 2)
            scanner.capture_image(timeout=5)
            t0 = time.perf_counter()
            image = scanner.upload_image()
            measured = time.perf_counter() - t0
    theoretical = p.line_time(p.IMAGE_BYTES, packet_size, baud)
    return {"baud": baud, "packet_size": packet_size, "wire_bytes": p.upload_wire_bytes(p.IMAGE_BYTES, packet_size),
            "image_shape": list(image.shape), "theoretical_s": round(theoretical, 3), "measured_s": round(measured, 3),
            "efficiency": round(theoretical / measured, 4)}


def _fresh_masters():
    """Context: the process's master cache empty and memory-only, restored after (so 'cold' is cold)."""
    import contextlib

    from drivers.synthetic.fingerprints import MASTERS

    @contextlib.contextmanager
    def scope():
        disk = MASTERS.disk
        MASTERS.use_disk(None)
        MASTERS.clear_memory()
        try:
            yield MASTERS
        finally:
            MASTERS.use_disk(disk)
            MASTERS.clear_memory()

    return scope()


def bench_slap_default(people: int = 3) -> dict:
    """The default slap profile: seconds per slap (4-4-2) and first tries settled, for people never seen."""
    from drivers.errors import CaptureRejected
    from drivers.registry import open_device
    from fieldkit.domain.fingers import Slap

    times, settled, tries = [], 0, 0
    with _fresh_masters():
        scanner = open_device("slap:sim:normal")
        try:
            for n in range(people):
                for slap in Slap:
                    scanner.simulator.present_hand(f"bench-slap-{n}", "good")
                    t0 = time.perf_counter()
                    tries += 1
                    try:
                        scanner.capture_slap(slap, timeout=10)
                    except CaptureRejected:
                        continue
                    settled += 1
                    times.append(time.perf_counter() - t0)
        finally:
            scanner.close()
    times.sort()
    return {"slap_s_median": round(times[len(times) // 2], 3) if times else 0.0,
            "slap_s_max": round(times[-1], 3) if times else 0.0,
            "slap_first_tries_settled": f"{settled}/{tries}"}


def _one_citizen(slap_scanner, module, person: str) -> float:
    from fieldkit.domain.fingers import Finger, Slap

    t0 = time.perf_counter()
    for slap in Slap:
        slap_scanner.simulator.present_hand(person, "good")
        slap_scanner.capture_slap(slap, timeout=30)
    for finger in Finger:
        module.simulator.present_finger(person, int(finger), "good")
        module.capture_rolled(finger, timeout=30)
    module.simulator.lift()
    return time.perf_counter() - t0


def bench_citizen_prints(people: int = 3, disk_dir: str | None = None) -> dict:
    """Ten rolled fingers + three slaps per citizen, no device delays: cold, disk-cached and memory-cached masters."""
    import tempfile
    from pathlib import Path

    from drivers.registry import open_device
    from drivers.synthetic.print_cache import DiskCache

    figures = {}
    with tempfile.TemporaryDirectory(prefix="fieldkit-print-bench-") as tmp, _fresh_masters() as masters:
        slap_scanner = open_device("slap:sim:instant")
        module = open_device("fingerprint:sim:instant")
        try:
            persons = [f"bench-citizen-{n}" for n in range(people)]
            masters.use_disk(DiskCache(Path(disk_dir or tmp)))
            cold = [_one_citizen(slap_scanner, module, p) for p in persons]
            masters.clear_memory()
            disk = [_one_citizen(slap_scanner, module, p) for p in persons]
            memory = [_one_citizen(slap_scanner, module, p) for p in persons]
        finally:
            slap_scanner.close()
            module.close()
    for name, runs in (("cold", cold), ("disk_cache", disk), ("memory", memory)):
        figures[f"citizen_prints_s_{name}"] = round(sum(runs) / len(runs), 3)
    return figures


def bench_image_transfer(baud_rates: tuple[int, ...] = BAUD_RATES, packet_size: int = 128) -> dict:
    """Print and return image-transfer time vs line-rate time at each baud rate (flat figures for `fieldkit bench`)."""
    runs = [_measure(baud, packet_size) for baud in baud_rates]
    print(f"{'baud':>7} {'wire bytes':>10} {'line rate s':>11} {'measured s':>10} {'of line rate':>12}")
    for r in runs:
        print(f"{r['baud']:>7} {r['wire_bytes']:>10} {r['theoretical_s']:>11.3f} {r['measured_s']:>10.3f} "
              f"{r['efficiency']:>11.1%}")
    goal = 0.95
    met = all(r["efficiency"] >= goal for r in runs)
    print(f"goal ≥ {goal:.0%} of line rate: {'met' if met else 'NOT met'}")
    figures: dict = {"wire_bytes": runs[0]["wire_bytes"] if runs else 0, "packet_size": packet_size}
    for r in runs:
        figures[f"line_rate_s_{r['baud']}"] = r["theoretical_s"]
        figures[f"measured_s_{r['baud']}"] = r["measured_s"]
        figures[f"share_of_line_rate_{r['baud']}"] = r["efficiency"]
    figures["goal_met"] = "yes" if met else "no"
    slap = bench_slap_default()
    citizen = bench_citizen_prints()
    print(f"default slap scanner: median {slap['slap_s_median']:.2f} s a slap (max {slap['slap_s_max']:.2f}), "
          f"first tries settled {slap['slap_first_tries_settled']}")
    print("one citizen's 10 rolled + 3 slaps, no device delays: "
          + ", ".join(f"{k.removeprefix('citizen_prints_s_')} {v:.2f} s" for k, v in citizen.items()))
    figures.update(slap)
    figures.update(citizen)
    return figures


if __name__ == "__main__":
    bench_image_transfer()
