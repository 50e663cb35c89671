"""Fingerprint scanners: the R30x-family UART module (single finger) and an enrolment-grade slap scanner.

protocol.py (R30x packets) · uart_scanner.py (driver) · simulator.py (device side) · scanner.py (the
interface both scanners implement) · slap_*.py (slap scanner protocol, driver, simulator) · bench.py.
"""
