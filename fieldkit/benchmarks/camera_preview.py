"""Benchmark: preview frames per second delivered through the real camera driver from the simulator.

Three figures per resolution (640x480, 1280x720):
- `read_fps`: back-to-back read_frame() calls (driver + simulator, a still scene: composite cached, noise added);
- `moving_scene_fps`: the scene changes before every frame (a technician dragging the yaw slider), so every
  frame is composed from scratch: warp, lighting, blend, blur — the simulator's worst case;
- `stream_fps`: a 30 fps preview stream to a queue consumer, as the hardware lab runs it (goal: 30).
Goal: >= 25 fps at 640x480 on one core in every column.
"""

from __future__ import annotations

import queue
import time

from drivers.registry import open_device

SIZES = ((640, 480), (1280, 720))


def _rate(fn, seconds: float) -> float:
    """Calls of `fn` per second over about `seconds`."""
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        fn(count)
        count += 1
    return count / elapsed


def _stream_rate(cam, fps: float, seconds: float) -> float:
    frames: queue.Queue = queue.Queue()
    received = 0
    cam.start_stream(frames, fps=fps)
    try:
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            try:
                frames.get(timeout=0.2)
                received += 1
            except queue.Empty:
                pass
        return received / (time.perf_counter() - started)
    finally:
        cam.stop_stream()


def bench_preview_fps(seconds: float = 1.5) -> dict:
    """Measure and print; returns {figure: value} for `fieldkit bench`."""
    figures: dict[str, float | str] = {}
    for width, height in SIZES:
        cam = open_device(f"camera:sim:studio?width={width}&height={height}&fps=30")
        try:
            cam.read_frame()  # warm-up: loads the photo and builds the composite and noise field
            label = f"{width}x{height}"
            figures[f"read_fps_{label}"] = round(_rate(lambda i: cam.read_frame(), seconds), 1)
            yaws = [-20 + (i % 41) for i in range(41)]
            figures[f"moving_scene_fps_{label}"] = round(
                _rate(lambda i: (cam.simulator.set_scene(yaw=yaws[i % 41] + 0.001 * i), cam.read_frame()),
                      seconds), 1)
            cam.simulator.set_scene(yaw=0)
            figures[f"stream_fps_{label}"] = round(_stream_rate(cam, 30.0, seconds), 1)
            figures[f"dropped_{label}"] = cam.stats().dropped
        finally:
            cam.close()
    figures["goal"] = ">= 25 fps at 640x480 in every column; stream 30 fps"
    for key, value in figures.items():
        print(f"{key}: {value}")
    return figures


if __name__ == "__main__":
    bench_preview_fps()
