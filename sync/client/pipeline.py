"""Deliver a batch with the next packet's stream already on the link while the last one waits for its receipt.

A streamed packet's last frame is followed by an idle gap on the uplink: the hub checks the whole packet, the
answer with its receipt crosses the link, the kit verifies it, and only then does the next packet's first
byte set off (~0.13 s at 50 ms one way, every packet; more on a 2G round trip). So the next delivery starts,
on a second connection, as soon as the previous one has handed its whole body to its connection; at most
`depth` deliveries are in flight. Each runs on its own short-lived thread; the results come back in order, on
the caller's thread, so the outbox is written by the worker alone and in queue order.
"""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from sync.client.kit import OutgoingPacket
from sync.client.transport import HubUnreachable
from sync.client.uploader import Delivery, PacketUploader


@dataclass(frozen=True)
class Settled:
    """One packet's delivery, over: its receipt, or what stopped it."""
    packet: OutgoingPacket
    delivery: Delivery | None = None
    error: Exception | None = None


@dataclass
class _InFlight:
    packet: OutgoingPacket
    future: Future
    handed_over: threading.Event  # its body is all on the connection, or it is over


class DeliveryPipeline:
    def __init__(self, uploader: PacketUploader, depth: int = 2):
        if depth < 1:
            raise ValueError("depth must be at least 1")
        self.uploader = uploader
        self.depth = depth

    def deliver(self, packets: Iterable[OutgoingPacket], on_contact: Callable[[OutgoingPacket], None],
                stop: Callable[[], bool]) -> Iterator[Settled]:
        """Settled deliveries in the order of `packets`. No new one starts once `stop()` is true or one failed
        for lack of link (the rest in flight are waited for and yielded: no thread outlives this call)."""
        in_flight: deque[_InFlight] = deque()
        with ThreadPoolExecutor(max_workers=self.depth, thread_name_prefix="sync-upload") as pool:
            for packet in packets:
                if stop():
                    break
                if in_flight:
                    in_flight[-1].handed_over.wait()
                link_lost = False
                while len(in_flight) >= self.depth or (in_flight and in_flight[0].future.done()):
                    settled = _settle(in_flight.popleft())
                    link_lost = link_lost or isinstance(settled.error, HubUnreachable)
                    yield settled
                if link_lost:
                    break
                in_flight.append(self._start(pool, packet, on_contact))
            while in_flight:
                yield _settle(in_flight.popleft())

    def _start(self, pool: ThreadPoolExecutor, packet: OutgoingPacket,
               on_contact: Callable[[OutgoingPacket], None]) -> _InFlight:
        handed_over = threading.Event()
        future = pool.submit(self.uploader.deliver, packet, lambda: on_contact(packet), handed_over.set)
        future.add_done_callback(lambda _f: handed_over.set())
        return _InFlight(packet, future, handed_over)


def _settle(flight: _InFlight) -> Settled:
    try:
        return Settled(flight.packet, delivery=flight.future.result())
    except Exception as exc:  # the worker sorts them (stuck, refused, link lost) on its own thread
        return Settled(flight.packet, error=exc)
