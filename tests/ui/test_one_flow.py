"""The app's wizard and `fieldkit demo` share one enrolment flow: an adult enrolled through each ends in a sealed
packet with the same manifest keys, the same record and capture-metadata keys and the same blob names
(docs/packet-format.md, "What the kit puts in a packet")."""

from __future__ import annotations

from datetime import date

import pytest

from tests.ui.conftest import TEST_DEVICES
from tests.ui.flows import WAIT, log_in, start_session
from tests.ui.test_enrolment_flow import adult_person, enrol_one


def key_paths(value, prefix="") -> set[str]:
    """Every key path of a JSON value ("record.demographics.birth_name"); list items share their parent's path."""
    out = set()
    if isinstance(value, dict):
        for k, v in value.items():
            out.add(prefix + k)
            out |= key_paths(v, prefix + k + ".")
    elif isinstance(value, list):
        for item in value:
            out |= key_paths(item, prefix)
    return out


def open_packet(service, packet, hpke_private, data_dir):
    from fieldkit.packets.envelope import open_envelope, parse_envelope
    from fieldkit.security import keystore
    return open_envelope(parse_envelope(packet.data), hpke_private, keystore.device_public_key(data_dir),
                         supervisor_keys_known=keystore.supervisor_public_keys(data_dir))


def demo_packet(tmp_path, monkeypatch):
    """One adult with a card, no finger exception, through `fieldkit demo`'s village session on its own kit."""
    from fieldkit.demo import kit_setup
    from fieldkit.demo.population import village
    from fieldkit.demo.session import DemoOptions, run_village
    from fieldkit.demo.summary import DemoSummary
    from fieldkit.enrolment.service import EnrolmentService
    from fieldkit.packets.envelope import generate_hub_keys
    from fieldkit.security import crypto, keystore
    from fieldkit.security.hub_keys import store_hub_keys
    from fieldkit.settings import load_settings

    monkeypatch.setattr(crypto, "DEFAULT_KDF", crypto.FAST_TEST_KDF)
    today = date(2026, 12, 1)
    seed = next(s for s in range(200) if (p := village(1, seed=s, today=today)[0]).age_on(today) >= 18
                and p.personal_id and not p.finger_exceptions and not p.bad_first_capture and p.guardian_index is None)
    data_dir = tmp_path / "demo-kit"
    data_dir.mkdir()
    login = kit_setup.ensure_kit(data_dir, env={"FIELDKIT_PASSPHRASE": "demo-parity-pass-1"})
    hub = generate_hub_keys("x25519")
    supervisor = keystore.unlock(data_dir, kit_setup.SUPERVISOR, login.passphrase)
    try:   # the kit seals its hub keys with its device key (an unsealed keys/hub.json is refused)
        store_hub_keys(data_dir, hub_url="http://127.0.0.1:9", signing_public_key=hub[3],
                       hpke_public_keys={"x25519": hub[1]}, signer=supervisor)
    finally:
        supervisor.lock()
    settings = load_settings(data_dir, environ={}).with_overrides(**TEST_DEVICES)
    summary = DemoSummary()
    run_village(DemoOptions(citizens=1, seed=seed, today=today), data_dir, settings, login, summary)
    assert summary.sealed == 1, summary
    with EnrolmentService(data_dir, settings) as service:
        (packet,) = service.queue().next_packets_to_send()
        return open_packet(service, packet, hub[0], data_dir)


@pytest.mark.slow
def test_wizard_and_demo_packets_have_the_same_shape(qtbot, window, provisioned_hub, tmp_path, monkeypatch):
    log_in(qtbot, window, "off")
    start_session(qtbot, window)
    record_id = enrol_one(qtbot, window, adult_person(), tmp_path)
    window.lock()
    log_in(qtbot, window, "sup")
    detail = window.review_detail
    window.open_record(record_id)
    qtbot.waitUntil(lambda: detail.view is not None and detail.view.record_id == record_id, timeout=WAIT)
    with qtbot.waitSignal(detail.acted, timeout=WAIT):
        detail.approve_button.click()
    service = window.ctx.service
    (packet,) = service.queue().next_packets_to_send()
    app = open_packet(service, packet, provisioned_hub.service.keys.hpke_private["x25519"], window.ctx.data_dir)
    demo = demo_packet(tmp_path, monkeypatch)

    assert set(app.manifest) == set(demo.manifest)
    assert key_paths(app.record) == key_paths(demo.record)
    assert set(app.capture) == set(demo.capture) >= {"devices", "face", "fingers", "duplicates",
                                                      "validation_warnings"}
    assert "fingerprints" not in demo.capture                      # one key name: "fingers"
    assert set(app.capture["fingers"]) == set(demo.capture["fingers"])
    for step in app.capture["fingers"]:
        assert set(app.capture["fingers"][step]) == set(demo.capture["fingers"][step])
    assert set(app.capture["face"]) == set(demo.capture["face"])
    assert set(app.capture["devices"]) == set(demo.capture["devices"])
    assert sorted(app.blobs) == sorted(demo.blobs)
    assert len([n for n in app.blobs if n.startswith("face.")]) == 1
