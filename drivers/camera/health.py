"""Small meters a camera driver feeds every frame: frozen picture, dropped frames, measured frame rate."""

from __future__ import annotations

from collections import deque

import numpy as np


class FrozenDetector:
    """Counts consecutive frames that are (near-)identical to the one before.

    Compares the green channel sampled every `step` pixels: a live sensor always differs by its noise
    (mean absolute difference of 1-3 grey levels even on a still scene), a hung driver repeats the buffer
    exactly. `max_mad` is the largest mean difference still called "the same picture".
    """

    def __init__(self, max_mad: float = 0.25, step: int = 4):
        self.max_mad = max_mad
        self.step = step
        self.run = 0  # frames in a row identical to their predecessor
        self._previous: np.ndarray | None = None

    def update(self, image: np.ndarray) -> int:
        """Feed a frame; returns the current run of identical frames (0 when the picture changed)."""
        sample = image[:: self.step, :: self.step, 1 if image.ndim == 3 else ...]
        sample = np.ascontiguousarray(sample, dtype=np.int16)
        prev, self._previous = self._previous, sample
        if prev is None or prev.shape != sample.shape:
            self.run = 0
        elif float(np.abs(sample - prev).mean()) <= self.max_mad:
            self.run += 1
        else:
            self.run = 0
        return self.run

    def reset(self) -> None:
        self.run = 0
        self._previous = None


class DropCounter:
    """Frames the camera produced that the driver never got.

    Prefers the source's own frame counter (files, simulator: a jump of k means k-1 lost frames). Live
    cameras rarely report one, so while streaming at a known period a late frame counts as the frames
    that period should have brought (interval > 1.8 periods)."""

    LATE = 1.8

    def __init__(self):
        self.dropped = 0
        self._index: int | None = None
        self._time: float | None = None

    def update(self, source_index: int | None, timestamp: float, period: float | None = None) -> int:
        """Feed a frame; returns how many frames were lost just before it."""
        lost = 0
        if source_index is not None and self._index is not None and source_index > self._index:
            lost = source_index - self._index - 1
        elif source_index is None and period and self._time is not None:
            interval = timestamp - self._time
            if interval > self.LATE * period:
                lost = int(round(interval / period)) - 1
        self._index, self._time = source_index, timestamp
        self.dropped += lost
        return lost

    def restart(self) -> None:
        """The source was reopened: its counter starts again, nothing was lost in between."""
        self._index = self._time = None


class RateMeter:
    """Frames per second over the last `window` frames."""

    def __init__(self, window: int = 30):
        self._times: deque[float] = deque(maxlen=window)

    def tick(self, timestamp: float) -> None:
        self._times.append(timestamp)

    @property
    def fps(self) -> float:
        if len(self._times) < 2:
            return 0.0
        span = self._times[-1] - self._times[0]
        return (len(self._times) - 1) / span if span > 0 else 0.0

    @property
    def last_interval(self) -> float | None:
        return self._times[-1] - self._times[-2] if len(self._times) >= 2 else None
