"""The inner container: named byte strings in a deterministic, length-prefixed layout.

entry := u16 name length | name (UTF-8) | u32 data length | data          (big-endian)
The first entry is `manifest.json` (canonical JSON); blobs follow in ascending order of their UTF-8 name.
The same input always gives the same bytes, so a signature over them is reproducible by any reader.
"""

from __future__ import annotations

import json
import struct

from fieldkit.packets.errors import PacketError

MANIFEST = "manifest.json"
MAX_NAME = 255


def canonical_json(value) -> bytes:
    """JSON with sorted keys, no spaces, UTF-8: one byte string per value."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def pack_entries(manifest: dict, blobs: dict[str, bytes]) -> bytes:
    """The container bytes for `manifest` followed by `blobs` sorted by name."""
    parts = [_entry(MANIFEST, canonical_json(manifest))]
    for name in sorted(blobs, key=lambda n: n.encode("utf-8")):
        if name == MANIFEST:
            raise ValueError(f"a blob cannot be called {MANIFEST}")
        parts.append(_entry(name, bytes(blobs[name])))
    return b"".join(parts)


def _entry(name: str, data: bytes) -> bytes:
    raw = name.encode("utf-8")
    if not raw or len(raw) > MAX_NAME:
        raise ValueError(f"entry name must be 1..{MAX_NAME} bytes: {name!r}")
    return struct.pack(">H", len(raw)) + raw + struct.pack(">I", len(data)) + data


def unpack_entries(content: bytes) -> tuple[dict, dict[str, bytes]]:
    """(manifest, blobs) from container bytes; PacketError("malformed") on any inconsistency."""
    view = memoryview(content)
    pos, names, blobs = 0, [], {}
    while pos < len(view):
        if pos + 2 > len(view):
            raise PacketError("malformed", "entry name length cut short")
        (name_len,) = struct.unpack_from(">H", view, pos)
        pos += 2
        if name_len == 0 or pos + name_len + 4 > len(view):
            raise PacketError("malformed", "entry name cut short")
        try:
            name = bytes(view[pos:pos + name_len]).decode("utf-8")
        except UnicodeDecodeError:
            raise PacketError("malformed", "entry name is not UTF-8") from None
        pos += name_len
        (data_len,) = struct.unpack_from(">I", view, pos)
        pos += 4
        if pos + data_len > len(view):
            raise PacketError("malformed", f"entry {name!r} cut short")
        blobs[name] = bytes(view[pos:pos + data_len])
        names.append(name)
        pos += data_len
    if not names or names[0] != MANIFEST:
        raise PacketError("malformed", f"the first entry must be {MANIFEST}")
    rest = names[1:]
    if rest != sorted(rest, key=lambda n: n.encode("utf-8")) or len(set(names)) != len(names):
        raise PacketError("malformed", "blob entries must be unique and sorted by name")
    try:
        manifest = json.loads(blobs.pop(MANIFEST).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PacketError("malformed", "manifest is not UTF-8 JSON") from None
    if not isinstance(manifest, dict):
        raise PacketError("malformed", "manifest is not a JSON object")
    return manifest, blobs
