"""Deliver one sealed packet: resumable chunked upload, then a verified receipt.

The hub remembers an upload by (kit, packet id, sha256) and tells where to resume (`offset`, the last byte
it stored durably). Every step is safe to repeat: re-opening returns the same upload (or, if the packet
was stored meanwhile, its receipt), a chunk sent twice is answered with the confirmed offset, and
finalising twice returns the same receipt. So after any interruption the next pass simply starts again
at the top and loses at most the chunk that was on the wire.

A hub that says so in its open answer (`"stream": true`) takes the rest of the packet as one streamed
request of signed frames (sync/frames.py) and keeps each frame as it arrives: a cut then loses at most the
frame on the wire, and no chunk waits for a round trip. After a cut the uploader asks the hub's offset
(a bodiless `POST /v1/uploads`) and streams on from there; if the hub holds the start of the frame the cut
left unfinished (sync/hub/partial_frames.py) the kit sends only the rest of it. An older hub gets the
chunked PUTs.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from sync.client.kit import OutgoingPacket
from sync.client.status import SyncStatus
from sync.client.transport import HubClient, HubRefused, HubUnreachable
from sync.frames import DEFAULT_FRAME_BYTES, encode_frame
from sync.protocol import (API, DEFAULT_CHUNK_BYTES, STATUS_RECEIVED, ProtocolError, SignedReceipt,
                           check_receipt_matches, parse_signed_receipt, sha256_hex)

# Restarts of one packet's upload inside one pass (after a hash mismatch or an expired upload) before
# the packet is reported stuck for this pass.
MAX_RESTARTS = 3
# Streams in a row that stored nothing although the hub answered the question for its offset just before
# (the link is up: try again at once) before the pass gives up and the worker backs off.
MAX_IDLE_STREAMS = 2


class ReceiptInvalid(Exception):
    """The hub's answer carried a receipt that does not verify or is about other bytes. Never acknowledge."""


class UploadStuck(Exception):
    """The hub keeps refusing this packet's upload in a way retries inside one pass will not fix."""


@dataclass(frozen=True)
class Delivery:
    receipt: SignedReceipt

    @property
    def accepted(self) -> bool:
        return self.receipt.receipt.status == STATUS_RECEIVED


def verify_receipt(obj: Any, packet: OutgoingPacket, kit_id: str, hub_signing_key: bytes) -> SignedReceipt:
    """The receipt, checked: signed by our hub, about this packet id, these exact bytes and this kit."""
    try:
        signed = parse_signed_receipt(obj, hub_signing_key)
        check_receipt_matches(signed, packet.packet_id, packet.sha256, kit_id)
    except ProtocolError as exc:
        raise ReceiptInvalid(str(exc)) from None
    return signed


