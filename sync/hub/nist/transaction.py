"""One enrolment as one ANSI/NIST-ITL 1-2011 transaction: Type-1, Type-2, Type-10 (face), Type-14 (prints).

The enrolment record (fieldkit.domain.record) says which blob holds the face, each slap and each rolled
finger, and which fingers are exceptions (missing, injured, bandaged, unable). Exceptions travel twice, the
way EBTS does it: in Type-2 field 2.084 AMP for the whole hand, and in the 14.018 AMP field of the slap record
the finger belongs to. A person with no biometrics (under 6) gets Type-1 and Type-2 only. The Type-2 fields
of the FIELDKIT domain are listed in docs/sync.md ("ANSI/NIST-ITL export").
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from fieldkit.domain.captures import Captures
from fieldkit.domain.fingers import Finger, FingerStatus, Slap
from fieldkit.domain.record import EnrolmentRecord
from sync.hub.nist.encoding import Record, content_field, encode_transaction
from sync.hub.nist.images import ImageInfo, face_info, wsq_info

VERSION = "0500"  # ANSI/NIST-ITL 1-2011
DOMAIN = ("FIELDKIT", "1.0")
UTF8 = ("3", "UTF-8")  # 1.015 DCS: character set index 3 is UTF-8
IMP_PLAIN_LIVE, IMP_ROLLED_LIVE = "0", "1"
SAP_ISO_FULL_FRONTAL = "13"
PRINT_PPI = "500"
# 14.018 / 2.084 AMP codes: XX amputated, UP unable to print (injured, bandaged, no usable ridges).
AMP_CODES = {FingerStatus.MISSING: "XX", FingerStatus.INJURED: "UP", FingerStatus.BANDAGED: "UP",
             FingerStatus.UNABLE: "UP"}
SEX_CODES = {"male": "M", "female": "F"}


@dataclass(frozen=True)
class NistOptions:
    """Agency identifiers agreed with the AFIS operator (ASCII)."""

    originating_agency: str = "FIELDKIT"
    destination_agency: str = "AFIS"
    transaction_type: str = "MAP"  # EBTS "miscellaneous applicant, civil"


@dataclass(frozen=True)
class EnrolmentPacket:
    """What the transaction is built from: an opened packet's ids, record and blobs."""

    packet_id: str
    kit_id: str
    supervisor_id: str
    created_at_ms: int
    record: EnrolmentRecord
    blobs: dict[str, bytes]


def build_transaction(packet: EnrolmentPacket, options: NistOptions = NistOptions(),
                      now: float | None = None) -> bytes:
    """The transaction's bytes; ValueError (or its subclasses) if the packet cannot be expressed."""
    day = time.strftime("%Y%m%d", time.gmtime(packet.created_at_ms / 1000))
    captures = packet.record.captures
    exceptions = finger_exceptions(captures)
    records = [Record(1), demographics_record(packet, exceptions)]
    face = _face_blob(captures, packet.blobs)
    if face is not None:
        records.append(face_record(face, options, day))
    for slap in Slap:
        slot = captures.slaps[slap]
        if slot.image_ref:
            amputated = {f: code for f, code in exceptions.items() if f in slap.fingers}
            records.append(print_record(_blob(packet.blobs, slot.image_ref, f"slap {slap.name.lower()}"),
                                        int(slap), IMP_PLAIN_LIVE, options, day, amputated))
    for finger in Finger:
        slot = captures.rolled[finger]
        if slot.image_ref and slot.status in (None, FingerStatus.CAPTURED):
            records.append(print_record(_blob(packet.blobs, slot.image_ref, f"rolled {finger.name.lower()}"),
                                        int(finger), IMP_ROLLED_LIVE, options, day, {}))
    for idc, record in enumerate(records[1:]):
        record.set(2, f"{idc:02d}")
    records[0] = header_record(packet, options, records, now)
    return encode_transaction(records)


def finger_exceptions(captures: Captures) -> dict[Finger, str]:
    """Finger → AMP code for every finger recorded as an exception (rolled or in its slap)."""
    found: dict[Finger, str] = {}
    slots = list(captures.rolled.items())
    for slap in Slap:
        slots += list(captures.slaps[slap].fingers.items())
    for finger, slot in slots:
        if slot.status is not None and slot.status.needs_reason:
            found.setdefault(finger, AMP_CODES[slot.status])
    return dict(sorted(found.items()))


