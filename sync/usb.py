"""The USB route: sealed packets carried on a removable drive when no link appears for a week.

Layout on the drive (docs/sync.md):

    <drive>/fieldkit-usb/<kit id>/
        manifest.json          {"version", "kit_id", "exported_at", "packets": [{"packet_id", "sha256", "size"}]}
        manifest.sig           base64 Ed25519 signature by the kit's device key over manifest.json's bytes
        packets/<packet id>.fkp    sealed packet bytes, exactly as queued
        receipts/<packet id>.json  hub-signed receipts, written back by `fieldkit-hub import`
        roster.json            a signed supervisor roster update (sync/roster.py), when the hub needs one

Every file is written atomically (a fresh O_EXCL temporary, fsync, rename, fsync of the directory), so a
drive pulled out mid-write holds either the old file or the new one. A drive is untrusted input: files are
opened without following symbolic links, must be regular files within a size limit (checked with fstat
before reading), and folders that are symbolic links are refused, each with a message naming the file.
Packets are sealed to the hub: the drive carries only ciphertext. The kit side lives here; the hub side is
sync/hub/usb_import.py.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from sync.client.kit import KitIdentity, Outbox
from sync.client.uploader import ReceiptInvalid, verify_receipt
from sync.protocol import (MAX_JSON_BYTES, PROTOCOL_VERSION, STATUS_RECEIVED, ProtocolError, b64d,
                           b64e, canonical_json, load_public_key)

USB_ROOT = "fieldkit-usb"
MANIFEST = "manifest.json"
MANIFEST_SIG = "manifest.sig"
ROSTER = "roster.json"
PACKET_SUFFIX = ".fkp"
# Size limits, checked with fstat before a byte is read: a drive is untrusted input.
MAX_MANIFEST_BYTES = 16 * 1024 * 1024  # ~120 000 packet entries
MAX_SIGNATURE_BYTES = 4096
MAX_RECEIPT_BYTES = MAX_JSON_BYTES
MAX_ROSTER_BYTES = MAX_JSON_BYTES


class UnsafeDriveFile(ProtocolError):
    """A file or folder on the drive that is not what it claims (symbolic link, device, FIFO, too large):
    refused without following or reading it. The message names it."""


def kit_dir(drive: Path, kit_id: str) -> Path:
    return Path(drive) / USB_ROOT / kit_id


def _real_dir(path: Path) -> Path:
    """`path` if it is a real directory (not a symbolic link to one); UnsafeDriveFile otherwise."""
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        raise UnsafeDriveFile("unsafe_file", f"{path}: is a symbolic link; refused (a drive's folders must be real)")
    if not stat.S_ISDIR(st.st_mode):
        raise UnsafeDriveFile("unsafe_file", f"{path}: is not a directory; refused")
    return path


def _existing_dir(path: Path) -> Path | None:
    try:
        return _real_dir(path)
    except FileNotFoundError:
        return None


def ensure_dir(base: Path, *parts: str) -> Path:
    """base/parts..., each level created if missing and checked to be a real directory (never a link that
    would send writes somewhere else, such as the hub's or the kit's key folder)."""
    path = Path(base)
    if not path.is_dir():  # an unmounted drive's mount point must not turn into a folder on the laptop's disk
        raise UnsafeDriveFile("no_drive", f"{path}: no such folder (is the drive plugged in and mounted?)")
    for part in parts:
        path = path / part
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
        _real_dir(path)
    return path


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of `path` if it is a regular file of at most `limit` bytes.

    Never follows a symbolic link (O_NOFOLLOW), never blocks on a FIFO (O_NONBLOCK) and never reads a
    device: the type and size come from fstat of the opened file, before any read. FileNotFoundError if
    it is missing, UnsafeDriveFile (naming the file) for anything else that is wrong."""
    mode = os.lstat(path).st_mode  # FileNotFoundError if missing
    if stat.S_ISLNK(mode):
        raise UnsafeDriveFile("unsafe_file", f"{path.name}: is a symbolic link; refused")
    if not stat.S_ISREG(mode):  # a device node is not even opened (opening some has side effects)
        raise UnsafeDriveFile("unsafe_file", f"{path.name}: not a regular file (device, FIFO or folder); refused")
    try:
        # Checked again on the open file: the drive may change between lstat and open.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafeDriveFile("unsafe_file", f"{path.name}: is a symbolic link; refused") from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeDriveFile("unsafe_file", f"{path.name}: not a regular file (device, FIFO or folder); refused")
        if st.st_size > limit:
            raise UnsafeDriveFile("too_large", f"{path.name}: {st.st_size} bytes, over the {limit}-byte limit; refused")
        chunks, total = [], 0
        while True:
            piece = os.read(fd, min(1 << 20, limit + 1 - total))
            if not piece:
                break
            total += len(piece)
            if total > limit:  # grew while we read it
                raise UnsafeDriveFile("too_large", f"{path.name}: over the {limit}-byte limit; refused")
            chunks.append(piece)
        return b"".join(chunks)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a crash or a pulled drive leaves the old file or the new one.

    The temporary is a fresh O_EXCL file (mkstemp) in the target's folder, so a planted `.<name>.tmp`
    symbolic link is never written through; the rename replaces the directory entry `path` itself (a link
    planted there is replaced, its target untouched). The folder must be a real directory."""
    directory = _real_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _drop_leftover(directory / f".{path.name}.tmp")  # an older version's temporary left by a pulled drive
    _fsync_dir(directory)


def _drop_leftover(path: Path) -> None:
    try:
        os.unlink(path)  # unlink removes a link itself, never its target
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        pass


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # some file systems (and Windows) cannot open a directory: the rename is what we have
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ------------------------------------------------------------------------------------------------ kit side

@dataclass
class ExportResult:
    directory: Path
    written: list[str] = field(default_factory=list)
    already_there: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def export_packets(drive: Path, identity: KitIdentity, outbox: Outbox, limit: int = 100_000,
                   roster=None) -> ExportResult:
    """Put every undelivered packet on the drive with a signed manifest; clear what the hub already has.

    `roster` (a sync.roster.RosterUpdate, from sync.client.roster.roster_update_for_drive) goes on the drive
    as roster.json for the hub to apply before the packets; without one, an old roster.json is removed.
    A folder on the drive that is a symbolic link is refused (UnsafeDriveFile) before anything is written."""
    Path(drive).mkdir(exist_ok=True)  # the folder the operator named, on a drive that is there; inside it, checked
    target = ensure_dir(Path(drive), USB_ROOT, identity.kit_id)
    result = ExportResult(target)
    waiting = {p.packet_id: p for p in outbox.summaries(limit=limit)}
    packets_dir = ensure_dir(target, "packets")
    receipts_dir = _existing_dir(target / "receipts")  # written by the hub; a link there is refused
    for summary in list(waiting.values()):  # one packet's bytes in memory at a time
        path = packets_dir / f"{summary.packet_id}{PACKET_SUFFIX}"
        if _same_file(path, summary.size, summary.sha256):
            result.already_there.append(summary.packet_id)
            continue
        packet = outbox.packet(summary.packet_id)
        if packet is None:  # delivered by the network a moment ago
            del waiting[summary.packet_id]
            continue
        write_atomic(path, packet.data)
        result.written.append(summary.packet_id)
    # Packets delivered meanwhile (by the network or an earlier trip) leave the drive with their receipts.
    for stale in sorted(packets_dir.glob(f"*{PACKET_SUFFIX}")):
        packet_id = stale.name[:-len(PACKET_SUFFIX)]
        if packet_id not in waiting:
            _drop_leftover(stale)
            if receipts_dir is not None:
                _drop_leftover(receipts_dir / f"{packet_id}.json")
            result.removed.append(packet_id)
    if roster is not None:
        write_atomic(target / ROSTER, canonical_json(roster.to_json_obj()))
    else:
        _drop_leftover(target / ROSTER)
    manifest = {"version": PROTOCOL_VERSION, "kit_id": identity.kit_id,
                "exported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "packets": [{"packet_id": p.packet_id, "sha256": p.sha256, "size": p.size}
                            for p in sorted(waiting.values(), key=lambda p: (-p.priority, p.created_at))]}
    raw = canonical_json(manifest)
    write_atomic(target / MANIFEST, raw)
    write_atomic(target / MANIFEST_SIG, b64e(identity.sign(raw)).encode("ascii"))
    return result


@dataclass
class ReceiptImport:
    acknowledged: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    invalid: list[tuple[str, str]] = field(default_factory=list)
    already_settled: list[str] = field(default_factory=list)


def import_receipts(drive: Path, kit_id: str, outbox: Outbox, hub_signing_key: bytes) -> ReceiptImport:
    """Close the loop on the kit: acknowledge (or mark rejected) each packet whose hub receipt verifies."""
    result = ReceiptImport()
    receipts_dir = kit_dir(drive, kit_id) / "receipts"
    try:
        _real_dir(kit_dir(drive, kit_id))
        _real_dir(receipts_dir)
    except FileNotFoundError:
        return result
    except UnsafeDriveFile as exc:
        result.invalid.append(("receipts", exc.message))
        return result
    for path in sorted(receipts_dir.glob("*.json")):
        packet_id = path.stem
        packet = outbox.packet(packet_id)
        if packet is None:
            result.already_settled.append(packet_id)
            continue
        try:
            signed = verify_receipt(json.loads(read_regular(path, MAX_RECEIPT_BYTES)), packet, kit_id,
                                    hub_signing_key)
        except UnsafeDriveFile as exc:
            result.invalid.append((packet_id, f"receipts/{exc.message}"))
            continue
        except (ReceiptInvalid, ValueError, OSError) as exc:
            result.invalid.append((packet_id, str(exc)))
            continue
        receipt = signed.to_json_obj()
        if signed.receipt.status == STATUS_RECEIVED:
            outbox.mark_acknowledged(packet_id, receipt)
            result.acknowledged.append(packet_id)
        else:
            outbox.mark_rejected(packet_id, signed.receipt.reason, receipt)
            result.rejected.append((packet_id, signed.receipt.reason))
    return result


# -------------------------------------------------------------------------------------------- shared reads

def read_manifest(directory: Path, device_public_key: bytes) -> dict:
    """The drive's manifest for one kit, after checking the kit's signature; ProtocolError if it fails."""
    try:
        raw = read_regular(directory / MANIFEST, MAX_MANIFEST_BYTES)
        signature = b64d(read_regular(directory / MANIFEST_SIG, MAX_SIGNATURE_BYTES).decode("ascii").strip(),
                         "manifest signature")
    except UnsafeDriveFile as exc:
        raise UnsafeDriveFile(exc.code, f"{directory.name}/{exc.message}") from None
    except (OSError, UnicodeDecodeError):
        raise ProtocolError("no_manifest", f"{directory.name}: manifest or its signature is missing") from None
    from cryptography.exceptions import InvalidSignature

    try:
        load_public_key(device_public_key).verify(signature, raw)
    except InvalidSignature:
        raise ProtocolError("bad_manifest_signature", f"{directory.name}: manifest not signed by this kit") from None
    manifest = json.loads(raw)
    if not isinstance(manifest, dict) or not isinstance(manifest.get("packets"), list):
        raise ProtocolError("bad_manifest", f"{directory.name}: manifest malformed")
    return manifest


def _same_file(path: Path, size: int, sha256: str) -> bool:
    """Whether the drive already holds exactly these packet bytes at `path` as a regular file."""
    import hashlib

    try:
        data = read_regular(path, size)
    except (OSError, UnsafeDriveFile):
        return False  # missing, a link, a device, too large: write_atomic replaces the entry
    return len(data) == size and hashlib.sha256(data).hexdigest() == sha256
