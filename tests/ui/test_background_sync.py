"""The app sends by itself: logged in on a provisioned kit with sealed packets and a hub on loopback, every
packet reaches the hub without a click; the header says so in words; locking pauses sending (the device key
is forgotten) and no sync thread is left."""

from __future__ import annotations

import re
import threading

from PySide6.QtCore import QCoreApplication

from tests.ui.conftest import PASS
from tests.ui.flows import WAIT, log_in


def words(text: str) -> str:
    return QCoreApplication.translate("SyncStatusWidget", text)


def seal(window, n: int) -> list[str]:
    """n synthetic records captured by the officer and approved by the supervisor through the core."""
    service = window.ctx.open_service()
    officer = service.unlock("off", PASS["off"])
    ids = []
    for i in range(n):
        ref = officer.save_draft({"full_name": f"Hà Văn Thử {i}", "id_number": f"06609900012{i}"},
                                 {"face.jpg": b"\xff\xd8face" + bytes([i])})
        officer.submit_for_review(ref.record_id)
        ids.append(ref.record_id)
    officer.kit.lock()
    supervisor = service.unlock("sup", PASS["sup"])
    for record_id in ids:
        supervisor.approve(record_id)
    supervisor.kit.lock()
    return ids


def sync_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "sync-worker" and t.is_alive()]


def test_logged_in_kit_delivers_sealed_packets_without_a_click(qtbot, window, provisioned_hub):
    seal(window, 3)
    header = window.sync_status
    assert not sync_threads()   # nobody logged in: nothing is sent (the device key is locked away)
    assert words("Sending paused while locked") in header.text()

    log_in(qtbot, window, "off")   # no click on anything sync-related from here on
    qtbot.waitUntil(lambda: provisioned_hub.storage.count_packets() == 3, timeout=WAIT)
    qtbot.waitUntil(lambda: header.text() == words("All delivered"), timeout=WAIT)
    assert not header.bar.isVisible()
    assert [row.status for row in window.sync_panel.table_rows()] == ["acknowledged"] * 3
    window.show_page("sync")   # what the supervisor reads there: no stale "log in" line, a local time
    panel = window.sync_panel
    assert panel.link.text() != QCoreApplication.translate("SyncPanel", "Log in to see the queue.")
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", panel.detail.text()) and "Z" not in panel.detail.text()

    window.lock()   # the key is forgotten: sending pauses, and says so on the lock screen
    qtbot.waitUntil(lambda: not sync_threads(), timeout=WAIT)
    assert words("Sending paused while locked") in header.text()


def test_a_packet_sealed_while_logged_in_leaves_at_once(qtbot, window, provisioned_hub):
    log_in(qtbot, window, "sup")
    qtbot.waitUntil(lambda: window.sync_status.text() == words("All delivered"), timeout=WAIT)
    seal(window, 1)   # sealed by another session of the core: the worker idles (5 min) until woken
    window.sync_panel.wake()   # what the app does after approve
    qtbot.waitUntil(lambda: provisioned_hub.storage.count_packets() == 1, timeout=WAIT)


def test_header_counts_waiting_packets_while_the_hub_is_away_and_send_now_stays(qtbot, window, provisioned_hub):
    provisioned_hub.server.stop()   # the link is gone
    seal(window, 2)
    log_in(qtbot, window, "off")
    header = window.sync_status
    qtbot.waitUntil(lambda: header.text() == words("Offline · %1 waiting").replace("%1", "2"), timeout=WAIT)
    panel = window.sync_panel
    window.show_page("sync")
    assert panel.sync_button.isEnabled()
    with qtbot.waitSignal(panel.pass_finished, timeout=WAIT) as done:
        panel.sync_button.click()   # "send now" wakes the worker at once instead of waiting out the back-off
    assert not done.args[0].reached_hub
    assert [row.status for row in panel.table_rows()] == ["sealed", "sealed"]


def test_a_packet_the_hub_refuses_shows_the_hubs_reason_in_the_app(qtbot, window, provisioned_hub, kit_dir):
    """hub.json replaced (sealed by the kit's own device key, as a mistaken re-provisioning would) so packets
    are sealed to a key the hub does not hold. The hub
    refuses with a signed reason; the app keeps the packet and shows the refusal with the hub's reason."""
    from fieldkit.security.hub_keys import load_hub_keys, store_hub_keys
    from sync.hub.keys import generate_hub_keys

    real = load_hub_keys(kit_dir)
    from fieldkit.security import keystore
    from tests.ui.conftest import PASS
    store_hub_keys(kit_dir, hub_url=real.hub_url, signing_public_key=real.signing_public_key,
                   hpke_public_keys=generate_hub_keys().hpke_public, hub_id=real.hub_id,
                   signer=keystore.unlock(kit_dir, "tech", PASS["tech"]))
    seal(window, 1)
    log_in(qtbot, window, "sup")
    header = window.sync_status
    refused = words("All delivered") + " · " + words("%1 refused").replace("%1", "1")
    qtbot.waitUntil(lambda: header.text() == refused, timeout=WAIT)
    assert provisioned_hub.storage.count_packets() == 0   # nothing stored at the hub ...
    [row] = window.sync_panel.table_rows()                 # ... and the kit keeps the packet, with the reason
    assert row.status == "sealed" and row.refused_reason.startswith("decrypt_failed")
    window.show_page("sync")
    problem = window.sync_panel.table.item(0, 3).text()
    assert problem.endswith(": decrypt_failed")   # the hub's code, not its English message
