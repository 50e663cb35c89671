"""The one writer thread: every write to the database goes through it, one transaction at a time.

`write(job)` runs `job(conn)` inside BEGIN IMMEDIATE … COMMIT on the writer's own connection and returns
its result only after COMMIT, which with synchronous=FULL means the change is on disk: a caller that
reports success has a durable state to report. A job that raises is rolled back and its error re-raised in
the caller. Readers use their own connections (WAL lets them read while the writer writes).
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Callable, TypeVar

from fieldkit.store.db import connect

T = TypeVar("T")
log = logging.getLogger(__name__)
_STOP = object()


class WriterClosed(RuntimeError):
    pass


class Writer:
    def __init__(self, path: Path, name: str = "fieldkit-db-writer"):
        self._jobs: queue.Queue = queue.Queue()
        self._ready: Future = Future()
        self._closed = False
        self._thread = threading.Thread(target=self._run, args=(Path(path),), name=name, daemon=True)
        self._thread.start()
        self._ready.result()  # re-raises an error opening the database

    def write(self, job: Callable[[sqlite3.Connection], T], timeout: float | None = None) -> T:
        """Run `job(conn)` in one transaction on the writer thread; its result once committed."""
        if self._closed:
            raise WriterClosed("the database writer is closed")
        if threading.current_thread() is self._thread:
            raise RuntimeError("a write job cannot submit another write job")
        future: Future = Future()
        self._jobs.put((job, future))
        return future.result(timeout)

    def close(self) -> None:
        """Finish queued jobs, checkpoint the WAL into the database, close and join."""
        if self._closed:
            return
        self._closed = True
        self._jobs.put(_STOP)
        self._thread.join()

    def _run(self, path: Path) -> None:
        try:
            conn = connect(path)
        except BaseException as exc:
            self._ready.set_exception(exc)
            return
        self._ready.set_result(None)
        try:
            while True:
                item = self._jobs.get()
                if item is _STOP:
                    break
                job, future = item
                if future.set_running_or_notify_cancel():
                    self._run_job(conn, job, future)
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                log.warning("WAL checkpoint at close failed", exc_info=True)
        finally:
            conn.close()

    @staticmethod
    def _run_job(conn: sqlite3.Connection, job, future: Future) -> None:
        try:
            conn.execute("BEGIN IMMEDIATE")
            result = job(conn)
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            future.set_exception(exc)
        else:
            future.set_result(result)
