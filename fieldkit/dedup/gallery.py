"""The kit's ONE template gallery: `templates.sqlite3` in the data folder, AES-256-GCM under the kit data
key's subkey `dedup-templates-v1`, opened with a logged-in session and locked (zeroed) at logout.

    gallery = KitGallery(data_dir)                   # fieldkit.kit.Kit.duplicates(session) hands it out
    found = gallery.check_and_enrol(session, record_id, encoding, {"fp:2": template})
    gallery.lock()

Older kits kept a second gallery: `fieldkit demo` wrote `templates.sqlite` under the subkey
"duplicate templates", blind to the app's records and the app to its. The first unlock merges it into the
one gallery (every template re-encrypted under the one key, row by row) and deletes the old file.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from fieldkit.dedup.detector import DuplicateCandidate, DuplicateDetector
from fieldkit.dedup.store import TemplateStore

log = logging.getLogger(__name__)

TEMPLATES_FILE = "templates.sqlite3"
SUBKEY_PURPOSE = "dedup-templates-v1"
LEGACY_FILE = "templates.sqlite"            # the demo's own gallery before one kit factory existed
LEGACY_PURPOSE = "duplicate templates"


def _store(path: Path, key: bytes) -> TemplateStore:
    from fieldkit.security import crypto
    return TemplateStore(path, lambda plain, aad: crypto.encrypt(key, plain, aad),
                         lambda blob, aad: crypto.decrypt(key, blob, aad))


def merge_legacy_gallery(data_dir: Path, kit) -> int:
    """Move every template of the demo's old gallery into the kit's one gallery; returns how many moved.

    Rows already in the one gallery (same record and kind) are kept as they are. The old file goes only after
    every row is written (a crash in between merges again: INSERT OR REPLACE of the same rows).
    """
    from fieldkit.dedup.store import template_aad
    from fieldkit.security import crypto

    legacy = Path(data_dir) / LEGACY_FILE
    if not legacy.exists():
        return 0
    old_key, new_key = kit.subkey(LEGACY_PURPOSE), kit.subkey(SUBKEY_PURPOSE)
    old = _store(legacy, old_key)
    target = _store(Path(data_dir) / TEMPLATES_FILE, new_key)
    moved = 0
    try:
        have = set(target._db.execute("SELECT record_id, kind FROM templates").fetchall())
        rows = old._db.execute("SELECT record_id, kind, ciphertext FROM templates").fetchall()
        target._db.execute("BEGIN")
        for record_id, kind, ciphertext in rows:
            if (record_id, kind) in have:
                continue
            aad = template_aad(record_id, kind)
            plain = crypto.decrypt(old_key, bytes(ciphertext), aad)
            target._db.execute("INSERT OR REPLACE INTO templates (record_id, kind, ciphertext) VALUES (?, ?, ?)",
                               (record_id, kind, crypto.encrypt(new_key, plain, aad)))
            moved += 1
        target._db.execute("COMMIT")
    finally:
        old.close()
        target.close()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(legacy) + suffix).unlink(missing_ok=True)
    log.info("merged %d template(s) of the old demo gallery into %s", moved, TEMPLATES_FILE)
    return moved


class KitGallery:
    """One per kit; opened for a session on first use, locked (templates zeroed in memory) at logout."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self._store: TemplateStore | None = None
        self._detector: DuplicateDetector | None = None
        self._lock = threading.Lock()   # one search-and-enrol at a time (two submits on the pool)

    @property
    def path(self) -> Path:
        return self.data_dir / TEMPLATES_FILE

    def _open(self, kit_session) -> DuplicateDetector:
        if self._store is None:
            kit = kit_session.kit
            merge_legacy_gallery(self.data_dir, kit)
            store = _store(self.path, kit.subkey(SUBKEY_PURPOSE))
            store.unlock()
            from fieldkit.dedup.fingerprints import minutiae_comparator
            compare, threshold = minutiae_comparator()
            self._store = store
            self._detector = DuplicateDetector(store, fingerprint_comparator=compare, fingerprint_threshold=threshold)
        return self._detector  # type: ignore[return-value]

    def check_and_enrol(self, kit_session, record_id: str, encoding, templates: dict[str, bytes]
                        ) -> list[DuplicateCandidate]:
        """Flag earlier records that look like this one, then add this one to the gallery."""
        if encoding is None and not templates:
            return []
        with self._lock:
            detector = self._open(kit_session)
            found = detector.flag_duplicates(record_id, encoding, templates)
            detector.enrol(record_id, encoding, templates)
        log.info("duplicate search for record %s: %d candidate(s)", record_id, len(found))
        return found

    def count(self, kit_session) -> int:
        with self._lock:
            self._open(kit_session)
            return self._store.count()  # type: ignore[union-attr]

    def lock(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
            self._store = self._detector = None

    close = lock


def portrait_encoding(data: bytes | None):
    """The face encoding of an encoded portrait (JPEG / JPEG 2000), or None (no photo, or no face in it)."""
    import cv2
    import numpy as np

    if not data:
        return None
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        return None
    return frame_encoding(image)


def frame_encoding(image):
    """The face encoding of a camera frame, or None when no face is found in it."""
    from fieldkit.dedup.encoding import NoFaceError, face_encoding
    try:
        return face_encoding(image)
    except NoFaceError:
        return None


def print_template(wsq: bytes) -> bytes | None:
    """Minutiae template of a stored rolled print (WSQ), or None if it cannot be read."""
    from fieldkit.biometrics.fp_codec import decode_wsq
    from fieldkit.biometrics.minutiae import extract_minutiae
    try:
        return extract_minutiae(decode_wsq(wsq)).to_bytes()
    except ValueError:
        return None


def template_kind(finger: int) -> str:
    """The one key scheme of fingerprint templates: "fp:<position>" (fieldkit.domain.fingers)."""
    return f"fp:{int(finger)}"
