"""The sync panel's USB route: export to a drive, the hub imports it and writes receipts, the kit imports them."""

from __future__ import annotations

import pytest

from tests.ui.conftest import PASS
from tests.ui.flows import WAIT, log_in


@pytest.fixture
def hub_service(provisioned_hub):
    """The hub's service; its HTTP server is stopped, so the drive is the kit's only route."""
    provisioned_hub.server.stop()
    return provisioned_hub.service


def sealed_packet(window) -> str:
    """An officer's record (synthetic) approved by the supervisor through the core: one sealed packet queued."""
    service = window.ctx.open_service()
    officer = service.unlock("off", PASS["off"])
    ref = officer.save_draft({"full_name": "Hà Văn Thử", "id_number": "066099000123"}, {"face.jpg": b"\xff\xd8face"})
    officer.submit_for_review(ref.record_id)
    officer.kit.lock()
    supervisor = service.unlock("sup", PASS["sup"])
    supervisor.approve(ref.record_id)
    supervisor.kit.lock()
    return ref.record_id


def test_usb_export_then_receipts(qtbot, window, hub_service, tmp_path):
    from sync.hub.usb_import import import_drive

    sealed_packet(window)
    log_in(qtbot, window, "sup")
    window.show_page("sync")
    panel = window.sync_panel
    assert [row[1] for row in panel.table_rows()] == ["sealed"]
    assert panel.export_button.isEnabled() and panel.import_button.isEnabled()
    drive = tmp_path / "usb"
    drive.mkdir()
    panel.choose_drive = lambda _title: str(drive)    # the folder dialog, answered

    with qtbot.waitSignal(panel.usb_finished, timeout=WAIT) as exported:
        panel.export_button.click()
    kind, result = exported.args
    assert kind == "export" and len(result.written) == 1, result
    packet_files = list(drive.glob("fieldkit-usb/*/packets/*.fkp"))
    assert len(packet_files) == 1 and (result.directory / "manifest.sig").exists()
    assert "1" in panel.usb_note.text()

    imported = import_drive(hub_service, drive)                  # at the hub
    assert imported.ok and [k.received for k in imported.kits] == [result.written]
    assert len(list(drive.glob("fieldkit-usb/*/receipts/*.json"))) == 1

    with qtbot.waitSignal(panel.usb_finished, timeout=WAIT) as receipts:
        panel.import_button.click()
    kind, result = receipts.args
    assert kind == "receipts" and result.acknowledged == imported.kits[0].received and not result.invalid
    assert [row[1] for row in panel.table_rows()] == ["acknowledged"]
    assert panel.export_button.isEnabled()


def test_usb_export_to_an_unwritable_place_says_so(qtbot, window, tmp_path):
    not_a_drive = tmp_path / "not-a-dir"
    not_a_drive.write_text("a file, not a drive")
    log_in(qtbot, window, "off")
    window.show_page("sync")
    panel = window.sync_panel
    with qtbot.waitSignal(panel.usb_finished, timeout=WAIT) as done:
        panel.export_to_usb(str(not_a_drive))
    from sync.usb import UnsafeDriveFile
    assert isinstance(done.args[1], (OSError, UnsafeDriveFile))
    assert panel.usb_note.text() and panel.export_button.isEnabled()
