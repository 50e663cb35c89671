"""Card-QR readers in serial (virtual COM) mode: UTF-8 lines, CR/LF terminated.

reader.py (driver; cards parsed by fieldkit.domain.card_qr) · lines.py (line splitter) · people.py (synthetic
people) · simulator.py (device side on a pty).
"""
