"""What an officer reads when something fails: one translated sentence per kind of failure, never the exception's
own text (device specs, paths, class names, errno numbers, English hints).

`user_message(exc)` covers device errors (drivers/errors.py), sync and hub failures, input errors from the domain
(dates, card QR: their Vietnamese text comes from the domain) and the kit's own errors; anything else gets a
general sentence, and the details go to the log (type only: messages may hold personal data).
`device_health_message` words a live camera that stopped (DeviceManager.health_changed); `sync_state_name` and
`sync_error_text` turn the sync status snapshot (sync/client/status.py) into words, and `local_time` shows its
UTC ISO times as local DD/MM/YYYY HH:MM.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

log = logging.getLogger(__name__)

# The English source texts (lupdate reads QT_TRANSLATE_NOOP; `_t` translates at the moment of showing).
TEXTS = {
    "spec": QT_TRANSLATE_NOOP("Messages", "The device setting is not valid. A technician checks the device "
                                          "settings."),
    "not_found": QT_TRANSLATE_NOOP("Messages", "The device was not found. Is it plugged in and switched on?"),
    "disconnected": QT_TRANSLATE_NOOP("Messages", "The device was unplugged or lost power. Plug it in again; the "
                                                  "kit reconnects by itself."),
    "timeout": QT_TRANSLATE_NOOP("Messages", "The device did not answer in time. Check the cable and try again."),
    "protocol": QT_TRANSLATE_NOOP("Messages", "The device sent data the kit does not understand. Unplug it, plug "
                                              "it in again and try again."),
    "busy": QT_TRANSLATE_NOOP("Messages", "The device is busy. Try again in a moment."),
    "rejected": QT_TRANSLATE_NOOP("Messages", "The capture could not be used. Ask the person to try again as the "
                                              "screen shows."),
    "denied": QT_TRANSLATE_NOOP("Messages", "The device refused the kit (wrong device password). A technician "
                                            "checks the device settings."),
    "unsupported": QT_TRANSLATE_NOOP("Messages", "This device cannot do this capture. Use the device the kit is "
                                                 "set up for."),
    "device": QT_TRANSLATE_NOOP("Messages", "The device failed. Check the cable and try again."),
    "hub_unreachable": QT_TRANSLATE_NOOP("Messages", "The hub cannot be reached (no network or the hub is off). "
                                                     "Records stay queued and are sent later."),
    "hub_refused": QT_TRANSLATE_NOOP("Messages", "The hub refused the data. A supervisor checks the sync page."),
    "receipt": QT_TRANSLATE_NOOP("Messages", "The hub's receipt could not be verified. The record stays queued; "
                                             "tell the technician."),
    "stuck": QT_TRANSLATE_NOOP("Messages", "A record could not be sent after several tries. It stays queued; tell "
                                           "the technician."),
    "sync_retry": QT_TRANSLATE_NOOP("Messages", "Sending failed; the kit tries again by itself."),
    "qr": QT_TRANSLATE_NOOP("Messages", "This is not an ID card QR: %1"),
    "not_allowed": QT_TRANSLATE_NOOP("Messages", "Your role does not allow this."),
    "bad_passphrase": QT_TRANSLATE_NOOP("Messages", "Wrong user name or passphrase."),
    "no_kit": QT_TRANSLATE_NOOP("Messages", "This kit is not set up. A technician sets it up first."),
    "locked": QT_TRANSLATE_NOOP("Messages", "This record can no longer be changed (it was sent for review or "
                                            "sealed)."),
    "stale": QT_TRANSLATE_NOOP("Messages", "Someone changed this record meanwhile. Open it again."),
    "record_missing": QT_TRANSLATE_NOOP("Messages", "The record was not found."),
    "no_hub": QT_TRANSLATE_NOOP("Messages", "This kit is not connected to a hub yet. A technician provisions it."),
    "file": QT_TRANSLATE_NOOP("Messages", "The kit could not read or write a file or drive. Check the USB drive "
                                          "and the free space."),
    "drive_missing": QT_TRANSLATE_NOOP("Messages", "No USB drive at that place. Plug the drive in, wait until it "
                                                   "appears, and choose it again."),
    "drive_unsafe": QT_TRANSLATE_NOOP("Messages", "The USB drive holds a file the kit refuses to use (a link or a "
                                                  "device instead of a file). Use another drive and tell the "
                                                  "technician."),
    "status_changed": QT_TRANSLATE_NOOP("Messages", "This record is no longer waiting for that step: someone "
                                                    "else decided on it meanwhile. Reload the list."),
    "general": QT_TRANSLATE_NOOP("Messages", "The operation failed. The technician finds the details in the kit's "
                                             "log."),
    "camera_unplugged": QT_TRANSLATE_NOOP("Messages", "The camera is unplugged or lost power. Plug it in again; "
                                                      "the kit reconnects by itself."),
    "camera_reconnecting": QT_TRANSLATE_NOOP("Messages", "Reconnecting to the camera…"),
    "camera_frozen": QT_TRANSLATE_NOOP("Messages", "The camera picture is frozen. If it does not move again, "
                                                   "unplug the camera and plug it in again."),
    "state_idle": QT_TRANSLATE_NOOP("Messages", "up to date, waiting"),
    "state_offline": QT_TRANSLATE_NOOP("Messages", "no connection to the hub"),
    "state_probing": QT_TRANSLATE_NOOP("Messages", "looking for the hub"),
    "state_uploading": QT_TRANSLATE_NOOP("Messages", "sending"),
    "state_stopped": QT_TRANSLATE_NOOP("Messages", "stopped"),
    "state_unknown": QT_TRANSLATE_NOOP("Messages", "unknown"),
}


def _t(key: str) -> str:
    return QCoreApplication.translate("Messages", TEXTS[key])


def _language() -> str:
    from PySide6.QtCore import QLocale
    return "vi" if QLocale().language() == QLocale.Language.Vietnamese else "en"


def device_message(exc: BaseException) -> str:
    """A device error as one sentence with what to do (the driver's hint is not repeated: this replaces it)."""
    from drivers import errors as e
    table = ((e.SpecError, "spec"), (e.DeviceNotFound, "not_found"), (e.DeviceDisconnected, "disconnected"),
             (e.DeviceTimeout, "timeout"), (e.ProtocolError, "protocol"), (e.DeviceBusy, "busy"),
             (e.CaptureRejected, "rejected"), (e.DeviceAccessDenied, "denied"),
             (e.UnsupportedOperation, "unsupported"))
    return _t(next((key for cls, key in table if isinstance(exc, cls)), "device"))


def _sync_key(exc: BaseException) -> str | None:
    try:
        from sync.client.transport import HubRefused, HubUnreachable
        from sync.client.uploader import ReceiptInvalid, UploadStuck
    except ImportError:   # a kit without the sync package
        return None
    table = ((HubUnreachable, "hub_unreachable"), (HubRefused, "hub_refused"), (ReceiptInvalid, "receipt"),
             (UploadStuck, "stuck"))
    return next((key for cls, key in table if isinstance(exc, cls)), None)


# Errors of the core matched by class name (importing them here would pull the store into every page).
BY_NAME = {"RecordLocked": "locked", "StaleVersion": "stale", "RecordNotFound": "record_missing",
           "HubNotProvisioned": "no_hub", "NotAllowed": "not_allowed", "BadPassphrase": "bad_passphrase",
           "KitNotInitialised": "no_kit", "KitWiped": "no_kit", "IllegalTransition": "status_changed"}


def user_message(exc: BaseException) -> str:
    """One translated sentence for a failure shown in the UI (no raw exception text)."""
    from drivers.errors import DeviceError
    from fieldkit.domain.card_qr import QrParseError
    from fieldkit.domain.dates import DateFormatError
    from fieldkit.domain.messages import localized
    from fieldkit.security.token import TokenError

    if isinstance(exc, DeviceError):
        return device_message(exc)
    if isinstance(exc, QrParseError):
        return _t("qr").replace("%1", localized(exc, _language()))
    if isinstance(exc, DateFormatError):
        return localized(exc, _language())
    if isinstance(exc, TokenError):
        return exc.message(_language())
    if getattr(exc, "message_vi", None) and _language() == "vi":  # the kit's refusals carry their own Vietnamese
        return str(exc.message_vi)
    if type(exc).__name__ == "UnsafeDriveFile":
        return _t("drive_missing" if getattr(exc, "code", "") == "no_drive" else "drive_unsafe")
    key = _sync_key(exc) or BY_NAME.get(type(exc).__name__)
    if key is None and (isinstance(exc, (ConnectionError, TimeoutError)) or "httpx" in type(exc).__module__):
        key = "hub_unreachable"
    if key is None and isinstance(exc, OSError):
        key = "file"
    if key is None:
        log.warning("unexpected error shown to the user as a general message: %s", type(exc).__name__)
        key = "general"
    return _t(key)


def device_health_message(state: str) -> str:
    """What to tell the officer when a live camera picture stops (DeviceManager.health_changed); "" when live."""
    key = {"disconnected": "camera_unplugged", "reconnecting": "camera_reconnecting",
           "frozen": "camera_frozen"}.get(state)
    return _t(key) if key else ""


SYNC_STATES = ("idle", "offline", "probing", "uploading", "stopped")


def sync_state_name(state: str) -> str:
    return _t(f"state_{state}" if state in SYNC_STATES else "state_unknown")


def sync_error_text(text: str) -> str:
    """The sync status's last error (an English technical line) as a sentence for the officer."""
    if not text:
        return ""
    low = text.lower()
    if any(k in low for k in ("connect", "unreachable", "timeout", "timed out", "network", "errno")):
        return _t("hub_unreachable")
    if "refus" in low or "reject" in low:
        return _t("hub_refused")
    return _t("sync_retry")


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
