"""Biometric templates at rest (encrypted, in SQLite) and in use (plaintext, in memory, only while unlocked).

The store never sees a key. It is given two callables, `encrypt(plaintext, aad) -> bytes` and
`decrypt(ciphertext, aad) -> bytes`: in the kit, AES-256-GCM under the kit data key (branch `packets`);
in tests, an AESGCM pair from `cryptography`. The associated data binds each ciphertext to its row
(record id and kind), so a ciphertext copied onto another record fails to decrypt.

    store = TemplateStore(data_dir / "templates.sqlite3", encrypt, decrypt)   # the kit's: fieldkit.dedup.gallery
    store.unlock()                        # decrypt every template into memory
    store.put_face("R-0001", encoding)    # on save: written encrypted, added to the in-memory index
    store.lock()                          # kit locked: templates zeroed and dropped from memory
    store.purge()                         # campaign closed: rows deleted, file vacuumed, memory wiped

Kinds: "face" (512-byte float32 encoding) and "fp:<position>" (the fingerprint matcher's template,
opaque bytes; position as in fieldkit.domain.fingers, e.g. "fp:2").
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from fieldkit.dedup.encoding import encoding_from_bytes, encoding_to_bytes
from fieldkit.dedup.index import FaceIndex

Encrypt = Callable[[bytes, bytes], bytes]
Decrypt = Callable[[bytes, bytes], bytes]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS templates (
    record_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    ciphertext BLOB NOT NULL,
    PRIMARY KEY (record_id, kind)
)
"""


class StoreLockedError(RuntimeError):
    """Templates are needed but the store is locked (the kit is locked)."""


def template_aad(record_id: str, kind: str) -> bytes:
    """Associated data binding a template's ciphertext to its record and kind."""
    return f"fieldkit.template.v1|{record_id}|{kind}".encode()


class TemplateStore:
    """Encrypted template rows on disk plus, while unlocked, the plaintext gallery in memory."""

    def __init__(self, path: str | Path, encrypt: Encrypt, decrypt: Decrypt):
        self.path = Path(path)
        self._encrypt, self._decrypt = encrypt, decrypt
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        # secure_delete overwrites deleted content with zeros (purge, re-enrolment); WAL + FULL for
        # durability on power loss.
        self._db.execute("PRAGMA secure_delete=ON")
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(_SCHEMA)
        self.faces: FaceIndex | None = None
        self._prints: dict[str, dict[str, bytearray]] | None = None  # record -> kind -> template

    # -- state ------------------------------------------------------------------------------------

    @property
    def unlocked(self) -> bool:
        return self.faces is not None

    def unlock(self) -> int:
        """Decrypt every template into memory; returns how many were loaded.

        If any template fails to decrypt (wrong key, tampered row), nothing stays in memory and the
        error propagates: a half-loaded gallery would miss duplicates silently.
        """
        with self._lock:
            faces, prints = FaceIndex(), {}
            ids, vectors = [], []
            try:
                rows = self._db.execute("SELECT record_id, kind, ciphertext FROM templates").fetchall()
                for record_id, kind, ciphertext in rows:
                    plain = self._decrypt(bytes(ciphertext), template_aad(record_id, kind))
                    if kind == "face":
                        ids.append(record_id)
                        vectors.append(encoding_from_bytes(plain))
                    else:
                        prints.setdefault(record_id, {})[kind] = bytearray(plain)
                if ids:
                    stacked = np.stack(vectors)
                    faces.add_many(ids, stacked)
                    stacked.fill(0)
            except BaseException:
                faces.wipe()
                for templates in prints.values():
                    for buf in templates.values():
                        buf[:] = bytes(len(buf))
                raise
            finally:
                for vec in vectors:
                    vec.fill(0)
            self.faces, self._prints = faces, prints
            return len(rows)

    def lock(self) -> None:
        """Zero and drop every plaintext template held in memory."""
        with self._lock:
            if self.faces is not None:
                self.faces.wipe()
            for templates in (self._prints or {}).values():
                for buf in templates.values():
                    buf[:] = bytes(len(buf))
            self.faces, self._prints = None, None

    def close(self) -> None:
        with self._lock:
            self.lock()
            self._db.close()

    # -- writing ----------------------------------------------------------------------------------

    def _put(self, record_id: str, kind: str, plaintext: bytes) -> None:
        ciphertext = self._encrypt(plaintext, template_aad(record_id, kind))
        self._db.execute("INSERT OR REPLACE INTO templates (record_id, kind, ciphertext) VALUES (?, ?, ?)",
                         (record_id, kind, ciphertext))

    def _require_unlocked(self) -> None:
        if self.faces is None:
            raise StoreLockedError("the template store is locked: unlock the kit first")

    def put_face(self, record_id: str, encoding: np.ndarray) -> None:
        with self._lock:
            self._require_unlocked()
            self._put(record_id, "face", encoding_to_bytes(encoding))
            self.faces.add(record_id, encoding)  # type: ignore[union-attr]

    def put_fingerprints(self, record_id: str, templates: dict[str, bytes]) -> None:
        """Store fingerprint templates by position (keys like '2' or 'fp:2')."""
        with self._lock:
            self._require_unlocked()
            mine = self._prints.setdefault(record_id, {})  # type: ignore[union-attr]
            for position, template in templates.items():
                kind = position if str(position).startswith("fp:") else f"fp:{position}"
                self._put(record_id, kind, bytes(template))
                mine[kind] = bytearray(template)

    def delete_record(self, record_id: str) -> None:
        """Forget one record's templates (e.g. a rejected record), on disk and in memory."""
        with self._lock:
            self._db.execute("DELETE FROM templates WHERE record_id = ?", (record_id,))
            if self.faces is not None:
                self.faces.remove(record_id)
            for buf in (self._prints or {}).pop(record_id, {}).values():
                buf[:] = bytes(len(buf))

    def purge(self) -> None:
        """Campaign end: delete every template, overwrite the freed pages, shrink the file, wipe memory."""
        with self._lock:
            self._db.execute("DELETE FROM templates")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._db.execute("VACUUM")
            if self.faces is not None:
                self.lock()
                self.unlock()  # stays unlocked, now empty

    # -- reading (unlocked only) ------------------------------------------------------------------

    def count(self) -> int:
        """Templates stored on disk (works locked: counts rows, decrypts nothing)."""
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM templates").fetchone()[0]

    def fingerprint_gallery(self, exclude: str | None = None) -> list[tuple[str, str, bytes]]:
        """(record id, kind, template) of every stored fingerprint except `exclude`'s."""
        with self._lock:
            self._require_unlocked()
            return [(rid, kind, bytes(buf)) for rid, kinds in self._prints.items() if rid != exclude  # type: ignore[union-attr]
                    for kind, buf in kinds.items()]

    def search_faces(self, encoding: np.ndarray, k: int = 10, max_distance: float | None = None,
                     exclude: str | None = None) -> list[tuple[str, float]]:
        with self._lock:
            self._require_unlocked()
            return self.faces.search(encoding, k, max_distance, exclude)  # type: ignore[union-attr]
