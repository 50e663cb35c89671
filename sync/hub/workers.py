"""`fieldkit-hub serve --workers N`: N hub processes sharing one listening socket and one PostgreSQL.

A pre-fork supervisor: the parent binds the socket once, then forks N children that each open their own
database pool and run uvicorn on the inherited socket; the kernel hands each new connection to whichever
child accepts first. All state is in PostgreSQL (uploads, nonces, packets), so any child can continue any
kit's upload. A child that dies (crash, OOM kill, `kill -9`) is replaced; SIGTERM or SIGINT to the parent
stops every child gracefully and waits for them. SQLite allows one writer process: `serve` refuses
`--workers` above 1 on SQLite (see docs/sync.md, "Several hub processes").
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import time
from typing import Callable

log = logging.getLogger(__name__)

# A child that dies sooner than this after its start counts as a failed start; after this many in a row
# the supervisor gives up instead of forking in a tight loop (e.g. the database is down).
MIN_CHILD_LIFE_S = 2.0
MAX_FAILED_STARTS = 5
MAX_WORKERS = 64


class WorkersRefused(SystemExit):
    """A configuration that cannot run several processes (stops the command with a message)."""


def check_workers(workers: int, storage_name: str) -> None:
    if workers < 1 or workers > MAX_WORKERS:
        raise WorkersRefused(f"fieldkit-hub: --workers must be from 1 to {MAX_WORKERS}")
    if workers > 1 and storage_name != "postgresql":
        raise WorkersRefused("fieldkit-hub: --workers above 1 needs PostgreSQL (--db postgresql://...): "
                             "SQLite takes one writing process. Run one process, or move the hub to PostgreSQL.")


def supervise(sock: socket.socket, workers: int, run_child: Callable[[socket.socket], int],
              announce: Callable[[int, int], None] = lambda slot, pid: None) -> int:
    """Fork `workers` children running `run_child(sock)` and keep them running until SIGTERM/SIGINT."""
    children: dict[int, tuple[int, float]] = {}  # pid -> (slot, started at)
    stopping = False
    failed_starts = 0

    def spawn(slot: int) -> None:
        pid = os.fork()
        if pid == 0:  # the child: default signal handling (uvicorn installs its own), then serve
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            code = 1
            try:
                code = int(run_child(sock) or 0)
            except BaseException:  # noqa: BLE001 - the child must never return into the parent's loop
                log.exception("hub worker %d failed", slot)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        children[pid] = (slot, time.monotonic())
        announce(slot, pid)

    def stop(signum, frame) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        for slot in range(workers):
            spawn(slot)
        while children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            slot, started = children.pop(pid, (None, 0.0))
            if slot is None or stopping:
                continue
            log.warning("hub worker %d (pid %d) ended (%s); starting a new one", slot, pid,
                        _describe(status))
            failed_starts = failed_starts + 1 if time.monotonic() - started < MIN_CHILD_LIFE_S else 0
            if failed_starts >= MAX_FAILED_STARTS:
                log.error("hub workers keep failing at start; stopping")
                stop(signal.SIGTERM, None)
                continue
            spawn(slot)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    return 1 if failed_starts >= MAX_FAILED_STARTS else 0


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit {os.WEXITSTATUS(status)}"