@dataclass
class ChunkSizer:
    """Chunk size that follows the link's rate *and* how long it stays up.

    Each chunk costs one round trip during which the link idles (~0.2-0.6 s on 3G/2G), so long chunks waste
    little on a link that holds. But a cut loses the chunk on the wire, so on a link that drops every few
    seconds a 10 s chunk is lost whole, again and again. The sizer therefore aims each chunk at
    `min(target_s, uptime_share x up-time)` seconds of transfer, where the up-time is the larger of a moving
    average of the link's observed up-times (measured from the first answer after a cut to the next cut) and
    how long the link has held now: smaller after cuts, larger while it holds. A cut also halves the next
    chunk at once. Sizes grow at most x2 per chunk and stay within [min_bytes, max_bytes].
    """

    initial_bytes: int = DEFAULT_CHUNK_BYTES
    min_bytes: int = 8 * 1024
    max_bytes: int = 512 * 1024
    target_s: float = 10.0
    uptime_share: float = 0.2
    uptime_weight: float = 0.3  # weight of the newest up-time in the moving average
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self.current = max(1, min(self.initial_bytes, self.max_bytes))
        self.rate: float | None = None  # bytes/s of the last full chunk, round trip included
        self.uptime_s: float | None = None  # None until the first cut: assume the link holds
        self.up_since: float | None = None  # start of the first request answered since the last cut
        self.tried_since: float | None = None  # start of the first request tried since the last cut
        self.cuts = 0

    def next_size(self, remaining: int) -> int:
        """The next chunk; a tail only a little longer than a chunk goes whole (one round trip less)."""
        return remaining if remaining <= self.current * 1.25 else self.current

    def chunk_seconds(self) -> float:
        """How many seconds of transfer the next chunk should hold."""
        if self.uptime_s is None:
            return self.target_s
        holding = self.clock() - self.up_since if self.up_since is not None else 0.0
        return min(self.target_s, self.uptime_share * max(self.uptime_s, holding))

    def trying(self, started: float) -> None:
        """A request starts: if the link drops before any answer, it was up at most since then."""
        if self.tried_since is None:
            self.tried_since = started

    def answered(self, started: float) -> None:
        """A request started at `started` got an answer: the link is up (since then, if it was down)."""
        if self.up_since is None:
            self.up_since = started

    def observe(self, nbytes: int, seconds: float) -> None:
        if nbytes < self.current or seconds <= 0:
            return  # a short last chunk says little about the link
        self.rate = nbytes / seconds
        wanted = int(self.rate * self.chunk_seconds())
        self.current = self._clamp(min(wanted, 2 * self.current))

    def cut(self) -> None:
        """The link failed mid-request: learn its up-time and shrink the next chunk."""
        self.cuts += 1
        # Up since the first answer after the last cut; if none came, since the first try (short up-times
        # must count too, or the estimate only ever sees the long ones).
        since = self.up_since if self.up_since is not None else self.tried_since
        if since is not None:
            up = max(0.0, self.clock() - since)
            self.uptime_s = up if self.uptime_s is None else (
                self.uptime_weight * up + (1 - self.uptime_weight) * self.uptime_s)
        self.up_since = self.tried_since = None
        wanted = self.current // 2
        if self.rate is not None and self.uptime_s is not None:
            wanted = min(wanted, int(self.rate * self.uptime_share * self.uptime_s))
        self.current = self._clamp(wanted)

    def _clamp(self, nbytes: int) -> int:
        return max(min(self.min_bytes, self.max_bytes), min(nbytes, self.max_bytes))


