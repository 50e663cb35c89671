"""Benchmark: R30x image upload time against the theoretical line-rate time (goal: ≥ 95 % of line rate).

The simulator emulates the UART's speed on a real pty (chunks on an absolute schedule); the real driver
uploads one 256×288 4-bit image (UpImage: acknowledge + 288 data packets of 128 bytes = 40 044 bytes on the
wire). Efficiency = theoretical / measured: 100 % means the driver adds no overhead to the line itself.
Run: `python -m fieldkit.benchmarks.fingerprint_transfer` (≈ 7 s at 57 600 baud + 3.5 s at 115 200).
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
    return figures


if __name__ == "__main__":
    bench_image_transfer()