def header_record(packet: EnrolmentPacket, options: NistOptions, records: list[Record],
                  now: float | None) -> Record:
    at = time.gmtime(time.time() if now is None else now)
    return (Record(1)
            .set(2, VERSION)
            .set(3, content_field(records))
            .set(4, options.transaction_type)
            .set(5, time.strftime("%Y%m%d", at))
            .set(7, options.destination_agency)
            .set(8, options.originating_agency)
            .set(9, packet.packet_id)
            .set(11, "00.00")  # NSR: no Type-4 records in this transaction
            .set(12, "00.00")  # NTR: likewise
            .set(13, (DOMAIN,))
            .set(14, time.strftime("%Y%m%d%H%M%SZ", at))
            .set(15, (UTF8,)))


def demographics_record(packet: EnrolmentPacket, exceptions: dict[Finger, str]) -> Record:
    d = packet.record.demographics
    record = Record(2)
    fields: dict[int, object] = {
        18: d.birth_name,
        19: tuple((n,) for n in d.other_names if n) or None,
        20: d.birth_registration_province,
        21: d.nationality,
        22: _dob(d.date_of_birth.isoformat() if d.date_of_birth else ""),
        24: SEX_CODES.get(d.sex.value, "U") if d.sex else "U",
        41: _items(d.residence.province, d.residence.commune, d.residence.street),
        84: tuple((str(int(f)), code) for f, code in exceptions.items()) or None,
        901: _items(str(packet.record.record_id), str(packet.record.version)),
        902: d.personal_id,
        903: d.cmnd,
        904: d.ethnicity,
        905: d.religion,
        906: d.hometown,
        907: _items(d.guardian.name, d.guardian.personal_id or "", d.guardian.relationship) if d.guardian else None,
        908: _items(packet.record.session.commune, packet.record.session.village, packet.record.session.team,
                     packet.record.session.officer),
        909: _items(packet.kit_id, packet.packet_id, packet.supervisor_id),
    }
    for number, value in fields.items():
        if value:  # a field is never empty in this encoding: leave unknown ones out
            record.set(number, value)
    return record


def face_record(data: bytes, options: NistOptions, day: str) -> Record:
    info = face_info(data)
    record = (Record(10).set(3, "FACE").set(4, options.originating_agency).set(5, day)
              .set(6, str(info.width)).set(7, str(info.height))
              .set(8, "0").set(9, "1").set(10, "1")  # SLC 0: no scale, pixel aspect ratio 1:1
              .set(11, info.compression).set(12, info.colour_space)
              .set(13, SAP_ISO_FULL_FRONTAL).set(20, "F"))
    record.data = data
    return record


def print_record(data: bytes, position: int, impression: str, options: NistOptions, day: str,
                 amputated: dict[Finger, str]) -> Record:
    info: ImageInfo = wsq_info(data)
    record = (Record(14).set(3, impression).set(4, options.originating_agency).set(5, day)
              .set(6, str(info.width)).set(7, str(info.height))
              .set(8, "1").set(9, PRINT_PPI).set(10, PRINT_PPI)  # SLC 1: pixels per inch
              .set(11, info.compression).set(12, "8").set(13, str(position)))
    if amputated:
        record.set(18, tuple((str(int(f)), code) for f, code in amputated.items()))
    record.data = data
    return record


def _face_blob(captures: Captures, blobs: dict[str, bytes]) -> bytes | None:
    if captures.face.image_ref:
        return _blob(blobs, captures.face.image_ref, "face")
    return None


def _blob(blobs: dict[str, bytes], name: str, what: str) -> bytes:
    if name not in blobs:
        raise ValueError(f"the record names blob {name!r} for the {what} but the packet does not carry it")
    return blobs[name]


def _dob(iso: str) -> str:
    """YYYYMMDD; an unknown month or day is 00 (EBTS DOB convention for partial dates)."""
    if not iso:
        return ""
    parts = iso.split("-") + ["00", "00"]
    return f"{parts[0]:0>4}{parts[1]:0>2}{parts[2]:0>2}"


def _items(*values: str) -> tuple[tuple[str, ...], ...] | None:
    """One subfield of information items; None when all are empty. Empty items stay as empty positions."""
    return (tuple(v or "" for v in values),) if any(values) else None
