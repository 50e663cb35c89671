"""Card-QR readers in serial (virtual COM) mode: UTF-8 lines, CR/LF terminated.

reader.py (driver) · lines.py (line splitter) · payload.py (ID-card QR fields) · people.py (synthetic
people) · simulator.py (device side on a pty).
"""
