"""The traditional (tagged-field) encoding of ANSI/NIST-ITL 1-2011 records, §7 / Annex A of the standard.

A record is fields `T.FFF:value` separated by GS (0x1D) and ended by FS (0x1C); a field's repeated subfields
are separated by RS (0x1E) and a subfield's information items by US (0x1F). Field 1 of every record (LEN)
is the record's total byte count including itself and the closing FS; field 2 (IDC, Types 2-99) links the
record to its entry in the Type-1 CNT field. Binary image data is field 999 and must be the record's last
field: its bytes are written raw, so they are not scanned for separators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

FS, GS, RS, US = b"\x1c", b"\x1d", b"\x1e", b"\x1f"
SEPARATORS = (FS, GS, RS, US)
DATA_FIELD = 999

# A value is one text item, or subfields each made of information items.
Value = Union[str, tuple[tuple[str, ...], ...]]


class NistEncodingError(ValueError):
    """A value that the encoding cannot carry (a separator byte, non-ASCII text in Type-1, a bad field)."""


@dataclass
class Record:
    """One logical record: its type, text fields by number and, for image records, the binary data (999)."""

    type: int
    fields: dict[int, Value] = field(default_factory=dict)
    data: bytes | None = None

    def set(self, number: int, value: Value) -> "Record":
        if number in (1, DATA_FIELD):
            raise NistEncodingError(f"field {self.type}.{number:03d} is written by the encoder")
        self.fields[number] = value
        return self

    @property
    def idc(self) -> int | None:
        value = self.fields.get(2)
        return int(value) if isinstance(value, str) else None


def _text(value: str, record_type: int, number: int) -> bytes:
    raw = value.encode("utf-8")
    if any(sep in raw for sep in SEPARATORS):
        raise NistEncodingError(f"field {record_type}.{number:03d} contains a separator character")
    if record_type == 1 and not value.isascii():
        raise NistEncodingError(f"field 1.{number:03d} must be 7-bit ASCII (Type-1 is always ASCII)")
    return raw


def encode_value(value: Value, record_type: int, number: int) -> bytes:
    if isinstance(value, str):
        return _text(value, record_type, number)
    if not value or not all(value):
        raise NistEncodingError(f"field {record_type}.{number:03d} has an empty subfield list")
    return RS.join(US.join(_text(item, record_type, number) for item in subfield) for subfield in value)


def encode_record(record: Record) -> bytes:
    """The record's bytes with a correct LEN field; fields in ascending order, binary data last."""
    if record.type != 1 and 2 not in record.fields:
        raise NistEncodingError(f"a Type-{record.type} record needs its IDC (field {record.type}.002)")
    parts = [f"{record.type}.{n:03d}:".encode("ascii") + encode_value(record.fields[n], record.type, n)
             for n in sorted(record.fields)]
    body = GS + GS.join(parts)
    if record.data is not None:
        body += GS + f"{record.type}.{DATA_FIELD:03d}:".encode("ascii") + record.data
    body += FS
    tag = f"{record.type}.001:".encode("ascii")
    # LEN counts its own digits: grow the digit count until the total agrees with it.
    digits = 1
    while len(str(len(tag) + digits + len(body))) != digits:
        digits += 1
    total = len(tag) + digits + len(body)
    return tag + str(total).encode("ascii") + body


def encode_transaction(records: list[Record]) -> bytes:
    """A whole file: the Type-1 record first (its CNT must already list the others), then the others in order."""
    if not records or records[0].type != 1:
        raise NistEncodingError("a transaction starts with its Type-1 record")
    return b"".join(encode_record(r) for r in records)


def content_field(records: list[Record]) -> tuple[tuple[str, ...], ...]:
    """Field 1.003 CNT: `1 US <number of other records>`, then `<type> US <IDC>` for each other record."""
    others = records[1:] if records and records[0].type == 1 else records
    return (("1", str(len(others))),) + tuple((str(r.type), f"{r.idc:02d}") for r in others)
