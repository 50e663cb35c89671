"""Noticing that the link is back without draining the battery: a cheap probe and capped, jittered back-off.

"Full jitter" (a uniform delay between zero and an exponentially growing ceiling, capped) keeps a fleet of
kits that lost the link together from hammering the hub together when it returns, and keeps a kit with no
link mostly asleep: after a few failures it probes about every `cap` seconds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    base_s: float = 5.0
    cap_s: float = 900.0
    floor_s: float = 1.0  # never retry faster than this, whatever the jitter draws
    rng: random.Random = field(default_factory=random.Random)
    failures: int = 0

    def next_delay(self) -> float:
        """The wait before the next try after one more failure."""
        ceiling = min(self.cap_s, self.base_s * (2 ** min(self.failures, 30)))
        self.failures += 1
        return max(self.floor_s, self.rng.uniform(0, ceiling))

    def reset(self) -> None:
        self.failures = 0
