"""The hub over HTTP, on SQLite and on PostgreSQL: enrolment, resumable upload, receipts, refusals."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from sync.client.provisioning import enrol
from sync.client.transport import HubRefused
from sync.client.uploader import PacketUploader, verify_receipt
from sync.client.worker import SyncWorker
from sync.protocol import API, canonical_json, sha256_hex, sign_request
from tests.sync.conftest import FAST


def open_upload(client, packet_id: str, data: bytes, first: bytes = b"") -> dict:
    path = f"{API}/uploads?packet_id={packet_id}&size={len(data)}&sha256={sha256_hex(data)}"
    return client.request("POST", path, body=first, content_type="application/octet-stream")[1]


def test_enrolment_exchanges_keys_and_token_is_single_use(kit, hub_service, hub_server, hub_keys):
    token = hub_service.issue_token()
    hub = enrol(hub_server.url, token, kit.identity, FAST)
    assert hub.signing_public_key == hub_keys.signing_public
    assert hub.hpke_public_keys == hub_keys.hpke_public
    assert hub_service.storage.get_kit(kit.kit_id).device_public_key == kit.identity.public_key_bytes()
    with pytest.raises(HubRefused) as refused:
        enrol(hub_server.url, token, kit.identity, FAST)
    assert refused.value.code == "token_invalid"


def test_enrolment_needs_proof_of_the_device_key(kit, hub_service, hub_server):
    other = type(kit)(kit.hub_keys)
    body = {"token": hub_service.issue_token(), "kit_id": kit.kit_id,
            "device_public_key": __import__("base64").b64encode(kit.identity.public_key_bytes()).decode()}
    raw = json.dumps(body).encode()
    # Signed by another key than the one being enrolled: refused, and the token stays unused.
    headers = sign_request(other.identity, kit.kit_id, "POST", f"{API}/enrol", raw)
    answer = httpx.post(hub_server.url + f"{API}/enrol", content=raw, headers=headers)
    assert answer.status_code == 401 and answer.json()["error"] == "bad_signature"
    assert hub_service.storage.get_kit(kit.kit_id) is None


def test_packet_is_uploaded_in_chunks_and_receipt_verifies(enrolled_kit, hub_service, hub_server, client_for, hub_keys):
    packet_id, data = enrolled_kit.seal(face_bytes=50_000)
    packet = enrolled_kit.outbox.add(packet_id, data)
    uploader = PacketUploader(client_for(hub_server.url, enrolled_kit.identity), hub_keys.signing_public,
                              chunk_bytes=16 * 1024, max_chunk_bytes=16 * 1024)
    delivery = uploader.deliver(packet)
    assert delivery.accepted
    receipt = delivery.receipt.receipt
    assert (receipt.packet_id, receipt.sha256, receipt.kit_id) == (packet_id, sha256_hex(data), enrolled_kit.kit_id)
    stored = hub_service.storage.get_packet(enrolled_kit.kit_id, packet_id)
    assert stored.sha256 == sha256_hex(data)
    assert hub_service.storage.packet_envelope(enrolled_kit.kit_id, packet_id) == data
    # Delivering again is idempotent: same receipt, still one packet.
    again = uploader.deliver(packet)
    assert again.receipt.to_json_obj() == delivery.receipt.to_json_obj()
    assert hub_service.storage.count_packets() == 1


def test_upload_resumes_from_the_confirmed_offset(enrolled_kit, hub_service, hub_server, client_for):
    packet_id, data = enrolled_kit.seal(face_bytes=40_000)
    client = client_for(hub_server.url, enrolled_kit.identity)
    opened = open_upload(client, packet_id, data, first=data[:10_000])
    upload_id = opened["upload_id"]
    assert opened["offset"] == 10_000
    # A chunk at the wrong offset is refused with the offset to resume from.
    with pytest.raises(HubRefused) as refused:
        client.request("PUT", f"{API}/uploads/{upload_id}?offset=0", body=data[:10_000])
    assert refused.value.status == 409 and refused.value.body["offset"] == 10_000
    # Re-opening (as after a crash) finds the same upload and its confirmed offset.
    reopened = open_upload(client, packet_id, data)
    assert reopened == {"upload_id": upload_id, "offset": 10_000, "size": len(data), "stream": True}
    # Re-opening with first bytes does not store them again: the hub answers where to resume.
    assert open_upload(client, packet_id, data, first=data[:5_000])["offset"] == 10_000
    _, status = client.request("GET", f"{API}/uploads/{upload_id}")
    assert status["offset"] == 10_000
    client.request("PUT", f"{API}/uploads/{upload_id}?offset=10000", body=data[10_000:])
    code, final = client.request("POST", f"{API}/uploads/{upload_id}/finalize")
    assert code == 200 and final["status"] == "received"
    assert hub_service.storage.packet_envelope(enrolled_kit.kit_id, packet_id) == data


def test_worker_delivers_queue_in_priority_then_age_order(enrolled_kit, hub_service, hub_server, client_for, hub_keys):
    kit = enrolled_kit
    low = kit.outbox.add(*kit.seal(), priority=0, created_at=1)
    urgent = kit.outbox.add(*kit.seal(), priority=5, created_at=3)
    older = kit.outbox.add(*kit.seal(), priority=0, created_at=0)
    worker = SyncWorker(client_for(hub_server.url, kit.identity), kit.outbox, hub_keys.signing_public)
    result = worker.run_once()
    assert result.clean and result.delivered == 3
    expected = [urgent.packet_id, older.packet_id, low.packet_id]
    assert [pid for what, pid in kit.outbox.events if what == "uploading"] == expected
    # Acknowledged in the same order, each after its own upload started (the next packet may start streaming
    # while the last one waits for its receipt: sync/client/pipeline.py).
    assert [pid for what, pid in kit.outbox.events if what == "acknowledged"] == expected
    assert all(kit.outbox.events.index(("uploading", pid)) < kit.outbox.events.index(("acknowledged", pid))
               for pid in expected)
    assert sorted(p.packet_id for p in hub_service.storage.list_packets()) == sorted(expected)
    assert set(kit.outbox.state.values()) == {"acknowledged"}
    snap = worker.status.snapshot()
    assert snap["queued"] == 0 and snap["delivered_total"] == 3 and snap["last_success_at"]


def test_tampered_packet_is_rejected_with_reason_and_kit_keeps_it(enrolled_kit, hub_service, hub_server, client_for,
                                                                     hub_keys):
    kit = enrolled_kit
    packet_id, data = kit.seal()
    tampered = bytearray(data)
    tampered[len(data) // 2] ^= 0x01
    kit.outbox.add(packet_id, bytes(tampered))
    worker = SyncWorker(client_for(hub_server.url, kit.identity), kit.outbox, hub_keys.signing_public)
    result = worker.run_once()
    assert result.rejected == 1 and result.delivered == 0
    assert kit.outbox.state[packet_id] == "rejected" and "bad_signature" in kit.outbox.reasons[packet_id]
    assert packet_id in kit.outbox.packets  # never removed
    assert hub_service.storage.get_packet(kit.kit_id, packet_id) is None
    stuck = worker.status.snapshot()["stuck"]
    assert stuck[0]["packet_id"] == packet_id and "bad_signature" in stuck[0]["reason"]


def test_packet_replayed_under_another_id_is_rejected(enrolled_kit, hub_service, hub_server, client_for, hub_keys):
    kit = enrolled_kit
    packet_id, data = kit.seal()
    kit.outbox.add("11111111-1111-4111-8111-111111111111", data)
    worker = SyncWorker(client_for(hub_server.url, kit.identity), kit.outbox, hub_keys.signing_public)
    worker.run_once()
    assert "packet_id_mismatch" in kit.outbox.reasons["11111111-1111-4111-8111-111111111111"]
    assert hub_service.storage.count_packets() == 0


def test_packet_of_another_kit_is_rejected(enrolled_kit, hub_service, hub_server, client_for, hub_keys, kit):
    stranger = type(kit)(hub_keys)
    packet_id, data = stranger.seal()  # signed by a kit that is not the uploader
    enrolled_kit.outbox.add(packet_id, data)
    worker = SyncWorker(client_for(hub_server.url, enrolled_kit.identity), enrolled_kit.outbox,
                        hub_keys.signing_public)
    worker.run_once()
    assert "bad_signature" in enrolled_kit.outbox.reasons[packet_id]


def test_unknown_kit_and_unsigned_requests_are_refused(kit, hub_server, client_for):
    client = client_for(hub_server.url, kit.identity)  # never enrolled
    with pytest.raises(HubRefused) as refused:
        client.request("POST", f"{API}/fates", json_body={"packet_ids": []})
    assert refused.value.status == 401 and refused.value.code == "unknown_kit"
    with pytest.raises(HubRefused) as unsigned:
        client.request("POST", f"{API}/fates", json_body={"packet_ids": []}, signed=False)
    assert unsigned.value.code == "unsigned"


def test_replayed_request_is_refused(enrolled_kit, hub_server):
    body = canonical_json({"packet_ids": []})
    headers = sign_request(enrolled_kit.identity, enrolled_kit.kit_id, "POST", f"{API}/fates", body)
    with httpx.Client(base_url=hub_server.url) as http:
        first = http.post(f"{API}/fates", content=body, headers=headers)
        second = http.post(f"{API}/fates", content=body, headers=headers)
        stale = http.post(f"{API}/fates", content=body, headers=sign_request(
            enrolled_kit.identity, enrolled_kit.kit_id, "POST", f"{API}/fates", body, now=time.time() - 3600))
        other_path = http.post(f"{API}/uploads", content=body, headers=sign_request(
            enrolled_kit.identity, enrolled_kit.kit_id, "POST", f"{API}/fates", body))
    assert first.status_code == 200
    assert second.status_code == 401 and second.json()["error"] == "replayed_request"
    assert stale.status_code == 401 and stale.json()["error"] == "stale_request"
    assert other_path.status_code == 401 and other_path.json()["error"] == "bad_signature"


def test_fates_answer_each_id_for_the_asking_kit_only(enrolled_kit, hub_service, hub_server, client_for, hub_keys):
    """`POST /fates` (one transaction for the whole list): received with its receipt, rejected with the latest
    rejection, unknown; another kit's packet under the same id is not this kit's fate."""
    from sync.hub.storage import PacketRecord

    kit = enrolled_kit
    received_id, data = kit.seal()
    kit_row = hub_service.storage.get_kit(kit.kit_id)
    assert hub_service.ingest(kit_row, received_id, data, "usb")["receipt"]["status"] == "received"
    rejected_id = "22222222-2222-4222-8222-222222222222"
    for delay in (0, 5):  # two different wrong packets under one id, 5 s apart: the latest is the answer
        _, other = kit.seal()
        hub_service.clock = lambda: time.time() + delay
        hub_service.ingest(kit_row, rejected_id, other, "usb")
    hub_service.clock = time.time
    elsewhere_id = "33333333-3333-4333-8333-333333333333"
    hub_service.storage.store_packet(PacketRecord(elsewhere_id, "another-kit", "0" * 64, 1, 1, "usb", "{}"), b"x")
    ids = [received_id, rejected_id, elsewhere_id, "44444444-4444-4444-8444-444444444444", received_id]
    _, answer = client_for(hub_server.url, kit.identity).request("POST", f"{API}/fates", json_body={"packet_ids": ids})
    fates = answer["fates"]
    assert fates[received_id]["status"] == "received"
    assert fates[received_id]["receipt"]["receipt"]["sha256"] == sha256_hex(data)
    rejections = hub_service.storage.list_rejections(kit.kit_id, rejected_id)
    assert len(rejections) == 2 and rejections[0].rejected_at < rejections[1].rejected_at
    latest = rejections[-1]
    assert fates[rejected_id] == {"status": "rejected", "reason": latest.reason, "receipt": json.loads(latest.receipt)}
    assert fates[rejected_id]["reason"].startswith("packet_id_mismatch")
    assert fates[elsewhere_id] == {"status": "unknown"}
    assert fates["44444444-4444-4444-8444-444444444444"] == {"status": "unknown"}


def test_last_chunk_sent_twice_at_once_stores_the_packet_once(enrolled_kit, hub_service):
    """Two hub processes holding the same last chunk: the packet is verified by both but stored, and the
    upload completed, by one transaction only; the other is told the upload is complete and gets the same
    receipt from finalize."""
    from sync.hub.service import HubError
    from sync.hub.storage import FinalizeState

    kit = hub_service.storage.get_kit(enrolled_kit.kit_id)
    packet_id, data = enrolled_kit.seal()
    opened = hub_service.open_upload(kit, {"packet_id": packet_id, "size": str(len(data)),
                                           "sha256": sha256_hex(data)}, data[:1000])
    upload_id, offset = opened["upload_id"], opened["offset"]
    assert offset == 1000
    held = hub_service.storage.append_chunk(kit.kit_id, upload_id, offset, data[offset:], 0, hold_last=True)
    assert isinstance(held, FinalizeState) and held.data == data  # process A: whole packet in hand, nothing written
    first = hub_service.put_chunk(kit, upload_id, str(offset), data[offset:])  # process B finishes first
    assert first["status"] == "received"
    assert hub_service._complete_with_last_chunk(kit, held, offset) is None  # A's store is refused, nothing signed
    with pytest.raises(HubError) as late:  # A's fallback: the chunk is already in
        hub_service.put_chunk(kit, upload_id, str(offset), data[offset:])
    assert late.value.code == "offset_conflict" and late.value.extra["offset"] == len(data)
    status, again = hub_service.finalize(kit, upload_id)
    assert status == 200 and again["receipt"] == first["receipt"]
    assert [p.packet_id for p in hub_service.storage.list_packets(kit.kit_id)] == [packet_id]


def test_a_badly_signed_request_does_not_spend_its_nonce(enrolled_kit, hub_server):
    """The kit is read, the signature checked and the nonce spent in one transaction: a request refused for
    its signature writes nothing, so an attacker replaying a nonce with altered bodies cannot burn the kit's
    real request (which still goes through once, and once only)."""
    body = canonical_json({"packet_ids": []})
    headers = sign_request(enrolled_kit.identity, enrolled_kit.kit_id, "POST", f"{API}/fates", body)
    with httpx.Client(base_url=hub_server.url) as http:
        forged = http.post(f"{API}/fates", content=canonical_json({"packet_ids": ["x"]}), headers=headers)
        genuine = http.post(f"{API}/fates", content=body, headers=headers)
        again = http.post(f"{API}/fates", content=body, headers=headers)
    assert forged.status_code == 401 and forged.json()["error"] == "bad_signature"
    assert genuine.status_code == 200
    assert again.status_code == 401 and again.json()["error"] == "replayed_request"


def test_revoked_kit_is_refused(enrolled_kit, hub_service, hub_server, client_for):
    assert hub_service.storage.revoke_kit(enrolled_kit.kit_id, int(time.time()))
    client = client_for(hub_server.url, enrolled_kit.identity)
    with pytest.raises(HubRefused) as refused:
        client.request("POST", f"{API}/fates", json_body={"packet_ids": []})
    assert refused.value.code == "kit_revoked"


def test_fates_report_received_rejected_and_unknown(enrolled_kit, hub_service, hub_server, client_for, hub_keys):
    kit = enrolled_kit
    good = kit.outbox.add(*kit.seal())
    bad_id, bad = kit.seal()
    kit.outbox.add(bad_id, bad[:-1] + bytes([bad[-1] ^ 1]))
    client = client_for(hub_server.url, kit.identity)
    SyncWorker(client, kit.outbox, hub_keys.signing_public).run_once()
    _, answer = client.request("POST", f"{API}/fates", json_body={
        "packet_ids": [good.packet_id, bad_id, "22222222-2222-4222-8222-222222222222"]})
    fates = answer["fates"]
    assert fates[good.packet_id]["status"] == "received"
    verify_receipt(fates[good.packet_id]["receipt"], good, kit.kit_id, hub_keys.signing_public)
    assert fates[bad_id]["status"] == "rejected" and "bad_signature" in fates[bad_id]["reason"]
    assert fates["22222222-2222-4222-8222-222222222222"] == {"status": "unknown"}


def test_receipt_from_another_hub_is_not_accepted(enrolled_kit, hub_server, client_for):
    from sync.hub.keys import generate_hub_keys

    kit = enrolled_kit
    packet = kit.outbox.add(*kit.seal())
    impostor_key = generate_hub_keys().signing_public
    worker = SyncWorker(client_for(hub_server.url, kit.identity), kit.outbox, impostor_key)
    result = worker.run_once()
    assert result.stuck == 1 and kit.outbox.state[packet.packet_id] == "uploading"
    assert "not signed by this kit's hub" in worker.status.snapshot()["stuck"][0]["reason"]


def test_acknowledged_packets_are_purged_after_retention(enrolled_kit, hub_server, client_for, hub_keys):
    kit = enrolled_kit
    packet = kit.outbox.add(*kit.seal())
    clock = [time.time()]
    worker = SyncWorker(client_for(hub_server.url, kit.identity), kit.outbox, hub_keys.signing_public,
                        retention_days=30, clock=lambda: clock[0])
    assert worker.run_once().purged == 0
    assert kit.outbox.state[packet.packet_id] == "acknowledged"
    clock[0] += 31 * 86400
    assert worker.run_once().purged == 1 and kit.outbox.state[packet.packet_id] == "purged"


def test_two_hub_processes_share_one_database(enrolled_kit, hub_service, hub_server, hub_keys, storage_kind,
                                              tmp_path, request, client_for):
    """Chunks spread over two hubs, then finalised at both at once: one packet, one receipt."""
    import threading

    from sync.hub.app import build_app
    from sync.hub.server import HubServer
    from sync.hub.service import HubService
    from sync.hub.verify import EnvelopeVerifier
    from tests.sync.conftest import open_test_storage

    kit = enrolled_kit
    packet_id, data = kit.seal(face_bytes=30_000)
    second_storage = open_test_storage(storage_kind, tmp_path, request)
    second = HubServer(build_app(HubService(second_storage, hub_keys, EnvelopeVerifier(hub_keys.hpke_private))))
    second.start()
    try:
        a, b = client_for(hub_server.url, kit.identity), client_for(second.url, kit.identity)
        upload = open_upload(a, packet_id, data)["upload_id"]
        assert open_upload(b, packet_id, data)["upload_id"] == upload
        for n, offset in enumerate(range(0, len(data), 8192)):
            client = (a, b)[n % 2]
            client.request("PUT", f"{API}/uploads/{upload}?offset={offset}", body=data[offset:offset + 8192])
        answers = {}

        def finalize(name, client):
            try:
                answers[name] = client.request("POST", f"{API}/uploads/{upload}/finalize")[1]
            except HubRefused as exc:  # the loser may find the upload already finished
                answers[name] = exc

        threads = [threading.Thread(target=finalize, args=(n, c)) for n, c in (("a", a), ("b", b))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        receipts = [v["receipt"] for v in answers.values() if isinstance(v, dict)]
        assert receipts and all(r == receipts[0] for r in receipts)
        for v in answers.values():
            assert isinstance(v, dict) or v.code == "unknown_upload"
        # Whatever happened to the loser, asking again gives the one receipt.
        again = open_upload(b, packet_id, data)
        assert again["receipt"] == receipts[0]
        assert hub_service.storage.count_packets() == second_storage.count_packets() == 1
    finally:
        second.stop()
        second_storage.close()


def test_unsigned_packet_is_rejected(enrolled_kit, hub_service, hub_server, client_for, hub_keys):
    kit = enrolled_kit
    packet_id, data = kit.seal()
    kit.outbox.add(packet_id, data[:-64])  # the device signature stripped off
    SyncWorker(client_for(hub_server.url, kit.identity), kit.outbox, hub_keys.signing_public).run_once()
    assert kit.outbox.state[packet_id] == "rejected" and "truncated" in kit.outbox.reasons[packet_id]
    assert hub_service.storage.count_packets() == 0


def test_kit_id_cannot_be_taken_over_with_another_key(enrolled_kit, hub_service, hub_server, kit):
    impostor = type(kit)(kit.hub_keys)
    object.__setattr__(impostor.identity, "kit_id", enrolled_kit.kit_id)  # same kit id, another device key
    token = hub_service.issue_token()
    with pytest.raises(HubRefused) as refused:
        enrol(hub_server.url, token, impostor.identity, FAST)
    assert refused.value.status == 409 and refused.value.code == "kit_exists"
    assert hub_service.storage.get_kit(enrolled_kit.kit_id).device_public_key == enrolled_kit.identity.public_key_bytes()
    other = type(kit)(kit.hub_keys)
    enrol(hub_server.url, token, other.identity, FAST)  # the refused attempt did not spend the token


def test_tampered_request_body_is_refused(enrolled_kit, hub_server):
    body = canonical_json({"packet_ids": []})
    headers = sign_request(enrolled_kit.identity, enrolled_kit.kit_id, "POST", f"{API}/fates", body)
    answer = httpx.post(hub_server.url + f"{API}/fates", content=canonical_json({"packet_ids": ["x"]}),
                        headers=headers)
    assert answer.status_code == 401 and answer.json()["error"] == "bad_signature"
