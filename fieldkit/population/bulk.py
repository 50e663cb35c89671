"""Reading a whole commune at once: 100 000 residents are millions of small objects without reference cycles,
and the cyclic garbage collector would run hundreds of times over them for nothing (roughly doubling the time
to load or open an extract). `gc_paused()` pauses it for such a bulk read and restores it after."""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def gc_paused():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
