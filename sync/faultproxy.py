"""A fault-injecting TCP proxy on 127.0.0.1 for the sync tests and benchmark (no netem on these machines).

It forwards bytes between a client and a target, and can make the link behave like the hills:
- throttle: a link rate in bit/s per direction (e.g. 64-256 kbit/s), shared by all connections, bytes
  released on an absolute schedule so sleep errors do not add up;
- latency: a one-way delay added to every piece, pipelined (a slow link, not a stop-and-wait one);
- one-shot faults, taken in order by new connections: reset (RST) or truncate (clean close) after N
  bytes in one direction, or stall (stop forwarding for a while) after N bytes;
- a link that comes and goes (`cut_randomly(mean_up_s, seed)`): the link stays up for an exponentially
  distributed time (mean S, seeded RNG, so two runs face the same cuts), then every open connection is
  reset, optionally stays down for `down_s` (new connections die at once), and comes up again;
- counters: bytes forwarded each way, connections seen and cuts made (bytes on the wire for the benchmark).

Runs its own asyncio loop in one thread; `stop()` closes every connection and joins the thread.
"""

from __future__ import annotations

import asyncio
import random
import socket
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass

UP = "up"  # client -> target
DOWN = "down"  # target -> client
PIECE = 1400  # bytes read per step: about one TCP segment, so throttling is smooth
BUFFER_PIECES = 16  # ~22 KB queued per direction at the bottleneck


@dataclass(frozen=True)
class Fault:
    kind: str  # "reset" | "truncate" | "stall"
    direction: str = UP
    after_bytes: int = 0
    stall_s: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in ("reset", "truncate", "stall") or self.direction not in (UP, DOWN):
            raise ValueError(f"bad fault {self}")


class _Link:
    """One direction of the shared link: when it is free again, at `rate_bps`."""

    def __init__(self) -> None:
        self.free_at = 0.0

    def reserve(self, nbytes: int, rate_bps: float | None, earliest: float) -> float:
        """When a piece that may start at `earliest` has left the link."""
        if not rate_bps:
            return earliest
        self.free_at = max(self.free_at, earliest) + nbytes * 8 / rate_bps
        return self.free_at


