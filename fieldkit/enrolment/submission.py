"""Saving and submitting one citizen's state, off the UI thread: a Snapshot of the EnrolmentFlow, the
encrypted autosave, the duplicate search on submit (the kit's one gallery) and the submission itself.

    snap = flow.snapshot()                                  # on the UI thread
    save_snapshot(session, snap, session_id)                # BackgroundRunner: KitSession.save_draft
    result = submit_snapshot(session, gallery, snap, ...)   # search, final save, submit_for_review

The service moves the record's status; nothing here sets it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from fieldkit.domain.record import EnrolmentRecord
from fieldkit.domain.validation import validate
from fieldkit.enrolment.capture_meta import CaptureMetadata, DuplicateHit
from fieldkit.enrolment.prints import DEDUP_FINGER_COUNT, DEDUP_FINGERS

log = logging.getLogger(__name__)  # record ids and counts only


@dataclass
class Snapshot:
    """A copy of the flow's state for a background save or submit (the UI keeps editing its own)."""

    record: EnrolmentRecord
    blobs: dict[str, bytes]
    meta: CaptureMetadata
    templates: dict[str, bytes]
    face_frame: object = field(default=None, repr=False)

    @property
    def record_id(self) -> str:
        return str(self.record.record_id)


@dataclass
class SubmitResult:
    record_id: str
    version: int
    status: str
    duplicates: list[DuplicateHit]
    exceptions: int



def save_snapshot(session, snap: Snapshot, session_id: str | None = None):
    """The encrypted autosave of a snapshot (KitSession.save_draft); returns its RecordRef."""
    return session.save_draft(snap.record, snap.blobs, record_id=snap.record_id, session_id=session_id,
                              capture=snap.meta)


def duplicate_search(gallery, session, snap: Snapshot) -> tuple[list[DuplicateHit] | None, str]:
    """Earlier records that look like this one (face, prints), then this one joins the gallery.

    A failed search never blocks the submission: the supervisor sees that it failed instead. Without a
    gallery the search does not run (None: the supervisor sees "not run", not "nothing found").
    """
    from fieldkit.dedup.gallery import frame_encoding, portrait_encoding, print_template, template_kind

    if gallery is None:
        return None, ""
    try:
        face = snap.record.captures.face
        encoding = frame_encoding(snap.face_frame) if snap.face_frame is not None else None
        if encoding is None and face.image_ref:
            encoding = portrait_encoding(snap.blobs.get(face.image_ref))
        templates = dict(snap.templates)
        if not templates:   # a draft continued after a restart: templates come back from the kept prints
            excepted = {f for f, s in snap.record.captures.rolled.items() if s.is_exception}
            for finger in [f for f in DEDUP_FINGERS if f not in excepted][:DEDUP_FINGER_COUNT]:
                slot = snap.record.captures.rolled[finger]
                data = snap.blobs.get(slot.image_ref or "")
                template = print_template(data) if data else None
                if template is not None:
                    templates[template_kind(finger)] = template
        found = gallery.check_and_enrol(session, snap.record_id, encoding, templates)
        return [DuplicateHit(c.record_id, c.modality, c.score, c.threshold, c.detail) for c in found], ""
    except Exception as exc:  # noqa: BLE001 - shown to the supervisor; the record still goes on
        log.warning("duplicate search failed for record %s: %s", snap.record_id, type(exc).__name__)
        return [], type(exc).__name__


def submit_snapshot(session, gallery, snap: Snapshot, session_id: str | None = None,
                    today: date | None = None) -> SubmitResult:
    """Duplicate search, final save (with the search's result and the validation warnings), submit."""
    snap.meta.duplicates, snap.meta.duplicates_error = duplicate_search(gallery, session, snap)
    snap.meta.validation_warnings = [i.code for i in validate(snap.record, today=today) if not i.is_error]
    save_snapshot(session, snap, session_id)
    ref = session.submit_for_review(snap.record_id)
    excepted = sum(1 for s in snap.record.captures.rolled.values() if s.is_exception)
    return SubmitResult(ref.record_id, ref.version, ref.status, list(snap.meta.duplicates or []), excepted)
