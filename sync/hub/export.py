"""`fieldkit-hub export`: open received packets and hand their contents to the downstream system.

One directory per packet, `<out>/<kit id>/<packet id>/` (packet ids are unique within a kit only):
`record.json` (demographics, capture metadata, audit excerpt, ids, the approving supervisor) and the blobs
under their packet names (`face.jpg`, `print/01.wsq`, ...). Each directory appears whole (built under a
temporary name, then renamed) and a packet already exported is left alone, so an interrupted export can
simply be run again. The output is plaintext
personal data: directories 0700, files 0600, and the command says so loudly.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sync.hub.service import HubService


@dataclass
class ExportReport:
    written: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    token_signed: list[tuple[str, str]] = field(default_factory=list)  # (packet id, signer's certificate subject)


def safe_blob_path(root: Path, name: str) -> Path:
    """Where blob `name` goes under `root`; a name that would escape `root` is refused."""
    parts = PurePosixPath(name).parts
    if not parts or name.startswith("/") or any(p in ("..", ".", "") or "\\" in p for p in parts):
        raise ValueError(f"unsafe blob name {name!r}")
    return root.joinpath(*parts)


def export_received(service: HubService, out: Path, kit_id: str | None = None) -> ExportReport:
    from fieldkit.packets.envelope import open_envelope, parse_envelope
    from fieldkit.packets.errors import PacketError

    report = ExportReport()
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(out, 0o700)
    for row in service.storage.iter_packets(kit_id):  # paged by index: a hub may hold millions
        kit_out = out / row.kit_id
        final = kit_out / row.packet_id
        if final.exists():
            report.already.append(row.packet_id)
            continue
        kit = service.storage.get_kit(row.kit_id)
        data = service.storage.packet_envelope(row.kit_id, row.packet_id)
        try:
            env = parse_envelope(data)
            policy = service.verifier.policy() if hasattr(service.verifier, "policy") else None
            contents = open_envelope(env, service.keys.hpke_private[env.suite], kit.device_public_key,
                                     trust=policy.store if policy else None)
            kit_out.mkdir(exist_ok=True, mode=0o700)
            _write_packet_dir(kit_out, final, contents, row)
            if contents.supervisor_certificate_subject:
                report.token_signed.append((row.packet_id, contents.supervisor_certificate_subject))
        except (PacketError, KeyError, ValueError, OSError) as exc:
            report.failed.append((row.packet_id, str(exc)))
            continue
        report.written.append(row.packet_id)
    return report


def _write_packet_dir(out: Path, final: Path, contents, row) -> None:
    tmp = out / f".{row.packet_id}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(mode=0o700)
    try:
        doc = {"packet_id": contents.packet_id, "kit_id": contents.kit_id, "created_at_ms": contents.created_at,
               "received_at": row.received_at, "sha256": row.sha256, "record_id": contents.record_id,
               "record_version": contents.record_version, "supervisor_id": contents.supervisor_id,
               "supervisor_certificate_subject": contents.supervisor_certificate_subject,
               "record": contents.record, "capture": contents.capture, "audit": contents.audit,
               "blobs": sorted(contents.blobs)}
        _write_private(tmp / "record.json", json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8"))
        for name, blob in contents.blobs.items():
            path = safe_blob_path(tmp, name)
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            _write_private(path, blob)
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
