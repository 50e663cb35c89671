"""Noticing that the link is back without draining the battery: capped, jittered back-off that progress resets.

"Full jitter" (a uniform delay between zero and an exponentially growing ceiling, capped) keeps a fleet of
kits that lost the link together from hammering the hub together when it returns, and keeps a kit with no
link mostly asleep: after a few failures it probes about every `cap` seconds.

Progress is success: on a link that comes and goes every few seconds (the edge of a 2G/3G cell) a pass that
moved confirmed bytes before the cut says the link works, just not for long. Waiting out a growing back-off
then wastes the next up-time, so `after_progress()` resets the count and retries within a second or so
(still jittered); only a link that yields nothing climbs the exponential ladder.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    base_s: float = 5.0
    cap_s: float = 900.0
    floor_s: float = 1.0  # never retry faster than this after a failure that moved nothing
    # After a cut that followed progress: retry after a uniform draw in this range (below the 1-2 s that an
    # up-time of a few seconds can afford to lose, jittered so a fleet does not reconnect in lockstep).
    quick_min_s: float = 0.1
    quick_max_s: float = 0.5
    rng: random.Random = field(default_factory=random.Random)
    failures: int = 0

    def next_delay(self) -> float:
        """The wait before the next try after one more failure that moved nothing."""
        ceiling = min(self.cap_s, self.base_s * (2 ** min(self.failures, 30)))
        self.failures += 1
        if ceiling < self.floor_s:  # the first rungs after progress: short waits, still jittered
            return self.rng.uniform(ceiling / 2, ceiling)
        return max(self.floor_s, self.rng.uniform(0, ceiling))

    def after_progress(self) -> float:
        """The wait after a cut that followed confirmed progress: short. The ladder then restarts a few
        rungs below the base (about `quick_max_s`, doubling), because a link that moved bytes a moment ago
        is likely back within seconds; one that stays silent climbs to the usual ceilings within a minute."""
        rungs = 0
        while self.base_s * 2.0 ** -(rungs + 1) >= self.quick_max_s:
            rungs += 1
        self.failures = -rungs
        return self.rng.uniform(self.quick_min_s, self.quick_max_s)

    def reset(self) -> None:
        self.failures = 0
