"""The enrolment service end to end: draft → review → approve (sealed, enqueued, erased) → hub opens it."""

from __future__ import annotations

import pytest

from fieldkit.domain.status import IllegalTransition
from fieldkit.enrolment.capture_meta import CaptureMetadata
from fieldkit.enrolment.service import RecordLocked, RecordUnchanged, ReviewFilter, StaleVersion
from fieldkit.packets.envelope import open_envelope, parse_envelope
from fieldkit.security import keystore
from fieldkit.security.keystore import NotAllowed
from fieldkit.store.db import integrity_check

PERSON = {"full_name": "Nguyễn Thị Hoà", "date_of_birth": "1990-05-17", "sex": "F", "id_number": "001190012345",
          "phone": "0912345678"}
BLOBS = {"face.jpg": bytes(range(7, 200)) * 20, "prints/11.png": bytes(range(3, 250)) * 8}


def test_draft_to_sealed_packet_the_hub_can_open(service, officer, supervisor, kit, data_dir):
    ref = officer.save_draft(PERSON, BLOBS, session_id="s1", capture=CaptureMetadata(devices={"camera": "camera:sim:studio"}))
    assert (ref.version, ref.status) == (1, "draft")
    ref = officer.save_draft(PERSON, BLOBS, record_id=ref.record_id, capture=CaptureMetadata(devices={"camera": "camera:sim:studio"}))
    assert ref.version == 2
    assert officer.submit_for_review(ref.record_id).status == "pending_review"
    with pytest.raises(RecordLocked):
        officer.save_draft(PERSON, BLOBS, record_id=ref.record_id)
    with pytest.raises(NotAllowed):
        officer.approve(ref.record_id)
    sealed = supervisor.approve(ref.record_id, expected_version=2)
    assert sealed.status == "sealed"
    view = supervisor.get_record(ref.record_id)
    assert view.record == {} and view.blobs == {} and view.packet_id  # the kit cannot read it any more
    (packet,) = service.queue().next_packets_to_send()
    contents = open_envelope(parse_envelope(packet.data), kit[0], keystore.device_public_key(data_dir),
                             supervisor_keys_known=keystore.supervisor_public_keys(data_dir))
    assert contents.record == PERSON and contents.blobs == BLOBS and contents.capture == CaptureMetadata(devices={"camera": "camera:sim:studio"}).to_dict()
    assert contents.supervisor_id == supervisor.user.user_id
    assert [e["action"] for e in contents.audit] == ["capture", "edit", "submit", "approve"]
    row = service.store.reader().execute("SELECT payload, summary FROM records WHERE id = ?", (ref.record_id,)).fetchone()
    assert row == (None, None)
    assert service.store.reader().execute("SELECT count(*) FROM search_tokens").fetchone()[0] == 0


def test_approve_is_not_repeatable(service, officer, supervisor):
    ref = officer.save_draft(PERSON, BLOBS)
    officer.submit_for_review(ref.record_id)
    supervisor.approve(ref.record_id)
    with pytest.raises(IllegalTransition):
        supervisor.approve(ref.record_id)
    assert service.store.reader().execute("SELECT count(*) FROM packets").fetchone()[0] == 1


def test_stale_version_and_four_eyes(service, officer, supervisor):
    ref = officer.save_draft(PERSON, BLOBS)
    officer.submit_for_review(ref.record_id)
    with pytest.raises(StaleVersion):
        supervisor.approve(ref.record_id, expected_version=7)
    own = supervisor.save_draft(PERSON, BLOBS)
    supervisor.submit_for_review(own.record_id)
    with pytest.raises(NotAllowed, match="four eyes"):
        supervisor.approve(own.record_id)


