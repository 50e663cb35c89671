"""Benchmark: face assessment time per frame, full (single image) and live (tracked), and frames per second.

Run: `.venv/bin/python -m fieldkit.benchmarks.face_assessment` (to be wired into `fieldkit bench`). Goal: a preview at
>= 15 fps on 2 cores, i.e. live assessment well under 66 ms per frame.
"""

from __future__ import annotations

import os
import statistics
import time

from fieldkit.quality.face import assess_face
from fieldkit.quality.live import LiveAssessor
from fieldkit.quality.samples import camera_frames

GOAL_FPS = 15


def _time_ms(func, *args) -> float:
    start = time.perf_counter()
    func(*args)
    return (time.perf_counter() - start) * 1000


def bench_face_assessment(frames: int = 60, sizes: tuple[tuple[int, int], ...] = ((640, 480), (1280, 720))) -> dict:
    """Per-frame timings on synthetic camera frames of a real face; prints and returns the figures."""
    results = {"load_average_1min": round(os.getloadavg()[0], 2)}  # 2 shared cores: context for the figures
    for size in sizes:
        clip = camera_frames(frames, size)
        full = [_time_ms(assess_face, f, "camera") for f in clip[:10]]
        live = LiveAssessor()
        live.process(clip[0])  # first frame loads nothing new but detects; timed frames follow
        per_frame = [live.process(f).elapsed_ms for f in clip]
        mean = statistics.fmean(per_frame)
        key = f"{size[0]}x{size[1]}"
        # Flat keys: `fieldkit bench` prints one figure per key.
        figures = {
            f"{key}_full_ms_median": round(statistics.median(full), 1),
            f"{key}_live_ms_mean": round(mean, 1),
            f"{key}_live_ms_p95": round(sorted(per_frame)[int(0.95 * (len(per_frame) - 1))], 1),
            f"{key}_live_ms_max": round(max(per_frame), 1),
            f"{key}_live_fps": round(1000 / mean, 1),
        }
        results.update(figures)
        print(f"face assessment {key}: full {figures[key + '_full_ms_median']} ms/frame; live mean "
              f"{figures[key + '_live_ms_mean']} ms (p95 {figures[key + '_live_ms_p95']}, max "
              f"{figures[key + '_live_ms_max']}) = {figures[key + '_live_fps']} fps (goal >= {GOAL_FPS})")
    results["goal_fps"] = GOAL_FPS
    results["meets_goal"] = all(v >= GOAL_FPS for k, v in results.items() if k.endswith("_live_fps"))
    return results


if __name__ == "__main__":
    bench_face_assessment()
