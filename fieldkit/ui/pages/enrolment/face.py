"""Face capture: live preview with the quality overlay in plain words, and auto-capture.

Frames come from the camera's preview stream (drivers.camera FrameStream: its own delivery thread). On that
thread each frame is fed to fieldkit.quality.autocapture.AutoCapture (live assessment + capture once the
checks hold); the picture, the overlay and any captured portrait cross to the UI thread as a queued signal.
The UI thread only paints.
"""

from __future__ import annotations

import threading

import cv2
from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from fieldkit.ui.widgets.frame_view import FrameView
from fieldkit.ui.widgets.images import pixmap_from_bytes, qimage_from_array

PREVIEW_WIDTH = 640  # px: frames are reduced on the camera side before crossing to the UI


class FaceFeed(QObject):
    """Runs AutoCapture on the stream's delivery thread; emits what the UI draws."""

    frame = Signal(object, object)       # QImage, Overlay
    captured = Signal(object)            # CapturedPortrait

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        from fieldkit.quality.autocapture import AutoCapture
        self._auto = AutoCapture()
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
                self._auto.reset()
                self._reset = self._hold = False
            if self._hold and self._auto.captured is None:
                self._auto.captured = True  # AutoCapture captures once per reset: mark this round as done
        live, portrait = self._auto.feed(frame.image)
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
        self.tries = 0
        self.title = QLabel()
        self.title.setObjectName("stepTitle")
        self.view = FrameView()
        self.view.setObjectName("facePreview")
        self.result = QLabel()
        self.result.setFixedSize(200, 256)
        self.result.setScaledContents(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.retake = QPushButton()
        self.retake.setObjectName("faceRetake")
        self.retake.clicked.connect(self.retake_photo)
        side = QVBoxLayout()
        side.addWidget(self.result)
        side.addWidget(self.status)
        side.addWidget(self.retake)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.view, 1)
        row.addLayout(side)
        col = QVBoxLayout(self)
        col.addWidget(self.title)
        col.addLayout(row, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Face photo: the photo is taken by itself when the face is well placed"))
        self.retake.setText(self.tr("Take the photo again"))
        self.view.language = self.ctx.language
        self._show_slot()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _show_slot(self) -> None:
        slot = self.controller.record.captures.face
        if slot.image_ref and slot.image_ref in self.controller.blobs:
            self.result.setPixmap(pixmap_from_bytes(self.controller.blobs[slot.image_ref]))
            self.status.setText(self.tr("Photo taken (quality %1).").replace("%1", f"{slot.quality:.2f}"
                                                                              if slot.quality is not None else "?"))
        else:
            self.result.clear()
            self.status.setText(self.tr("Ask the citizen to look straight at the camera."))

    # -- camera ---------------------------------------------------------------------------------------
    def start(self) -> None:
        """Called when the page is shown: open the camera (background) and start the preview."""
        self.view.set_message(self.tr("Opening the camera…"))
        self._show_slot()
        spec = self.ctx.settings.camera
        self.ctx.devices.open(spec, on_ready=self._camera_ready,
                              on_error=lambda e: self.view.set_message(self.tr("Camera error: %1").replace("%1", str(e))))

    def _camera_ready(self, camera) -> None:
        self.camera = camera
        self.feed = FaceFeed()
        self.feed.frame.connect(self.view.show_frame)
        self.feed.captured.connect(self._captured)
        if self.controller.record.captures.face.image_ref:
            self.feed.hold()  # already have a photo: preview only until "take again"
        camera.start_stream(self.feed, fps=10)

    def stop(self) -> None:
        """Called when the page is left: stop the stream (joins its threads); the camera stays open."""
        if self.camera is not None:
            self.camera.stop_stream()
        self.feed = None

    def retake_photo(self) -> None:
        self.controller.record.captures.face.image_ref = None
        self.controller.blobs.pop("face.jp2", None)
        self._show_slot()
        if self.feed is not None:
            self.feed.request_reset()

    def _captured(self, portrait) -> None:
        self.tries += 1
        name = "face." + ("jp2" if portrait.format == "jp2" else "jpg")
        slot = self.controller.record.captures.face
        self.controller.blobs[name] = portrait.data
        slot.image_ref, slot.quality, slot.tries = name, portrait.score, slot.tries + 1
        self.controller.capture_meta["face"] = portrait.metadata()
        self.controller.capture_meta.setdefault("devices", {})["camera"] = self.ctx.settings.camera.split("?")[0]
        self.controller.changed()
        self._show_slot()
        self.done.emit()
