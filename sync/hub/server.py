"""Run the hub app with uvicorn, either in the foreground (`fieldkit-hub serve`) or in a thread (tests, bench).

`HubServer` binds its own socket first, so port 0 gives a free port that is known before serving starts,
and `stop()` asks uvicorn to finish (graceful shutdown is bounded) and joins the thread.
"""

from __future__ import annotations

import socket
import threading
import time

import uvicorn
from starlette.applications import Starlette

GRACEFUL_SHUTDOWN_S = 3


def bind_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # A restarted hub takes its port back at once (connections of the old one may sit in TIME_WAIT).
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    # Listen now: a kit told the address (or a test that read it) may connect before uvicorn is up; the
    # kernel queues those connections instead of refusing them.
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def uvicorn_config(app: Starlette, host: str, port: int, log_level: str = "warning",
                   graceful_s: float = GRACEFUL_SHUTDOWN_S) -> uvicorn.Config:
    return uvicorn.Config(app, host=host, port=port, log_level=log_level, lifespan="off", access_log=False,
                          timeout_graceful_shutdown=graceful_s, timeout_keep_alive=15)


class HubServer:
    """uvicorn in one background thread; `start()` returns once it accepts connections."""

    def __init__(self, app: Starlette, host: str = "127.0.0.1", port: int = 0,
                 graceful_s: float = GRACEFUL_SHUTDOWN_S):
        self._sock = bind_socket(host, port)
        self.host, self.port = self._sock.getsockname()[:2]
        self._graceful_s = graceful_s
        self._server = uvicorn.Server(uvicorn_config(app, self.host, self.port, graceful_s=graceful_s))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]},
                                        name=f"hub-server-{self.port}", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> "HubServer":
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("hub server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=self._graceful_s + 5)
        self._sock.close()
        if self._thread.is_alive():
            raise RuntimeError("hub server thread did not stop")

    def __enter__(self) -> "HubServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
