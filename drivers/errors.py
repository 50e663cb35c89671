"""Device errors a technician can act on: each says what happened and what to try."""

from __future__ import annotations


class DeviceError(Exception):
    """Base of every driver error. `hint` tells a technician what to do next."""

    hint = "Check the cable and run `fieldkit devices`."

    def __init__(self, message: str, *, spec: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.spec = spec
        if hint is not None:
            self.hint = hint

    def __str__(self) -> str:
        where = f"{self.spec}: " if self.spec else ""
        return f"{where}{self.args[0]} ({self.hint})"


class SpecError(DeviceError, ValueError):
    hint = "A device spec looks like kind:backend[:target][?option=value], e.g. fingerprint:serial:/dev/ttyUSB0?baud=57600."


class DeviceNotFound(DeviceError):
    hint = "Is it plugged in and powered? Run `fieldkit devices` to see what is connected."


class DeviceDisconnected(DeviceError):
    hint = "The device went away (unplugged or lost power). Reconnect it; the kit reconnects by itself."


class DeviceTimeout(DeviceError):
    hint = "The device did not answer in time. Check the baud rate setting and the cable."


class ProtocolError(DeviceError):
    hint = "The device sent bytes the driver did not expect (noise, wrong baud rate, or a different model)."


class DeviceBusy(DeviceError):
    hint = "The device is busy with another operation; try again in a moment."


class CaptureRejected(DeviceError):
    """The device worked but the capture is unusable (no finger, too messy, no face)."""

    hint = "Ask the person to try again as the screen shows."


class DeviceAccessDenied(DeviceError):
    """The device answered but refused the kit (wrong password or address)."""

    hint = "The device's password does not match the kit's setting (password= in the device spec)."


class UnsupportedOperation(DeviceError):
    """The device cannot do what was asked (e.g. a four-finger slap on a single-finger module)."""

    hint = "Use a device that supports this capture; `fieldkit devices` lists each device's capabilities."
