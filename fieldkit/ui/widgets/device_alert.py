"""A red line that appears when a live device stops delivering (camera unplugged, frozen) and goes when it is back.

For a page that shows a live picture (the face step): `DeviceAlert(ctx.devices, spec)` placed above the preview
shows `messages.device_health_message(state)` from `DeviceManager.health_changed`, so the officer never looks at
a frozen last frame with old advice. `live` tells the page whether to trust the picture.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QLabel

from fieldkit.ui.messages import device_health_message


class DeviceAlert(QLabel):
    live_changed = Signal(bool)

    def __init__(self, manager, spec: str, parent=None):
        super().__init__(parent)
        self.setObjectName("deviceAlert")
        self.setWordWrap(True)
        self.setStyleSheet("color: white; background: #b03a2e; font-weight: bold; padding: 4px;")
        self._manager, self._state = manager, "ok"
        self.spec = spec
        manager.health_changed.connect(self._changed)
        self._show()

    @property
    def live(self) -> bool:
        return self._state == "ok"

    def set_spec(self, spec: str) -> None:
        """Follow another device (the settings changed)."""
        self.spec = spec
        self._state = self._manager.health.get(spec, "ok")
        self._show()

    def _changed(self, spec: str, state: str) -> None:
        if spec != self.spec or state == self._state:
            return
        self._state = state
        self._show()
        self.live_changed.emit(self.live)

    def _show(self) -> None:
        self.setText(device_health_message(self._state))
        self.setVisible(not self.live)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.setText(device_health_message(self._state))
        super().changeEvent(event)
