"""Sealed enrolment packets: the versioned format (container, envelope), HPKE suites, sealing and opening.

Qt-free and independent of any kit state, so the hub and the sync client can read packets with only keys.
The byte layout is specified in docs/packet-format.md; tests keep the two equal.
"""
