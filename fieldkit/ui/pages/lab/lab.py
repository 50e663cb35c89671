"""Hardware lab: pick a device spec, open/close it, live camera preview, test captures with image and timing,
simulator fault toggles, and a log of the bytes in and out (DeviceWorker "bytes"/"status" events).

Everything device-side runs on the device's own thread; the page only receives events and results.
Synthetic sitters and synthetic prints only: a technician never sees a citizen's data here.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton,
                               QVBoxLayout, QWidget)

from fieldkit.domain.fingers import Finger, Slap
from fieldkit.ui.bridge import FutureWatcher
from fieldkit.ui.devices import present_to_simulator, simulator_of
from fieldkit.ui.messages import user_message
from fieldkit.ui.widgets.frame_view import FrameView
from fieldkit.ui.widgets.images import qimage_from_array

SERIAL_FAULTS = ("checksum", "timeout", "disconnect", "garbage", "password", "busy")
CAMERA_FAULTS = ("unplugged", "frozen")
LOG_LINES = 500


class PreviewRelay(QObject):
    frame = Signal(object)

    def __call__(self, frame) -> None:   # on the stream's delivery thread
        import cv2
        image = frame.image
        s = 640 / image.shape[1]
        small = cv2.resize(image, None, fx=s, fy=s) if s < 1 else image
        self.frame.emit(qimage_from_array(small))


class HardwareLab(QWidget):
    def __init__(self, ctx):
        super().__init__()
        self.ctx = ctx
        self.spec = ""
        self.device = None
        self.relay = None
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.spec_box = QComboBox()
        self.spec_box.setObjectName("labSpec")
        self.spec_box.setEditable(True)
        for spec in self._known_specs():
            self.spec_box.addItem(spec)
        self.open_button = QPushButton()
        self.open_button.setObjectName("labOpen")
        self.close_button = QPushButton()
        self.close_button.setObjectName("labClose")
        self.test_button = QPushButton()
        self.test_button.setObjectName("labTest")
        self.preview_button = QPushButton()
        self.preview_button.setObjectName("labPreview")
        self.state = QLabel()
        self.state.setObjectName("labState")
        # A failed Open (or a refused password) is shown here, in red above the picture, not only in the log.
        self.error = QLabel()
        self.error.setObjectName("labError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b03a2e; font-weight: bold;")
        self.error.hide()
        self.view = FrameView()
        self.view.setObjectName("labView")
        self.result = QLabel()
        self.result.setObjectName("labResult")
        self.last_image = None     # the last test capture's pixels (shown in the view)
        self._result_text = None   # builds the result line in the current language (re-run on a switch)
        self.result.setWordWrap(True)
        self.fault_box = QGroupBox()
        self.fault_checks: dict[str, QCheckBox] = {}
        fault_row = QGridLayout(self.fault_box)   # four to a row: the names are long in Vietnamese
        fault_row.setContentsMargins(6, 2, 6, 2)
        for i, name in enumerate(SERIAL_FAULTS + CAMERA_FAULTS):
            box = QCheckBox()
            box.setObjectName(f"fault_{name}")
            box.toggled.connect(lambda on, n=name: self.set_fault(n, on))
            fault_row.addWidget(box, i // 4, i % 4)
            self.fault_checks[name] = box
        self.log = QPlainTextEdit()
        self.log.setObjectName("labLog")
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(LOG_LINES)
        self.log_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.spec_box, 1)
        for b in (self.open_button, self.close_button, self.preview_button, self.test_button):
            top.addWidget(b)
        mid = QHBoxLayout()
        mid.addWidget(self.view, 2)
        right = QVBoxLayout()
        right.addWidget(self.result)
        right.addWidget(self.log_label)
        right.addWidget(self.log, 1)
        mid.addLayout(right, 1)
        col = QVBoxLayout(self)
        col.addWidget(self.title)
        col.addLayout(top)
        col.addWidget(self.state)
        col.addWidget(self.error)
        col.addWidget(self.fault_box)
        col.addLayout(mid, 1)
        self.open_button.clicked.connect(self.open_device)
        self.close_button.clicked.connect(self.close_device)
        self.test_button.clicked.connect(self.test_capture)
        self.preview_button.clicked.connect(self.toggle_preview)
        self.retranslate()
        self._update_controls()

    def _known_specs(self) -> list[str]:
        s = self.ctx.settings
        specs = [s.camera, s.fingerprint, s.slap_scanner, s.qr_reader]
        for extra in ("camera:sim:dim-hall", "camera:sim:two-people", "fingerprint:sim:flaky", "fingerprint:sim:dry-finger"):
            if extra not in specs:
                specs.append(extra)
        return specs

    def retranslate(self) -> None:
        self.title.setText(self.tr("Hardware lab"))
        self.open_button.setText(self.tr("Open"))
        self.close_button.setText(self.tr("Close"))
        self.test_button.setText(self.tr("Test capture"))
        self.preview_button.setText(self.tr("Live preview"))
        self.fault_box.setTitle(self.tr("Simulator faults"))
        self.log_label.setText(self.tr("Device log (bytes in and out)"))
        self.view.set_message(self.tr("Open a camera to see its picture."))
        names = fault_names()
        for name, box in self.fault_checks.items():
            box.setText(names[name])
        self._show_result()
        self._update_controls()

    def _show_result(self, text_builder=None) -> None:
        if text_builder is not None:
            self._result_text = text_builder
        self.result.setText(self._result_text() if self._result_text else "")

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    @property
    def kind(self) -> str:
        return self.spec.split(":", 1)[0] if self.spec else ""

    def _update_controls(self) -> None:
        opened = self.device is not None
        self.open_button.setEnabled(not opened)
        self.close_button.setEnabled(opened)
        self.test_button.setEnabled(opened)
        self.preview_button.setEnabled(opened and self.kind == "camera")
        sim = simulator_of(self.device) if opened else None
        for name, box in self.fault_checks.items():
            fits = (name in CAMERA_FAULTS) == (self.kind == "camera")
            box.setVisible(fits or not opened)
            box.setEnabled(bool(sim) and fits)
        self.state.setText(self.tr("Open: %1").replace("%1", self.spec) if opened else self.tr("No device open."))

    # -- open / close -----------------------------------------------------------------------------------
    def open_device(self) -> None:
        spec = self.spec_box.currentText().strip()
        if not spec:
            return
        self.open_button.setEnabled(False)
        self.show_error("")
        self.append_log(f"open {spec}")
        started = time.perf_counter()
        self.ctx.devices.open(spec, on_ready=lambda dev: self._opened(spec, dev, started),
                              on_error=self._open_failed)

    def _opened(self, spec: str, device, started: float) -> None:
        self.spec, self.device = spec, device
        self.append_log(f"opened in {(time.perf_counter() - started) * 1000:.0f} ms")
        events = self.ctx.devices.events(spec)
        events.event.connect(self._device_event)
        self._update_controls()

    def _open_failed(self, exc: BaseException) -> None:
        self.show_error(self.tr("Could not open the device: %1").replace("%1", user_message(exc)))
        self.append_log(f"open failed: {type(exc).__name__}")
        self.open_button.setEnabled(True)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def close_device(self) -> None:
        if self.device is None:
            return
        self.ctx.devices.close(self.spec)
        self.append_log(f"closed {self.spec}")
        self.device, self.relay = None, None
        self.view.clear()
        for box in self.fault_checks.values():
            box.blockSignals(True)
            box.setChecked(False)
            box.blockSignals(False)
        self.spec = ""
        self._update_controls()

    # -- events -----------------------------------------------------------------------------------------
    def _device_event(self, name: str, data: dict) -> None:
        if name == "bytes":
            arrow = "→" if data.get("direction") == "tx" else "←"
            self.append_log(f"{arrow} {data.get('size', '?')} B {data.get('label') or ''} {data.get('data', '')}")
        elif name in ("status", "fault"):
            detail = data.get("message") or data.get("detail") or data.get("error") or ""
            self.append_log(f"[{name}] {data.get('state', data.get('kind', ''))} {detail}")

    def append_log(self, line: str) -> None:
        self.log.appendPlainText(f"{time.strftime('%H:%M:%S')} {line}")

    # -- preview and tests ------------------------------------------------------------------------------
    def toggle_preview(self) -> None:
        if self.kind != "camera" or self.device is None:
            return
        if self.relay is None:
            self.relay = PreviewRelay(self)
            self.relay.frame.connect(self.view.show_frame)
            self.device.start_stream(self.relay, fps=10)
        else:
            self.device.stop_stream()
            self.relay = None

    def test_capture(self) -> None:
        dev, kind = self.device, self.kind
        if dev is None:
            return
        self.test_button.setEnabled(False)
        started = time.perf_counter()
        # Each test starts from a blank result and picture: a failure must not leave the previous test's on screen.
        self.last_image = None
        if self.relay is None:
            self.view.clear()
        self.show_error("")
        self._show_result(lambda: self.tr("Testing…"))
        if kind == "camera":
            future = dev.worker.submit(dev.capture_still)
        elif kind == "fingerprint":
            present_to_simulator(dev, "lab-sample", finger=Finger.RIGHT_INDEX)
            future = dev.worker.submit(dev.capture_rolled, Finger.RIGHT_INDEX)
        elif kind == "slap":
            present_to_simulator(dev, "lab-sample")
            future = dev.worker.submit(dev.capture_slap, Slap.RIGHT_FOUR)
        else:
            sim = simulator_of(dev)
            if sim is not None and hasattr(sim, "scan"):
                sim.scan("FIELDKIT-LAB-TEST")  # a test code, not a card: no personal data in the lab
            future = dev.worker.submit(dev.read_code, 5.0)
        watcher = FutureWatcher(self)
        watcher.succeeded.connect(lambda res: self._tested(res, started))
        watcher.failed.connect(lambda exc: self._test_failed(exc, started))
        watcher.watch(future)

    def _tested(self, result, started: float) -> None:
        ms = (time.perf_counter() - started) * 1000
        self.test_button.setEnabled(True)
        image = getattr(result, "image", None)
        if image is not None:
            self.last_image = image
            self.view.show_frame(qimage_from_array(image))
            timings = getattr(result, "timings", {}) or {}
            extra = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in timings.items())
            width, height = image.shape[1], image.shape[0]
            self._show_result(lambda: self.tr("Captured %1×%2 in %3 ms").replace("%1", str(width))
                              .replace("%2", str(height)).replace("%3", f"{ms:.0f}") + (f" ({extra})" if extra else ""))
        else:
            chars = len(result or "")
            self._show_result(lambda: self.tr("Read %1 characters in %2 ms").replace("%1", str(chars))
                              .replace("%2", f"{ms:.0f}"))
        self.append_log(f"test ok in {ms:.0f} ms")

    def _test_failed(self, exc: BaseException, started: float) -> None:
        ms = (time.perf_counter() - started) * 1000
        self.test_button.setEnabled(True)
        self._show_result(lambda: self.tr("Test failed after %1 ms: %2").replace("%1", f"{ms:.0f}")
                          .replace("%2", user_message(exc)))
        self.append_log(f"test failed: {type(exc).__name__}")

    def set_fault(self, name: str, on: bool) -> None:
        """Toggle a simulator fault through the simulator's own fault API."""
        sim = simulator_of(self.device)
        if sim is None:
            return
        faults = getattr(sim, "faults", None)
        if name in CAMERA_FAULTS:
            faults.set(**{name: on})
        elif on:
            faults.set(name)
        else:
            faults.clear(name)
        self.append_log(f"fault {name} {'on' if on else 'off'}")
        if name == "password":
            self.check_password()

    def check_password(self) -> None:
        """Verify the device password again now, so the "password" fault shows its effect at once (the driver
        otherwise checks it only when it (re)connects)."""
        dev = self.device
        handshake = getattr(dev, "handshake", None)
        if handshake is None:
            self._show_result(lambda: self.tr("This device checks its password when it is opened: close and open "
                                              "it to see the effect."))
            return
        watcher = FutureWatcher(self)
        watcher.succeeded.connect(lambda _r: (self.show_error(""), self._show_result(
            lambda: self.tr("Password check: the device accepted the kit."))))
        watcher.failed.connect(lambda exc: self.show_error(
            self.tr("Password check failed: %1").replace("%1", user_message(exc))))
        watcher.watch(dev.worker.submit(handshake))

    def leave(self) -> None:
        if self.relay is not None and self.device is not None:
            self.device.stop_stream()
            self.relay = None


def fault_names() -> dict[str, str]:
    """The simulator faults in words (the lab's check boxes)."""
    tr = QCoreApplication
    return {"checksum": tr.translate("Lab", "wrong checksum"), "timeout": tr.translate("Lab", "no answer"),
            "disconnect": tr.translate("Lab", "cable pulled"), "garbage": tr.translate("Lab", "line noise"),
            "password": tr.translate("Lab", "wrong password"), "busy": tr.translate("Lab", "port busy"),
            "unplugged": tr.translate("Lab", "camera unplugged"), "frozen": tr.translate("Lab", "frozen picture")}