def test_return_then_resubmit_and_reject(service, officer, supervisor):
    ref = officer.save_draft(PERSON, BLOBS)
    officer.submit_for_review(ref.record_id)
    assert supervisor.return_to_officer(ref.record_id, "ảnh mờ, chụp lại").status == "returned"
    assert officer.get_record(ref.record_id).note == "ảnh mờ, chụp lại"
    with pytest.raises(RecordUnchanged):          # the reason is not answered by sending it back as it was
        officer.submit_for_review(ref.record_id)
    again = officer.save_draft(PERSON, BLOBS, record_id=ref.record_id)
    # an autosave keeps it returned (it stays in the "returned" list) and keeps the supervisor's reason
    assert (again.status, again.version) == ("returned", 2)
    assert officer.get_record(ref.record_id).note == "ảnh mờ, chụp lại"
    with pytest.raises(RecordUnchanged):          # saved again, but the same content: still no answer
        officer.submit_for_review(ref.record_id)
    officer.save_draft(PERSON, {**BLOBS, "face.jpg": bytes(range(9, 200)) * 20}, record_id=ref.record_id)
    officer.submit_for_review(ref.record_id)      # the photo was taken again: it may go back
    assert supervisor.reject(ref.record_id, "duplicate application").status == "rejected"
    view = supervisor.get_record(ref.record_id)
    assert view.blobs == {} and view.note == "duplicate application"


def test_list_filters_and_diacritic_insensitive_search(service, officer, supervisor):
    people = ["Nguyễn Thị Hoà", "Trần Đức Minh", "Lò Văn Pảo", "Nguyễn Văn An"]
    ids = {}
    for i, name in enumerate(people):
        ref = officer.save_draft({"full_name": name, "id_number": f"0011900{i:05d}"}, {}, session_id=f"s{i % 2}")
        officer.submit_for_review(ref.record_id)
        ids[name] = ref.record_id
    def names(**kw):
        return {r.name for r in supervisor.list_for_review(ReviewFilter(**kw))}
    assert names() == set(people)
    assert names(search="nguyen") == {"Nguyễn Thị Hoà", "Nguyễn Văn An"}
    assert names(search="NGUYỄN van") == {"Nguyễn Văn An"}
    assert names(search="duc") == {"Trần Đức Minh"}  # đ folds to d
    assert names(search="ngu hoa") == {"Nguyễn Thị Hoà"}  # word prefixes
    import unicodedata
    assert names(search=unicodedata.normalize("NFD", "Pảo")) == {"Lò Văn Pảo"}
    assert names(search="001190000002") == {"Lò Văn Pảo"}
    assert names(session_id="s1") == {"Trần Đức Minh", "Nguyễn Văn An"}
    assert names(search="zzz") == set()
    listed = supervisor.list_for_review(ReviewFilter(limit=2))
    assert [r.name for r in listed] == ["Nguyễn Văn An", "Lò Văn Pảo"]  # newest first
    assert supervisor.count(ReviewFilter(search="nguyen")) == 2


def test_officer_sees_only_own_records(service, officer, supervisor):
    supervisor.save_draft({"full_name": "A B"}, {})
    mine = officer.save_draft({"full_name": "C D"}, {})
    listed = officer.list_for_review(ReviewFilter(statuses=("draft",)))
    assert [r.record_id for r in listed] == [mine.record_id]