class FaultProxy:
    def __init__(self, target_host: str, target_port: int, rate_bps: float | None = None, latency_s: float = 0.0,
                 listen_host: str = "127.0.0.1"):
        self.target = (target_host, target_port)
        self.rate_bps = rate_bps
        self.latency_s = latency_s
        self._listen_host = listen_host
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self.bytes = {UP: 0, DOWN: 0}
        self.connections = 0
        self.cuts = 0
        self.faults_fired: list[Fault] = []
        self._link_down = False
        self._cutter: asyncio.Task | None = None
        self._links = {UP: _Link(), DOWN: _Link()}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._conns: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task] = set()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self.port = 0

    # ------------------------------------------------------------------------------- control (any thread)
    @property
    def url(self) -> str:
        return f"http://{self._listen_host}:{self.port}"

    def plan(self, *faults: Fault) -> None:
        """Queue one-shot faults; each new connection takes the next one."""
        with self._lock:
            self._faults.extend(faults)

    def pending_faults(self) -> int:
        with self._lock:
            return len(self._faults)

    def set_target(self, host: str, port: int) -> None:
        self.target = (host, port)

    def reset_counters(self) -> None:
        with self._lock:
            self.bytes = {UP: 0, DOWN: 0}
            self.connections = 0
            self.cuts = 0

    def cut_randomly(self, mean_up_s: float, seed: int, down_s: float = 0.0) -> None:
        """From now on, cut the link after exponentially distributed up-times (mean `mean_up_s`, drawn from
        `random.Random(seed)`), each cut followed by `down_s` of no link. Calling it again restarts the
        schedule (same seed: the same cuts at the same times from now)."""
        if mean_up_s <= 0 or down_s < 0:
            raise ValueError("mean_up_s must be > 0 and down_s >= 0")
        asyncio.run_coroutine_threadsafe(self._start_cutter(mean_up_s, random.Random(seed), down_s),
                                         self._loop).result(5)

    def stop_cuts(self) -> None:
        """The link holds again from now on."""
        asyncio.run_coroutine_threadsafe(self._start_cutter(None, None, 0.0), self._loop).result(5)

    def drop_connections(self) -> None:
        """Reset every open connection now (a link that vanishes)."""
        if self._loop is not None:
            asyncio.run_coroutine_threadsafe(self._drop_all(), self._loop).result(5)

    def start(self) -> "FaultProxy":
        self._thread = threading.Thread(target=self._run, name="fault-proxy", daemon=True)
        self._thread.start()
        if not self._ready.wait(5) or not self.port:
            raise RuntimeError("fault proxy did not start")
        return self

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._thread.join(10)
        if self._thread.is_alive():
            raise RuntimeError("fault proxy thread did not stop")
        self._thread = None

    def __enter__(self) -> "FaultProxy":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ------------------------------------------------------------------------------------ the loop thread
    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            self._server = loop.run_until_complete(asyncio.start_server(self._serve, self._listen_host, 0))
            self.port = self._server.sockets[0].getsockname()[1]
            self._stopped = asyncio.Event()
            self._ready.set()
            loop.run_until_complete(self._stopped.wait())
        finally:
            self._ready.set()
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

    async def _shutdown(self) -> None:
        self._server.close()
        if self._cutter is not None:
            self._cutter.cancel()
            await asyncio.gather(self._cutter, return_exceptions=True)
        await self._drop_all()
        # Let each connection's task see its sockets die and end by itself (cancelling them makes asyncio's
        # stream machinery log a spurious CancelledError).
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=2)
        await self._server.wait_closed()
        self._stopped.set()

    async def _start_cutter(self, mean_up_s, rng, down_s) -> None:
        if self._cutter is not None:
            self._cutter.cancel()
            await asyncio.gather(self._cutter, return_exceptions=True)
            self._cutter = None
        self._link_down = False
        if mean_up_s is not None:
            self._cutter = asyncio.ensure_future(self._cut_forever(mean_up_s, rng, down_s))

    async def _cut_forever(self, mean_up_s: float, rng: random.Random, down_s: float) -> None:
        while True:
            await asyncio.sleep(rng.expovariate(1.0 / mean_up_s))
            with self._lock:
                self.cuts += 1
            await self._drop_all()
            for link in self._links.values():
                link.free_at = 0.0  # what was queued on the radio is gone: the link is free for new bytes
            if down_s:
                self._link_down = True
                await asyncio.sleep(down_s)
                self._link_down = False

    async def _drop_all(self) -> None:
        for writer in list(self._conns):
            _abort(writer)

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        with self._lock:
            self.connections += 1
            fault = self._faults.popleft() if self._faults else None
        if self._link_down:
            _abort(client_writer)  # no link: the connection dies at once
            return
        try:
            target_reader, target_writer = await asyncio.open_connection(*self.target)
        except OSError:
            _abort(client_writer)  # the hub is down: the client sees the connection die
            return
        self._conns.update((client_writer, target_writer))
        state = {"done": False}
        ends = (client_writer, target_writer)
        try:
            await asyncio.gather(
                self._pump(client_reader, target_writer, UP, fault, ends, state),
                self._pump(target_reader, client_writer, DOWN, fault, ends, state))
        finally:
            for writer in ends:
                self._conns.discard(writer)
                if not writer.is_closing():
                    writer.close()

    async def _pump(self, reader, writer, direction, fault, ends, state) -> None:
        seen = 0
        fire = fault if fault is not None and fault.direction == direction else None
        # A bounded buffer, like a real bottleneck's: when it is full the proxy stops reading and TCP pushes
        # back on the sender, so a throttled sender really waits for the link.
        pipe: asyncio.Queue = asyncio.Queue(maxsize=BUFFER_PIECES)
        sender = asyncio.ensure_future(self._sender(pipe, writer, direction))
        try:
            while not state["done"]:
                try:
                    data = await reader.read(PIECE)
                except (ConnectionError, OSError):
                    data = b""
                if not data or writer.is_closing():
                    break  # EOF, or the link was cut: what this end still had buffered is gone with it
                if fire is not None and seen + len(data) >= fire.after_bytes:
                    keep = fire.after_bytes - seen
                    if keep > 0:
                        await pipe.put((time.monotonic(), data[:keep]))
                    data, seen = data[keep:], fire.after_bytes
                    with self._lock:
                        self.faults_fired.append(fire)
                    if fire.kind == "stall":
                        await pipe.join()
                        await asyncio.sleep(fire.stall_s)
                        fire = None
                    else:
                        await pipe.join()
                        if fire.kind == "reset":
                            for end in ends:
                                _abort(end)
                        else:
                            for end in ends:
                                end.close()
                        state["done"] = True
                        return
                    if not data:
                        continue
                seen += len(data)
                await pipe.put((time.monotonic(), data))
            await pipe.join()
            if writer.can_write_eof() and not writer.is_closing():
                try:
                    writer.write_eof()
                except OSError:
                    pass
        finally:
            sender.cancel()
            await asyncio.gather(sender, return_exceptions=True)

    async def _sender(self, pipe: asyncio.Queue, writer: asyncio.StreamWriter, direction: str) -> None:
        """Release pieces after the latency, at the link rate; count what went out."""
        while True:
            read_at, data = await pipe.get()
            try:
                if writer.is_closing():
                    continue  # a cut connection's queued bytes never reach the link: they take no link time
                now = time.monotonic()
                due = self._links[direction].reserve(len(data), self.rate_bps, max(now, read_at + self.latency_s))
                if due > now:
                    await asyncio.sleep(due - now)
                if not writer.is_closing():
                    writer.write(data)
                    await writer.drain()
                    with self._lock:
                        self.bytes[direction] += len(data)
            except (ConnectionError, OSError):
                pass
            finally:
                pipe.task_done()


def _abort(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP reset (SO_LINGER 0), as a dropped radio link or a crashed peer looks."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    writer.transport.abort()
