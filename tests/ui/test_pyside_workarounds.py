"""The PySide6 emit() refcount bug is neutralised: emitting does not run True's references down to zero."""

from __future__ import annotations

import sys

from fieldkit.ui import pyside_workarounds


def test_true_has_a_reserve_when_emit_leaks():
    if sys.version_info >= (3, 12):
        return   # True is immortal: nothing can run out
    if pyside_workarounds.emit_leaks_true():
        assert sys.getrefcount(True) > pyside_workarounds.RESERVE // 2


def test_many_emits_keep_true_alive():
    from PySide6.QtCore import QObject, Signal

    class Probe(QObject):
        ping = Signal(object)

    probe = Probe()
    for _ in range(20_000):
        probe.ping.emit(None)
    assert sys.getrefcount(True) > 1000