def test_queue_api_for_sync(service, officer, supervisor):
    refs = []
    for i in range(3):
        ref = officer.save_draft({"full_name": f"Person {i}"}, {"face.jpg": b"f" * 10})
        officer.submit_for_review(ref.record_id)
        refs.append(supervisor.approve(ref.record_id, priority=1 if i == 2 else 0))
    q = service.queue(supervisor)
    order = [p.record_id for p in q.next_packets_to_send()]
    assert order == [refs[2].record_id, refs[0].record_id, refs[1].record_id]  # priority, then oldest
    first = q.next_packets_to_send(1)[0]
    q.mark_uploading(first.packet_id)
    q.mark_upload_failed(first.packet_id, "connection reset")
    again = q.next_packets_to_send(1)[0]
    assert again.packet_id == first.packet_id and again.attempts == 1 and again.last_error == "connection reset"
    q.mark_uploading(first.packet_id)
    assert q.mark_acknowledged(first.packet_id, b"signed receipt") is True
    assert q.mark_acknowledged(first.packet_id, b"signed receipt") is False  # idempotent
    assert first.packet_id not in [p.packet_id for p in q.next_packets_to_send()]
    assert supervisor.get_record(first.record_id).status == "acknowledged"
    assert q.purge_acknowledged(older_than_ms=0) == 0
    assert q.purge_acknowledged(older_than_ms=2**62) == 1
    assert q.stats()["acknowledged"] == {"packets": 1, "bytes": 0}
    refused = q.next_packets_to_send(1)[0]
    q.mark_uploading(refused.packet_id)
    q.mark_refused(refused.packet_id, "unknown supervisor", b"hub-signed")
    assert refused.packet_id not in [p.packet_id for p in q.next_packets_to_send()]
    assert q.refused() == [(refused.packet_id, "unknown supervisor")]
    assert supervisor.get_record(refused.record_id).status == "sealed"  # kept on the kit
    q.record_sync({"route": "usb-export", "written": 1}, action="export")
    assert integrity_check(service.store.reader()) == "ok"


def test_hybrid_suite(data_dir):
    from fieldkit.enrolment.service import EnrolmentService
    from fieldkit.settings import load_settings
    from tests.security.conftest import PASS, make_kit
    hub = make_kit(data_dir, suite="mlkem768-x25519")
    with EnrolmentService(data_dir, load_settings(data_dir, environ={"FIELDKIT_HPKE_SUITE": "mlkem768-x25519"})) as svc:
        off, sup = svc.unlock("off", PASS["off"]), svc.unlock("sup", PASS["sup"])
        ref = off.save_draft(PERSON, BLOBS)
        off.submit_for_review(ref.record_id)
        sup.approve(ref.record_id)
        env = parse_envelope(svc.queue().next_packets_to_send()[0].data)
        assert env.suite == "mlkem768-x25519"
        assert open_envelope(env, hub[0], keystore.device_public_key(data_dir)).record == PERSON


def test_failed_login_is_audited_and_throttled(service, data_dir):
    from fieldkit.security.keystore import BadPassphrase
    from fieldkit.security.throttle import Throttled
    for _ in range(3):
        with pytest.raises(BadPassphrase):
            service.unlock("sup", "wrong-passphrase")
    with pytest.raises(Throttled):
        service.unlock("sup", "wrong-passphrase")
    actions = [r[0] for r in service.store.reader().execute("SELECT action FROM audit_log ORDER BY seq")]
    assert actions == ["login_failed"] * 4


def test_domain_record_dict_shape(service, officer, supervisor):
    """fieldkit.domain.record's to_dict(): demographics nested, record_id/version/status carried in the dict."""
    import uuid
    rid = str(uuid.uuid4())
    record = {"record_id": rid, "version": 1, "status": "draft",
              "demographics": {"birth_name": "Hà Thị Mỹ Duyên", "other_names": ["Mỹ Dung"], "personal_id": "001190054321",
                               "date_of_birth": "1990", "sex": "F"}}
    ref = officer.save_draft(record, {})
    assert ref.record_id == rid
    officer.save_draft(record, {})  # same id from the dict: an edit, not a new record
    officer.submit_for_review(rid)
    (row,) = supervisor.list_for_review(ReviewFilter(search="dung"))
    assert (row.record_id, row.name, row.birth_date) == (rid, "Hà Thị Mỹ Duyên", "1990")
    view = supervisor.get_record(rid)
    assert (view.record["version"], view.record["status"]) == (2, "pending_review")
    with pytest.raises(ValueError):
        officer.save_draft(record, {}, record_id=str(uuid.uuid4()))
