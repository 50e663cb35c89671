"""Face capture: live preview with the quality overlay in plain words, auto-capture, and the ways out when
no frame ever passes (a view over fieldkit.enrolment.flow.EnrolmentFlow's face step).

Frames come from the camera's preview stream (drivers.camera FrameStream: its own delivery thread). On that
thread each frame is fed to fieldkit.enrolment.face.FaceCapture (live assessment, capture once the checks
hold, and the best frame so far); the picture, the overlay and any captured portrait cross to the UI thread
as a queued signal. The UI thread only paints. When the checks never hold (a smiling sitter), the officer
keeps the best frame (its failed checks go to the supervisor) or records a face exception with a reason.
"""

from __future__ import annotations

import threading

import cv2
from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from fieldkit.ui.messages import device_health_message, user_message
from fieldkit.ui.widgets.device_alert import DeviceAlert
from fieldkit.ui.widgets.frame_view import FrameView
from fieldkit.ui.widgets.images import pixmap_from_bytes, qimage_from_array

PREVIEW_WIDTH = 640  # px: frames are reduced on the camera side before crossing to the UI


class FaceFeed(QObject):
    """Runs FaceCapture on the stream's delivery thread; emits what the UI draws."""

    frame = Signal(object, object)       # QImage, Overlay
    captured = Signal(object)            # fieldkit.enrolment.face.FacePortrait

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        from fieldkit.enrolment.face import FaceCapture
        self.capture = FaceCapture()
        self._lock = threading.Lock()
        self._reset = False
        self._hold = False
        self.frames = 0

    def request_reset(self) -> None:
        with self._lock:
            self._reset = True

    def hold(self) -> None:
        """Preview only: do not capture until the next reset."""
        with self._lock:
            self._hold = True

    def __call__(self, frame) -> None:  # the stream sink, on the delivery thread
        with self._lock:
            if self._reset:
                self.capture.reset()
                self._reset = self._hold = False
            if self._hold and self.capture.auto.captured is None:
                self.capture.auto.captured = True  # captures once per reset: mark this round as done
        live, portrait = self.capture.feed(frame.image)
        self.frames += 1
        image = frame.image
        scale = PREVIEW_WIDTH / image.shape[1]
        small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image
        self.frame.emit(qimage_from_array(small), _scaled(live.overlay, min(scale, 1.0)))
        if portrait is not None:
            self.captured.emit(portrait)


def _scaled(overlay, s: float):
    from dataclasses import replace
    if s == 1.0:
        return overlay
    box = tuple(int(v * s) for v in overlay.face_box) if overlay.face_box else None
    eyes = tuple((x * s, y * s) for x, y in overlay.eye_points) if overlay.eye_points else None
    return replace(overlay, window=tuple(v * s for v in overlay.window), face_box=box, eye_points=eyes)


