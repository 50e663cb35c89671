"""The hub's side of a streamed upload (`POST /v1/uploads/stream`, docs/sync.md "Streamed uploads").

Each frame is checked the moment it is whole (its signature binds it to this kit, packet and offset) and
checked frames are written to the upload like a chunk, in batches: once `FLUSH_BYTES` are waiting, once
`FLUSH_S` have passed since the last write, at once when they complete the packet (which is then verified and
answered with its receipt), and when the stream ends, by a cut too. Writing each 16 KB frame in its own
transaction made a streamed packet cost the hub 2.4 times a chunked one (`hub_load`: 48 against 118 packets/s).
What a batch puts at risk is only a hub crash: the kit then sends those seconds again from the durable offset.
The start of a frame a cut left unfinished is held in memory (sync/hub/partial_frames.py).
"""

from __future__ import annotations

import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request

from sync.frames import FRAME_OVERHEAD, MAX_FRAME_BYTES, Frame, FrameReader
from sync.hub.partial_frames import PartialFrames
from sync.hub.service import HubError, HubService
from sync.protocol import MAX_PACKET_BYTES, ProtocolError

# A streamed upload's body: a packet's bytes plus framing (a kit sending tiny frames only wastes its own link).
MAX_STREAM_BYTES = 2 * MAX_PACKET_BYTES
FLUSH_BYTES = 256 * 1024  # a whole enrolment packet on a fast link: one write, the one that completes it
FLUSH_S = 2.0  # on a slow link: what a hub crash could make the kit send again
clock = time.monotonic  # module-level so tests can move time without sleeping


def stream_offset(text: str | None) -> int:
    if text is None or not text.isdigit() or int(text) > MAX_PACKET_BYTES:
        raise HubError(400, "bad_offset", "query parameter offset must be an integer from 0 to the packet size")
    return int(text)


def stream_partial(text: str | None) -> int:
    """How many bytes of its first frame the kit leaves out, resuming after the ones the hub holds."""
    if text is None:
        return 0
    if not text.isdigit() or int(text) > FRAME_OVERHEAD + MAX_FRAME_BYTES:
        raise HubError(400, "bad_partial", "query parameter partial must be an integer within one frame")
    return int(text)


def stream_start(opened: dict[str, Any], offset: int) -> HubError | None:
    """Why frames from `offset` cannot be stored in the upload `opened` describes (None: they can)."""
    if "receipt" in opened:
        return None  # stored already: the answer is the receipt
    if opened["offset"] != offset:
        return HubError(409, "offset_conflict", f"resume from offset {opened['offset']}", offset=opened["offset"],
                        size=opened["size"])
    return None


def resume_partial(partials: PartialFrames, kit_id: str, opened: dict[str, Any], offset: int, partial: int,
                   reader: FrameReader) -> HubError | ProtocolError | None:
    """Put the held start of the first frame back in front of the stream; a refusal if the hub no longer holds
    it (another stream took it, the hub restarted): the kit then sends the whole frame."""
    if not partial or "receipt" in opened:
        return None
    held = partials.take(kit_id, opened["upload_id"], offset, partial)
    if held is None:
        return HubError(409, "offset_conflict", f"resume from offset {offset} with the whole frame",
                        offset=offset, size=opened["size"], partial=0)
    try:
        reader.feed(held)  # less than one frame: no frame is complete yet
    except ProtocolError as exc:
        return exc
    return None


class FrameBatch:
    """Checked frames of one upload not yet written, from `start` on; `offset` is where the next frame goes."""

    def __init__(self, service: HubService, kit, params: dict[str, str], upload: dict[str, Any], offset: int):
        self.check = service.frame_checker(kit, params)
        self.service, self.kit, self.upload_id, self.size = service, kit, upload["upload_id"], upload["size"]
        self.start, self.data, self.written_at = offset, bytearray(), clock()

    @property
    def offset(self) -> int:
        return self.start + len(self.data)

    def add(self, frame: Frame) -> None:
        """Check the frame where it would go (HubError 403 `bad_frame`), then keep it for the next write."""
        self.check(self.offset, frame)
        self.data += frame.data

    def due(self) -> bool:
        return bool(self.data) and (len(self.data) >= FLUSH_BYTES or self.offset >= self.size
                                    or clock() - self.written_at >= FLUSH_S)

    async def write(self) -> dict[str, Any] | None:
        """Write what is waiting as one chunk: the hub's answer (with the receipt if it completed the packet)."""
        if not self.data:
            return None
        data = bytes(self.data)
        answer = await run_in_threadpool(self.service.put_chunk, self.kit, self.upload_id, str(self.start), data)
        self.start, self.data, self.written_at = self.start + len(data), bytearray(), clock()
        return answer


async def store_frames(request: Request, service: HubService, kit, params: dict[str, str], offset: int,
                       opened: dict[str, Any], partials: PartialFrames, partial: int = 0) -> dict[str, Any]:
    """Check each frame of the body as soon as it is whole and store the checked ones in batches; the last
    answer (with the receipt when the frames completed the packet). After a refusal (or for a packet stored
    already) the rest of the body is read and dropped, because the kit reads the answer only once it has sent
    its body; a cut stores every frame checked before it, and the hub holds the start of the frame it cut."""
    reader, answer, total = FrameReader(), opened, 0
    refusal: HubError | ProtocolError | None = stream_start(opened, offset)
    if refusal is None:
        refusal = resume_partial(partials, kit.kit_id, opened, offset, partial, reader)
    batch = FrameBatch(service, kit, params, opened, offset) if "upload_id" in opened else None
    try:
        async for piece in request.stream():
            total += len(piece)
            if total > MAX_STREAM_BYTES:
                raise HubError(413, "too_large", f"stream over {MAX_STREAM_BYTES} bytes")
            if refusal is not None or "receipt" in answer:
                continue
            answer, refusal = await _take(batch, reader, piece, answer)
    except ClientDisconnect:
        await _keep_after_cut(batch, reader, partials, kit.kit_id, refusal, answer)
        raise
    if refusal is None and batch is not None and "receipt" not in answer:
        answer, refusal = await _write(batch, answer)
    if isinstance(refusal, ProtocolError):
        raise HubError(400, refusal.code, refusal.message, offset=batch.offset if batch else offset)
    if refusal is not None:
        raise refusal
    if reader.pending:
        raise HubError(400, "bad_frame", "the stream ends inside a frame", offset=batch.offset if batch else offset)
    return answer


async def _take(batch: FrameBatch, reader: FrameReader, piece: bytes, answer: dict[str, Any]):
    """Check the frames this piece completes and write them when due: (answer, refusal). Frames checked before
    a bad one are still written."""
    try:
        for frame in reader.feed(piece):
            batch.add(frame)
    except (HubError, ProtocolError) as exc:
        answer, refusal = await _write(batch, answer)
        return answer, refusal or exc
    return await _write(batch, answer) if batch.due() else (answer, None)


async def _write(batch: FrameBatch, answer: dict[str, Any]):
    try:
        return (await batch.write()) or answer, None
    except HubError as exc:
        return answer, exc


async def _keep_after_cut(batch: FrameBatch | None, reader: FrameReader, partials: PartialFrames, kit_id: str,
                          refusal, answer: dict[str, Any]) -> None:
    """The link dropped mid-stream: write the checked frames and hold the start of the unfinished one."""
    if batch is None or refusal is not None or "receipt" in answer:
        return
    _, failed = await _write(batch, answer)
    if failed is None and reader.pending:
        partials.keep(kit_id, batch.upload_id, batch.offset, reader.pending_bytes())
