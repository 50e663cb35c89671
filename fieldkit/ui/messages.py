"""What an officer reads when something fails: one translated sentence per kind of failure, never the exception's
own text (device specs, paths, class names, errno numbers, English hints).

`user_message(exc)` covers device errors (drivers/errors.py), sync and hub failures, input errors from the domain
(dates, card QR: their Vietnamese text comes from the domain) and the kit's own errors; anything else gets a
general sentence, and the details go to the log (type only: messages may hold personal data).
`sync_state_name` and `sync_error_text` turn the sync status snapshot (sync/client/status.py) into words, and
`local_time` shows its UTC ISO times as local DD/MM/YYYY HH:MM.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from PySide6.QtCore import QCoreApplication

log = logging.getLogger(__name__)


def _t(text: str) -> str:
    return QCoreApplication.translate("Messages", text)


def _language() -> str:
    from PySide6.QtCore import QLocale
    return "vi" if QLocale().language() == QLocale.Language.Vietnamese else "en"


def device_message(exc: BaseException) -> str:
    """A device error as one sentence with what to do (the hint once, translated)."""
    from drivers import errors as e
    table = (
        (e.SpecError, _t("The device setting is not valid. A technician checks the device settings.")),
        (e.DeviceNotFound, _t("The device was not found. Is it plugged in and switched on?")),
        (e.DeviceDisconnected, _t("The device was unplugged or lost power. Plug it in again; "
                                  "the kit reconnects by itself.")),
        (e.DeviceTimeout, _t("The device did not answer in time. Check the cable and try again.")),
        (e.ProtocolError, _t("The device sent data the kit does not understand. Unplug it, plug it in again "
                             "and try again.")),
        (e.DeviceBusy, _t("The device is busy. Try again in a moment.")),
        (e.CaptureRejected, _t("The capture could not be used. Ask the person to try again as the screen shows.")),
        (e.DeviceAccessDenied, _t("The device refused the kit (wrong device password). A technician checks the "
                                  "device settings.")),
        (e.UnsupportedOperation, _t("This device cannot do this capture. Use the device the kit is set up for.")),
    )
    for cls, text in table:
        if isinstance(exc, cls):
            return text
    return _t("The device failed. Check the cable and try again.")


def _sync_message(exc: BaseException) -> str | None:
    try:
        from sync.client.transport import HubRefused, HubUnreachable
        from sync.client.uploader import ReceiptInvalid, UploadStuck
    except ImportError:   # the kit runs without the sync package in some tests
        return None
    if isinstance(exc, HubUnreachable):
        return _t("The hub cannot be reached (no network or the hub is off). Records stay queued and are sent later.")
    if isinstance(exc, HubRefused):
        return _t("The hub refused the data. A supervisor checks the sync page.")
    if isinstance(exc, ReceiptInvalid):
        return _t("The hub's receipt could not be verified. The record stays queued; tell the technician.")
    if isinstance(exc, UploadStuck):
        return _t("A record could not be sent after several tries. It stays queued; tell the technician.")
    return None


def user_message(exc: BaseException) -> str:
    """One translated sentence for a failure shown in the UI (no raw exception text)."""
    from drivers.errors import DeviceError
    from fieldkit.domain.card_qr import QrParseError
    from fieldkit.domain.dates import DateFormatError
    from fieldkit.domain.messages import localized
    from fieldkit.security import keystore

    if isinstance(exc, DeviceError):
        return device_message(exc)
    if isinstance(exc, QrParseError):
        return _t("This is not an ID card QR: %1").replace("%1", localized(exc, _language()))
    if isinstance(exc, DateFormatError):
        return localized(exc, _language())
    sync = _sync_message(exc)
    if sync is not None:
        return sync
    if isinstance(exc, keystore.NotAllowed):
        return _t("Your role does not allow this.")
    if isinstance(exc, keystore.BadPassphrase):
        return _t("Wrong user name or passphrase.")
    if isinstance(exc, (keystore.KitNotInitialised, keystore.KitWiped)):
        return _t("This kit is not set up. A technician sets it up first.")
    name = type(exc).__name__
    if name == "RecordLocked":
        return _t("This record can no longer be changed (it was sent for review or sealed).")
    if name == "StaleVersion":
        return _t("Someone changed this record meanwhile. Open it again.")
    if name == "RecordNotFound":
        return _t("The record was not found.")
    if name == "HubNotProvisioned":
        return _t("This kit is not connected to a hub yet. A technician provisions it.")
    if isinstance(exc, (ConnectionError, TimeoutError)) or "httpx" in type(exc).__module__:
        return _t("The hub cannot be reached (no network or the hub is off). Records stay queued and are sent later.")
    if isinstance(exc, OSError):
        return _t("The kit could not read or write a file or drive. Check the USB drive and the free space.")
    log.warning("unexpected error shown to the user as a general message: %s", name)
    return _t("The operation failed. The technician finds the details in the kit's log.")


def device_health_message(state: str) -> str:
    """What to tell the officer when a live camera picture stops (DeviceManager.health_changed); "" when live."""
    return {"disconnected": _t("The camera is unplugged or lost power. Plug it in again; the kit reconnects by "
                               "itself."),
            "reconnecting": _t("Reconnecting to the camera…"),
            "frozen": _t("The camera picture is frozen. If it does not move again, unplug the camera and plug it "
                         "in again.")}.get(state, "")


SYNC_STATES = ("idle", "offline", "probing", "uploading", "stopped")


def sync_state_name(state: str) -> str:
    return {"idle": _t("up to date, waiting"), "offline": _t("no connection to the hub"),
            "probing": _t("looking for the hub"), "uploading": _t("sending"),
            "stopped": _t("stopped")}.get(state, _t("unknown"))


def sync_error_text(text: str) -> str:
    """The sync status's last error (an English technical line) as a sentence for the officer."""
    if not text:
        return ""
    low = text.lower()
    if any(k in low for k in ("connect", "refused", "unreachable", "timeout", "timed out", "network", "errno")):
        return _t("The hub cannot be reached (no network or the hub is off). Records stay queued and are sent later.")
    if "refus" in low or "reject" in low:
        return _t("The hub refused the data. A supervisor checks the sync page.")
    return _t("Sending failed; the kit tries again by itself.")


def local_time(value: str | float | None) -> str:
    """A UTC ISO time ("2026-12-04T22:30:00Z") or epoch seconds as local DD/MM/YYYY HH:MM; "—" when none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, (int, float)):
        moment = datetime.fromtimestamp(value, tz=timezone.utc)
    else:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone().strftime("%d/%m/%Y %H:%M")