class FaceCapturePage(QWidget):
    done = Signal()

    def __init__(self, controller, ctx):
        super().__init__()
        self.controller, self.ctx = controller, ctx
        self.camera = None
        self.feed: FaceFeed | None = None
        self.title = QLabel()
        self.title.setObjectName("stepTitle")
        self.view = FrameView()
        self.view.setObjectName("facePreview")
        # An unplugged or frozen camera: a red line above the preview, and no stale frame or advice under it.
        self.alert = DeviceAlert(ctx.devices, ctx.settings.camera)
        self.alert.live_changed.connect(self._live_changed)
        self.result = QLabel()
        self.result.setFixedSize(144, 185)   # the portrait's 3:4 (ICAO), small beside the preview
        self.result.setScaledContents(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.retake = QPushButton()
        self.retake.setObjectName("faceRetake")
        self.retake.clicked.connect(self.retake_photo)
        self.keep_best = QPushButton()
        self.keep_best.setObjectName("faceKeepBest")
        self.keep_best.clicked.connect(self.keep_best_frame)
        self.exc_reason = QLineEdit()
        self.exc_reason.setObjectName("faceExceptionReason")
        self.exc_button = QPushButton()
        self.exc_button.setObjectName("faceException")
        self.exc_button.clicked.connect(self.record_exception)
        self.exc_reason.returnPressed.connect(self.record_exception)
        side = QVBoxLayout()
        side.addWidget(self.result)
        side.addWidget(self.status)
        side.addWidget(self.retake)
        side.addWidget(self.keep_best)
        side.addWidget(self.exc_reason)
        side.addWidget(self.exc_button)
        side.addStretch(1)
        side_box = QWidget()
        side_box.setLayout(side)
        side_box.setMaximumWidth(380)   # as wide as its buttons need (Vietnamese labels are long), no wider
        preview = QVBoxLayout()
        preview.addWidget(self.alert)
        preview.addWidget(self.view, 1)
        row = QHBoxLayout()
        row.addLayout(preview, 1)
        row.addWidget(side_box)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)   # the wizard's frame has the margins: 1366×700 has no pixel to spare
        col.addWidget(self.title)
        col.addLayout(row, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Face photo: the photo is taken by itself when the face is well placed"))
        self.retake.setText(self.tr("Take the photo again"))
        self.keep_best.setText(self.tr("Keep the best photo so far"))
        self.exc_reason.setPlaceholderText(self.tr("Why no photo can be taken"))
        self.exc_button.setText(self.tr("Record: no photo possible"))
        self.view.language = self.ctx.language
        self._show_slot()
        if not self.alert.live:
            self._live_changed(False)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _show_slot(self) -> None:
        flow = self.controller.flow
        slot = flow.record.captures.face
        if slot.image_ref and slot.image_ref in flow.blobs:
            self.result.setPixmap(pixmap_from_bytes(flow.blobs[slot.image_ref]))
            quality = f"{slot.quality:.0f}" if slot.quality is not None else "?"
            meta = flow.meta.face
            if meta is not None and meta.kept_by_officer:
                self.status.setText(self.tr("Photo kept by the officer (quality %1 / 100); the supervisor sees "
                                            "which checks it failed.").replace("%1", quality))
            else:
                self.status.setText(self.tr("Photo taken (quality %1 / 100).").replace("%1", quality))
        elif slot.exception_reason:
            self.result.clear()
            self.status.setText(self.tr("No photo: %1").replace("%1", slot.exception_reason))
        else:
            self.result.clear()
            self.status.setText(self.tr("Ask the citizen to look straight at the camera."))

    def reset(self) -> None:
        """A new citizen: nothing of the previous one's face stays on screen."""
        self.stop()
        self.view.clear()
        self.view.set_message("")
        self.exc_reason.clear()
        self._show_slot()

    # -- camera ---------------------------------------------------------------------------------------
    def start(self) -> None:
        """Called when the page is shown: open the camera (background) and start the preview."""
        self.view.clear()
        self.view.set_message(self.tr("Opening the camera…"))
        self._show_slot()
        spec = self.ctx.settings.camera
        self.alert.set_spec(spec)
        if not self.alert.live:   # unplugged before the step was opened: say so instead of "opening"
            self._live_changed(False)
        self.ctx.devices.open(spec, on_ready=self._camera_ready,
                              on_error=lambda e: self.view.set_message(self.tr("Camera error: %1")
                                                                       .replace("%1", user_message(e))))

    def _camera_ready(self, camera) -> None:
        self.camera = camera
        self.feed = FaceFeed()
        self.feed.frame.connect(self._show_frame)
        self.feed.captured.connect(self._captured)
        if self.controller.flow.face_done():
            self.feed.hold()  # already have a photo (or an exception): preview only until "take again"
        camera.start_stream(self.feed, fps=10)

    def _show_frame(self, image, overlay) -> None:
        if self.alert.live:   # a frame queued before the camera went away is not painted over the warning
            self.view.show_frame(image, overlay)

    def _live_changed(self, live: bool) -> None:
        """The camera stopped delivering (or came back): never leave its last frame and advice on screen."""
        self.view.clear()
        self.view.set_message("" if live else device_health_message(self.ctx.devices.health.get(self.alert.spec,
                                                                                                 "ok")))

    def stop(self) -> None:
        """Called when the page is left: stop the stream (joins its threads); the camera stays open."""
        if self.camera is not None:
            self.camera.stop_stream()
        self.feed = None

    def retake_photo(self) -> None:
        self.controller.flow.retake_face()   # every earlier face blob goes (face.jpg and face.jp2)
        self.controller.changed()
        self._show_slot()
        if self.feed is not None:
            self.feed.request_reset()

    def keep_best_frame(self) -> None:
        """No frame passed the checks: keep the best one seen (encoding runs off the UI thread)."""
        feed = self.feed
        if feed is None or not feed.capture.has_candidate:
            self.status.setText(self.tr("No face has been seen yet."))
            return
        self.ctx.runner.run(feed.capture.keep_best, on_success=self._captured,
                            on_failure=lambda _e: self.status.setText(self.tr("No face has been seen yet.")))

    def record_exception(self) -> None:
        reason = self.exc_reason.text().strip()
        if not reason:
            self.status.setText(self.tr("Type the reason first."))
            self.exc_reason.setFocus()
            return
        self.controller.flow.face_exception(reason)
        if self.feed is not None:
            self.feed.hold()
        self.controller.changed()
        self._show_slot()
        self.done.emit()

    def _captured(self, portrait) -> None:
        self.controller.flow.keep_face(portrait, self.ctx.settings.camera)
        self.controller.changed()
        self._show_slot()
        self.done.emit()
