"""Work around PySide6 bugs that would crash a kit left running for hours.

PySide6 6.12 `SignalInstance.emit()` returns `True` without taking a reference to it. On Python 3.11 `True`
is an ordinary refcounted object (immortal only from 3.12), so every signal emitted from Python (a camera
frame, a device event, a finished background job) takes one reference away; after enough emits the
interpreter aborts ("bool_dealloc: deallocating True or False"). A whole-village session emits millions.

The fix here gives `True` a reserve of 2**40 references, once, at import: far more than any session can
lose, and harmless once PySide is fixed (`True` is never freed anyway). Checked by
tests/ui/test_pyside_workarounds.py, which fails if the reserve is missing while the bug is present.
"""

from __future__ import annotations

import ctypes
import sys

RESERVE = 1 << 40
_applied = False


def emit_leaks_true() -> bool:
    """True if this PySide6 loses a reference to True per emit (measured, not guessed from a version)."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(10):
        probe.ping.emit()
    return sys.getrefcount(True) < before - 5


def reserve_true_references() -> None:
    """Give True the reserve of references (once per process; only where refcounts are mortal)."""
    global _applied
    if _applied or sys.version_info >= (3, 12):
        return
    ctypes.c_ssize_t.from_address(id(True)).value += RESERVE
    _applied = True


reserve_true_references()
