"""Encrypting what a record row holds, under the kit data key, with the row's identity as associated data.

- payload: the container (fieldkit.packets.container) of {"record", "capture"} + the named blobs;
- summary: the few fields a supervisor's list shows (name, birth date, sex, ID number, duplicate flag);
- note: a return/reject reason (free text, may name people).
AAD = "fieldkit <kind> v1|<kit id>|<record id>|<version>", so a blob copied to another row or another
version does not decrypt.
"""

from __future__ import annotations

import json

from fieldkit.packets.container import pack_entries, unpack_entries
from fieldkit.security import crypto

NAME_KEYS = ("birth_name", "full_name", "name")
BIRTH_KEYS = ("date_of_birth", "birth_date", "dob")
ID_KEYS = ("personal_id", "id_number", "cccd")


def demographics(record: dict) -> dict:
    """The person's fields: `record["demographics"]` for fieldkit.domain.record's to_dict(), else the dict."""
    demo = record.get("demographics")
    return demo if isinstance(demo, dict) else record


def first(record: dict, keys: tuple[str, ...]) -> str:
    demo = demographics(record)
    for key in keys:
        value = demo.get(key)
        if value:
            return str(value)
    return ""


def summary_of(record: dict, capture: dict | None = None) -> dict:
    """What a list row shows: name, birth date, sex, ID number (to tell namesakes apart) and whether the
    duplicate search on submit flagged the person (None: not run yet, or it could not run)."""
    return {"name": first(record, NAME_KEYS), "birth_date": first(record, BIRTH_KEYS),
            "sex": str(demographics(record).get("sex") or ""), "personal_id": first(record, ID_KEYS),
            "possible_duplicate": possible_duplicate(capture or {})}


def possible_duplicate(capture: dict) -> bool | None:
    """True when the duplicate search found someone, False when it ran and found no one, None otherwise."""
    found = capture.get("duplicates")
    if found is None or capture.get("duplicates_error"):
        return None
    return bool(found)


def searchable_texts(record: dict) -> list[str]:
    others = demographics(record).get("other_names") or []
    return [first(record, NAME_KEYS), *[str(n) for n in others], first(record, ID_KEYS)]


def _aad(kind: str, kit_id: str, record_id: str, version: int) -> bytes:
    return f"fieldkit {kind} v1|{kit_id}|{record_id}|{version}".encode()


def seal_payload(key: bytes, kit_id: str, record_id: str, version: int, record: dict, capture: dict,
                 blobs: dict[str, bytes]) -> bytes:
    plain = pack_entries({"record": record, "capture": capture}, blobs)
    return crypto.encrypt(key, plain, _aad("record", kit_id, record_id, version))


def open_payload(key: bytes, kit_id: str, record_id: str, version: int, blob: bytes) -> tuple[dict, dict, dict]:
    """(record, capture, blobs); crypto.DecryptError if the key, row or version does not match."""
    manifest, blobs = unpack_entries(crypto.decrypt(key, blob, _aad("record", kit_id, record_id, version)))
    return manifest.get("record", {}), manifest.get("capture", {}), blobs


# Record keys that change without the content changing (an autosave's clock, the store's own fields).
VOLATILE_KEYS = ("updated_at", "version", "status")


def content_digest(key: bytes, record: dict, blobs: dict[str, bytes]) -> str:
    """A keyed digest of what the officer captured (record without its volatile keys, and the images): equal
    digests mean nothing was changed. Keyed (HMAC under a subkey of the data key) so that the digest, kept in
    the audit log, tells nothing about the content."""
    import hashlib
    import hmac

    mac = hmac.new(crypto.subkey(key, "record content digest"), digestmod=hashlib.sha256)
    stable = {k: v for k, v in record.items() if k not in VOLATILE_KEYS}
    mac.update(json.dumps(stable, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))
    for name in sorted(blobs):
        mac.update(b"\x00" + name.encode("utf-8") + b"\x00" + hashlib.sha256(blobs[name]).digest())
    return mac.hexdigest()[:32]


def seal_json(key: bytes, kind: str, kit_id: str, record_id: str, version: int, value) -> bytes:
    return crypto.encrypt(key, json.dumps(value, ensure_ascii=False).encode("utf-8"),
                          _aad(kind, kit_id, record_id, version))


def open_json(key: bytes, kind: str, kit_id: str, record_id: str, version: int, blob: bytes):
    return json.loads(crypto.decrypt(key, blob, _aad(kind, kit_id, record_id, version)))