class PacketUploader:
    """Delivers packets one by one; remembers, across passes, each upload's confirmed offset.

    Streamed (a hub that takes it, see the module docstring): a new packet is streamed from byte 0 at once;
    after a cut the kit asks the hub's offset (a bodiless re-open) and streams on from there.
    Chunked: after a cut the next request is straight away the chunk at the confirmed offset on a fresh
    connection (no probe, no re-open: that request *is* the probe); if the hub holds more than we know (our
    last chunk arrived, its answer did not) it answers 409 with its offset and we continue from there.
    """

    def __init__(self, client: HubClient, hub_signing_key: bytes, status: SyncStatus | None = None,
                 chunk_bytes: int = DEFAULT_CHUNK_BYTES, max_chunk_bytes: int | None = None,
                 sizer: ChunkSizer | None = None, stream: bool = True, frame_bytes: int = DEFAULT_FRAME_BYTES):
        self.client = client
        # None until the hub's open answer says whether it takes streamed uploads; False: chunked PUTs only.
        self.stream_support: bool | None = None if stream else False
        self.frame_bytes = frame_bytes
        self.hub_signing_key = hub_signing_key
        self.status = status or SyncStatus()
        self.sizer = sizer or ChunkSizer(chunk_bytes,
                                         max_bytes=max_chunk_bytes or max(chunk_bytes, ChunkSizer.max_bytes))
        self._uploads: dict[str, tuple[str, int]] = {}  # packet id -> (upload id, offset the hub confirmed)
        self._streaming: dict[str, int] = {}  # packet id -> offset the hub confirmed, of a streamed upload cut
        # packet id -> (offset, length, SHA-256) of the start of a frame the hub holds from a cut stream
        self._held: dict[str, tuple[int, int, str]] = {}
        # Two deliveries may run at once (sync/client/pipeline.py): each one's callbacks live on its thread,
        # and what they share (the sizer, the progress count) changes under this lock.
        self._delivery = threading.local()
        self._lock = threading.Lock()
        self.confirmed_bytes = 0  # new bytes the hub confirmed (progress: the worker's back-off resets on it)

    def deliver(self, packet: OutgoingPacket, on_contact: Callable[[], None] | None = None,
                on_handed_over: Callable[[], None] | None = None) -> Delivery:
        """Upload until the hub's verified receipt (received or rejected). Network faults propagate.
        `on_contact` runs once, when the hub first answers about this packet (the queue marks it uploading
        then: a kit that cannot reach the hub leaves its packets sealed, as they were). `on_handed_over` runs
        when a stream has handed its last frame to the connection: from then on it only waits for the answer
        (the pipeline starts the next packet then)."""
        self._delivery.on_contact, self._delivery.on_handed_over = on_contact, on_handed_over
        for _ in range(MAX_RESTARTS):
            answer = self._streamed(packet) if self.stream_support else self._chunked(packet)
            if answer is not None:
                return self._receipt(answer["receipt"], packet)
        raise UploadStuck(f"packet {packet.packet_id}: upload restarted {MAX_RESTARTS} times in one pass")

    def _chunked(self, packet: OutgoingPacket) -> dict[str, Any] | None:
        """One try by chunked PUTs: the answer with the receipt, or None to start the packet again."""
        known = self._uploads.get(packet.packet_id)
        if known is None:
            # A packet we hold no upload for sends its first chunk with the open request (one round
            # trip less; the hub keeps the bytes only at offset 0).
            opened = self._open(packet)
            if "receipt" in opened:
                return opened
            if self.stream_support:  # the hub's answer says it takes the rest streamed
                return self._streamed(packet, int(opened["offset"]))
            known = (str(opened["upload_id"]), int(opened["offset"]))
            self._uploads[packet.packet_id] = known
        upload_id, offset = known
        self.status.begin_packet(packet.packet_id, packet.size, offset)
        sent = self._send_chunks(packet, upload_id, offset)
        answer = None if sent is None else sent if "receipt" in sent else self._finalize(upload_id)
        self._uploads.pop(packet.packet_id, None)  # done, or the upload vanished: open anew
        return answer

    def _call(self, method: str, path: str, body: bytes = b"", **kwargs) -> tuple[float, dict[str, Any]]:
        """One request; (seconds it took, answer). Tells the sizer when the link answered or was cut."""
        started = self.sizer.clock()
        with self._lock:
            self.sizer.trying(started)
        try:
            _, answer = self.client.request(method, path, body=body, **kwargs)
        except HubUnreachable as exc:
            with self._lock:
                if exc.connected:  # a link that was up and dropped; no connection says nothing of up-times
                    self.sizer.cut()
                else:
                    self.sizer.tried_since = None
            raise
        except HubRefused:
            self._answered(started)
            raise
        self._answered(started)
        return self.sizer.clock() - started, answer

    def _answered(self, started: float) -> None:
        with self._lock:
            self.sizer.answered(started)
        contact, self._delivery.on_contact = getattr(self._delivery, "on_contact", None), None
        if contact is not None:
            contact()

    def _open(self, packet: OutgoingPacket) -> dict[str, Any]:
        """Open (or find) the upload, carrying the packet's first chunk (one frame's worth, for a hub that
        may take the rest streamed); learn from the answer whether the hub takes streamed uploads."""
        size = self.frame_bytes if self.stream_support is not False else self.sizer.next_size(packet.size)
        first = packet.data[:size]
        try:
            seconds, answer = self._call("POST", f"{API}/uploads?{self._packet_query(packet)}", body=first,
                                         content_type="application/octet-stream")
        except HubRefused as exc:
            if exc.status == 422 and isinstance(exc.body.get("receipt"), dict):
                return exc.body  # the first chunk was the whole packet, and the hub rejects it: its fate
            raise
        if answer.get("offset") == len(first):
            with self._lock:
                self.sizer.observe(len(first), seconds)
            self._confirmed(packet.packet_id, 0, len(first), len(first), streaming=answer.get("stream") is True)
        if self.stream_support is None and "upload_id" in answer:
            self.stream_support = answer.get("stream") is True
        self._note_held(packet.packet_id, answer)
        return answer

    # ------------------------------------------------------------------------------------ streamed upload
    def _streamed(self, packet: OutgoingPacket, offset: int | None = None) -> dict[str, Any] | None:
        """One try by streamed request(s): the answer with the receipt, or None to start the packet again.
        A packet cut in an earlier pass first asks the hub's offset; a new one streams from byte 0 at once
        (the stream request opens the upload)."""
        if offset is None and packet.packet_id in self._streaming:
            offset = self._position(packet)
            if offset is None or isinstance(offset, dict):
                return offset
        self.status.begin_packet(packet.packet_id, packet.size, offset or 0)
        answer = self._stream(packet, offset or 0)
        self._streaming.pop(packet.packet_id, None)
        return answer

    def _position(self, packet: OutgoingPacket) -> int | dict[str, Any] | None:
        """The hub's confirmed offset of the packet (after a cut the kit cannot know which frames arrived),
        asked by re-opening it without bytes; the answer itself if it carries the receipt (stored meanwhile)."""
        known = self._streaming.get(packet.packet_id, 0)
        answer = self._call("POST", f"{API}/uploads?{self._packet_query(packet)}")[1]
        if "receipt" in answer:
            return answer
        self._note_held(packet.packet_id, answer)
        now = int(answer["offset"])
        return self._confirmed(packet.packet_id, known, now, max(0, now - known), streaming=True)

    def _stream(self, packet: OutgoingPacket, offset: int) -> dict[str, Any] | None:
        """Stream from `offset` to the end. After a cut ask the hub's offset and stream on from there at once:
        the answer shows the link is up. Only after MAX_IDLE_STREAMS tries in a row that stored nothing does
        the cut go back to the worker, which backs off."""
        self._streaming[packet.packet_id] = offset
        idle = 0
        while True:
            try:
                return self._stream_once(packet, offset, self._resume_skip(packet, offset))
            except HubUnreachable:
                position = self._position(packet)  # may raise: the link is down
                if not isinstance(position, int):
                    return position
                idle = 0 if position > offset else idle + 1
                if idle > MAX_IDLE_STREAMS:
                    raise
                offset = position

    def _stream_once(self, packet: OutgoingPacket, offset: int, skip: int = 0) -> dict[str, Any] | None:
        """One streamed request, leaving out the first `skip` bytes of the first frame (the hub holds them):
        the hub's answer (with the receipt once a frame completed the packet)."""
        query = f"{self._packet_query(packet)}&offset={offset}" + (f"&partial={skip}" if skip else "")
        try:
            _, answer = self._call("POST", f"{API}/uploads/stream?{query}", stream=self._frames(packet, offset, skip),
                                   stream_bytes=packet.size - offset, content_type="application/octet-stream")
        except HubRefused as exc:
            if exc.code in ("not_found", "method_not_allowed"):  # a hub without the route after all: chunks
                self.stream_support = False
                return None
            hub_offset = exc.body.get("offset")
            if exc.code == "offset_conflict" and isinstance(hub_offset, int) and (hub_offset != offset or skip):
                # the hub stands elsewhere, or no longer holds the start of the frame: from its offset, whole
                return self._stream_once(packet, self._confirmed(
                    packet.packet_id, offset, hub_offset, 0, streaming=True))
            if exc.status == 422 and isinstance(exc.body.get("receipt"), dict):
                return exc.body  # the last frame completed a packet the hub rejects: its fate
            if exc.code == "hash_mismatch":
                return None
            raise
        done = "receipt" in answer  # a frame completed the packet, or it was stored already
        now = packet.size if done else int(answer["offset"])
        self._confirmed(packet.packet_id, offset, now, max(0, now - offset), streaming=True)
        return answer if done else None

    def _frames(self, packet: OutgoingPacket, offset: int, skip: int = 0):
        """The signed frames from `offset` to the end (less the first `skip` bytes), made as the connection
        takes them."""
        for start in range(offset, packet.size, self.frame_bytes):
            # No progress reported here: a frame handed to the socket may sit in buffers and die with a cut;
            # progress is what the hub confirms (the answer, or the offset asked after a cut).
            yield self._frame(packet, start)[skip:]
            skip = 0
            self.status.packet_sent(packet.packet_id, min(packet.size, start + self.frame_bytes))
        handed_over = getattr(self._delivery, "on_handed_over", None)
        if handed_over is not None:
            handed_over()

    def _frame(self, packet: OutgoingPacket, start: int) -> bytes:
        """The frame at `start`: the same bytes every time (Ed25519 signatures are deterministic)."""
        data = packet.data[start:start + self.frame_bytes]
        return encode_frame(self.client.identity, packet.packet_id, packet.sha256, start, data)

    def _note_held(self, packet_id: str, answer: dict[str, Any]) -> None:
        """Remember what the hub says it holds of the frame at its offset (a cut stream's unfinished frame)."""
        length, digest, offset = answer.get("partial"), answer.get("partial_sha256"), answer.get("offset")
        if isinstance(length, int) and isinstance(digest, str) and isinstance(offset, int) and length > 0:
            self._held[packet_id] = (offset, length, digest)
        else:
            self._held.pop(packet_id, None)

    def _resume_skip(self, packet: OutgoingPacket, offset: int) -> int:
        """How many bytes of our frame at `offset` the hub holds: only if they are exactly our frame's first
        bytes (else the whole frame goes again; the hub checks every frame whole anyway)."""
        held = self._held.pop(packet.packet_id, None)
        if held is None or held[0] != offset or offset >= packet.size:
            return 0
        _, length, digest = held
        first = self._frame(packet, offset)
        return length if length < len(first) and sha256_hex(first[:length]) == digest else 0

    @staticmethod
    def _packet_query(packet: OutgoingPacket) -> str:
        return f"packet_id={packet.packet_id}&size={packet.size}&sha256={packet.sha256}"

    def _send_chunks(self, packet: OutgoingPacket, upload_id: str, offset: int) -> dict[str, Any] | None:
        """Send from the confirmed offset to the end. The hub's last answer (with the receipt when the last
        chunk completed the packet), or None if the hub no longer knows the upload."""
        answer: dict[str, Any] = {"offset": offset}
        while offset < packet.size:
            chunk = packet.data[offset:offset + self.sizer.next_size(packet.size - offset)]
            try:
                seconds, answer = self._call("PUT", f"{API}/uploads/{upload_id}?offset={offset}", body=chunk,
                                             content_type="application/octet-stream")
            except HubRefused as exc:
                if exc.code == "offset_conflict" and isinstance(exc.body.get("offset"), int):
                    # e.g. our last chunk arrived but its answer did not: the hub's offset is the truth
                    offset = self._confirmed(packet.packet_id, offset, exc.body["offset"], 0, upload_id)
                    continue
                if exc.code in ("unknown_upload", "hash_mismatch"):
                    return None
                if exc.status == 422 and isinstance(exc.body.get("receipt"), dict):
                    return exc.body  # the last chunk completed a packet the hub rejects: its fate
                raise
            with self._lock:
                self.sizer.observe(len(chunk), seconds)
            offset = self._confirmed(packet.packet_id, offset, int(answer["offset"]), len(chunk), upload_id)
        return answer

    def _confirmed(self, packet_id: str, before: int, now: int, sent_now: int, upload_id: str | None = None,
                   streaming: bool = False) -> int:
        """The hub confirmed `now` bytes of the packet: remember it (a cut resumes there) and tell people."""
        with self._lock:
            self.confirmed_bytes += max(0, now - before)
        if upload_id is not None:
            self._uploads[packet_id] = (upload_id, now)
        if streaming:
            self._streaming[packet_id] = now
        self.status.packet_progress(packet_id, now, sent_now)
        return now

    def _finalize(self, upload_id: str) -> dict[str, Any] | None:
        try:
            _, answer = self._call("POST", f"{API}/uploads/{upload_id}/finalize")
        except HubRefused as exc:
            if exc.status == 422 and isinstance(exc.body.get("receipt"), dict):
                return exc.body  # a signed rejection: the packet's fate
            if exc.code in ("unknown_upload", "hash_mismatch", "incomplete"):
                return None  # start this packet again from the confirmed state
            raise
        return answer

    def _receipt(self, obj: Any, packet: OutgoingPacket) -> Delivery:
        return Delivery(verify_receipt(obj, packet, self.client.identity.kit_id, self.hub_signing_key))
