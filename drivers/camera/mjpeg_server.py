"""Serve a simulated camera as an MJPEG stream over HTTP on 127.0.0.1, as IP cameras and webcam bridges do.

This puts the simulator behind a real transport: the OpenCV driver opens
`camera:opencv:http://127.0.0.1:<port>/stream.mjpg` through FFmpeg exactly as it would a network camera, and
any other tool (a browser, VLC, ffplay) can watch the same URL. Faults act on the wire: `unplugged` closes
every open connection and answers new ones with 503; `frozen`, `drop_rate` and `stall_seconds` shape the frames.

    server = MjpegServer(SimulatedCamera(load_profile("studio"))).start()
    print(server.url)      # for `fieldkit sim camera`
    server.stop()          # closes clients and joins every thread
"""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cv2

from drivers.camera.sim_camera import SimulatedCamera

BOUNDARY = b"fieldkitframe"


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # handler threads are joined by server_close(): none outlives the server
    block_on_close = True

    def __init__(self, address, owner: "MjpegServer"):
        self.owner = owner
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        owner = self.server.owner
        if self.path.split("?")[0] != "/stream.mjpg":
            self.send_error(404, "the stream is at /stream.mjpg")
            return
        if not owner.device.open_capture().isOpened():  # counts as a reopen attempt, as a USB open would
            self.send_error(503, "camera unplugged")
            return
        self.send_response(200)
        self.send_header("Content-Type", f"multipart/x-mixed-replace; boundary={BOUNDARY.decode()}")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        owner.serve_frames(self)

    def log_message(self, format, *args) -> None:  # noqa: A002 - quiet: the kit logs through fieldkit.logs
        pass


class MjpegServer:
    """One simulated camera on one local port; every connected client gets the same paced frames."""

    def __init__(self, device: SimulatedCamera, host: str = "127.0.0.1", port: int = 0, quality: int = 90):
        self.device = device
        self.quality = quality
        self._stop = threading.Event()
        self._clients: set[socket.socket] = set()
        self._clients_lock = threading.Lock()
        self._httpd = _Server((host, port), self)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/stream.mjpg"

    @property
    def spec(self) -> str:
        """The device spec the kit's driver opens this stream with."""
        return f"camera:opencv:{self.url}"

    def start(self) -> "MjpegServer":
        # Warm up first (photo load, composite, noise field: up to a second on a busy machine), so a client's
        # first frame is not late enough to trip its open timeout.
        device = self.device
        device.renderer.frame(device.scene, device.width, device.height, 0)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="camera-mjpeg-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close every client, stop serving and join all threads."""
        self._stop.set()
        self.drop_clients()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def drop_clients(self) -> None:
        """Cut every open connection (what an unplugged camera does to its readers)."""
        with self._clients_lock:
            for sock in self._clients:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def __enter__(self) -> "MjpegServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def serve_frames(self, handler: _Handler) -> None:
        """Write JPEG parts at the camera's frame rate until the client leaves, the camera is unplugged or stop."""
        sock = handler.connection
        with self._clients_lock:
            self._clients.add(sock)
        next_due = time.monotonic()
        try:
            while not self._stop.is_set():
                image = self.device.next_frame()
                if image is None:  # unplugged: the connection dies with it
                    return
                ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, self.quality])
                if not ok:
                    return
                handler.wfile.write(b"--" + BOUNDARY + b"\r\nContent-Type: image/jpeg\r\nContent-Length: "
                                    + str(len(jpeg)).encode() + b"\r\n\r\n" + jpeg.tobytes() + b"\r\n")
                next_due += 1.0 / max(1.0, self.device.fps)
                if self._stop.wait(max(0.0, next_due - time.monotonic())):
                    return
        except OSError:  # the client went away (BrokenPipe, ConnectionReset) or drop_clients cut it
            return
        finally:
            with self._clients_lock:
                self._clients.discard(sock)
