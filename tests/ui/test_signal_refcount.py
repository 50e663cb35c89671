"""The pinned PySide6 keeps references straight when signals are emitted.

PySide6 6.12.0 returned True from emit() without a reference: on Python 3.11 every emit took one away from
True, and a kit emitting camera frames aborted within minutes ("bool_dealloc"). This fails on such a version.
"""

import sys

from PySide6.QtCore import QObject, Signal


class Probe(QObject):
    bare = Signal()
    carrying = Signal(object)


def test_emit_does_not_consume_references():
    probe = Probe()
    before_true, before_none = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(500):
        probe.bare.emit()
        probe.carrying.emit(None)
    assert abs(sys.getrefcount(True) - before_true) < 50
    assert abs(sys.getrefcount(None) - before_none) < 50
