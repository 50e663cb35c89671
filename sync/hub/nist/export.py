"""`fieldkit-hub export --format nist`: one ANSI/NIST-ITL transaction file per received enrolment.

`<out>/<kit id>/<packet id>.an2` (packet ids are unique within one kit only, as in the default export), 0600
in 0700 directories, written under a temporary name then renamed, so the
AFIS never picks up half a file and an interrupted export can simply be run again (existing files are
left alone). Like the default export, the output is PLAINTEXT personal data.
"""

from __future__ import annotations

import os
from pathlib import Path

from sync.hub.export import ExportReport
from sync.hub.nist.transaction import EnrolmentPacket, NistOptions, build_transaction
from sync.hub.service import HubService

SUFFIX = ".an2"


def export_nist(service: HubService, out: Path, kit_id: str | None = None,
                options: NistOptions = NistOptions()) -> ExportReport:
    from fieldkit.domain.jsonread import RecordFormatError
    from fieldkit.domain.record import EnrolmentRecord
    from fieldkit.packets.envelope import open_envelope, parse_envelope
    from fieldkit.packets.errors import PacketError

    report = ExportReport()
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(out, 0o700)
    for row in service.storage.iter_packets(kit_id):
        kit_out = out / row.kit_id
        final = kit_out / f"{row.packet_id}{SUFFIX}"
        if final.exists():
            report.already.append(row.packet_id)
            continue
        try:
            kit = service.storage.get_kit(row.kit_id)
            env = parse_envelope(service.storage.packet_envelope(row.kit_id, row.packet_id))
            contents = open_envelope(env, service.keys.hpke_private[env.suite], kit.device_public_key)
            packet = EnrolmentPacket(contents.packet_id, contents.kit_id, contents.supervisor_id,
                                     contents.created_at, EnrolmentRecord.from_dict(contents.record), contents.blobs)
            transaction = build_transaction(packet, options)
            kit_out.mkdir(exist_ok=True, mode=0o700)
            _write_atomic(final, transaction)
        except (PacketError, RecordFormatError, KeyError, ValueError, OSError) as exc:
            report.failed.append((row.packet_id, f"{type(exc).__name__}: {exc}"))
            continue
        report.written.append(row.packet_id)
    return report


def _write_atomic(final: Path, data: bytes) -> None:
    tmp = final.with_name(f".{final.name}.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.rename(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
