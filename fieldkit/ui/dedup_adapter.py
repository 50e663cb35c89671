"""Duplicate search on submit: the kit's templates store (fieldkit.dedup) opened with the logged-in keys.

ADAPTER (no Qt; lives here because the core exposes no kit-level factory yet): `TemplateStore` wants
`encrypt(plaintext, aad)` / `decrypt(ciphertext, aad)`; the enrolment service has no such facility, so this
module builds AES-256-GCM callables (`fieldkit.security.crypto`) under a subkey of the unlocked kit's data
key (`UnlockedKit.subkey("dedup-templates-v1")`). Replace with a core factory when one exists.

Faces (the portrait's encoding) and fingerprints (minutiae of each rolled print, compared position by position
with the kit's matcher). Everything here runs on the BackgroundRunner (face encoding ~110 ms, ten minutiae
extractions ~20 ms each, search over the gallery), never the UI thread. Candidates are kept in the record's capture metadata (`capture["duplicates"]`), so they are stored
encrypted with the draft, shown to the supervisor, and travel in the packet.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

log = logging.getLogger(__name__)

TEMPLATES_FILE = "templates.sqlite3"
SUBKEY_PURPOSE = "dedup-templates-v1"


class KitDuplicates:
    """One per window; opened for a kit session, locked (templates zeroed in memory) at logout or lock."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self._store = None
        self._detector = None
        self._lock = threading.Lock()   # one search-and-enrol at a time (two submits on the pool)

    def _open(self, kit_session):
        from fieldkit.dedup.detector import DuplicateDetector
        from fieldkit.dedup.store import TemplateStore
        from fieldkit.security import crypto

        if self._store is None:
            key = kit_session.kit.subkey(SUBKEY_PURPOSE)
            self._store = TemplateStore(self.data_dir / TEMPLATES_FILE,
                                        lambda plain, aad: crypto.encrypt(key, plain, aad),
                                        lambda blob, aad: crypto.decrypt(key, blob, aad))
            self._store.unlock()
            from fieldkit.dedup.fingerprints import minutiae_comparator
            compare, threshold = minutiae_comparator()
            self._detector = DuplicateDetector(self._store, fingerprint_comparator=compare,
                                               fingerprint_threshold=threshold)
        return self._detector

    def check_and_enrol(self, kit_session, record_id: str, blobs: dict[str, bytes]) -> list[dict]:
        """Flag earlier records that look like this one, then add this one to the gallery."""
        encoding = portrait_encoding(blobs)
        prints = rolled_templates(blobs)
        if encoding is None and not prints:
            return []
        with self._lock:
            detector = self._open(kit_session)
            found = detector.flag_duplicates(record_id, encoding, prints)
            detector.enrol(record_id, encoding, prints)
        log.info("duplicate search for record %s: %d candidate(s)", record_id, len(found))
        return [{"record_id": c.record_id, "modality": c.modality, "score": c.score, "threshold": c.threshold,
                 "detail": c.detail} for c in found]

    def lock(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.lock()
                self._store.close()
            self._store = self._detector = None


def rolled_templates(blobs: dict[str, bytes]) -> dict[str, bytes]:
    """Minutiae templates of the rolled prints, keyed by finger position ("1".."10"); unreadable ones skipped."""
    from fieldkit.biometrics.fp_codec import decode_wsq
    from fieldkit.biometrics.minutiae import extract_minutiae
    from fieldkit.domain.fingers import Finger

    templates = {}
    for finger in Finger:
        data = blobs.get(f"print/rolled/{finger.name.lower()}.wsq")
        if not data:
            continue
        try:
            templates[str(int(finger))] = extract_minutiae(decode_wsq(data)).to_bytes()
        except ValueError:
            log.warning("rolled print %s could not be read for the duplicate search", finger.name.lower())
    return templates


def portrait_encoding(blobs: dict[str, bytes]):
    """The face encoding of the record's portrait, or None (no photo, or no face found in it)."""
    import cv2
    import numpy as np

    from fieldkit.dedup.encoding import NoFaceError, face_encoding

    data = blobs.get("face.jpg") or blobs.get("face.jp2")
    if not data:
        return None
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        return None
    try:
        return face_encoding(image)
    except NoFaceError:
        return None
