"""The hub's HTTP face: Starlette routes that map requests onto HubService and errors onto 4xx answers.

Every endpoint reads its body with a hard size limit before anything else, answers malformed input with a
JSON 4xx (`{"error": code, "message": ...}`), and runs the blocking storage work in Starlette's thread pool
so one slow database call never stalls the event loop. docs/sync.md lists the endpoints.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sync.hub.outcomes import outcomes_answer
from sync.hub.partial_frames import PartialFrames
from sync.hub.service import HubError, HubService
from sync.hub.stream_upload import store_frames, stream_offset, stream_partial
from sync.protocol import API, MAX_CHUNK_BYTES, MAX_JSON_BYTES, PROTOCOL_VERSION

log = logging.getLogger(__name__)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing anything over `limit` bytes before reading it all into memory."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise HubError(400, "bad_length", "Content-Length is not a number")
        if int(declared) > limit:
            raise HubError(413, "too_large", f"body over {limit} bytes")
    chunks, total = [], 0
    async for piece in request.stream():
        total += len(piece)
        if total > limit:
            raise HubError(413, "too_large", f"body over {limit} bytes")
        chunks.append(piece)
    return b"".join(chunks)


def parse_json(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise HubError(400, "bad_json", "body is not valid JSON") from None
    if not isinstance(value, dict):
        raise HubError(400, "bad_json", "body must be a JSON object")
    return value


def signed_path(request: Request) -> str:
    """The path and query exactly as the kit sent (and signed) them."""
    raw = request.scope.get("raw_path") or request.url.path.encode()
    query = request.scope.get("query_string") or b""
    return raw.decode("latin-1") + ("?" + query.decode("latin-1") if query else "")


def single_params(request: Request, *names: str) -> dict[str, str]:
    """Query parameters that must appear at most once (a repeated one is ambiguous: refuse it)."""
    values = {}
    for name in names:
        found = request.query_params.getlist(name)
        if len(found) > 1:
            raise HubError(400, "bad_request", f"query parameter {name!r} given more than once")
        if found:
            values[name] = found[0]
    return values


Handler = Callable[[Request], Awaitable[Response]]


def _guarded(handler: Handler) -> Handler:
    """Turn refusals into JSON 4xx and anything unexpected into a 500 that is logged, never a crash."""

    async def wrapper(request: Request) -> Response:
        try:
            return await handler(request)
        except HubError as exc:
            return JSONResponse(exc.body(), status_code=exc.status)
        except ClientDisconnect:
            return Response(status_code=400)
        except Exception:  # the hub must stay up; the log says what broke
            log.exception("hub error on %s %s", request.method, request.url.path)
            return JSONResponse({"error": "internal", "message": "internal error"}, status_code=500)

    return wrapper


def build_app(service: HubService, partials: PartialFrames | None = None) -> Starlette:
    partials = partials if partials is not None else PartialFrames()

    async def authed(request: Request, limit: int):
        body = await read_body(request, limit)
        kit = await run_in_threadpool(service.authenticate, request.method, signed_path(request),
                                      request.headers, body)
        return kit, body

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True, "hub_id": service.keys.hub_id, "protocol": PROTOCOL_VERSION})

    async def enrol(request: Request) -> Response:
        raw = await read_body(request, MAX_JSON_BYTES)
        answer = await run_in_threadpool(service.enrol, parse_json(raw), request.headers, request.method,
                                         signed_path(request), raw)
        return JSONResponse(answer)

    async def open_upload(request: Request) -> Response:
        kit, first_chunk = await authed(request, MAX_CHUNK_BYTES)
        params = single_params(request, "packet_id", "size", "sha256")
        answer = await run_in_threadpool(service.open_upload, kit, params, first_chunk)
        if "upload_id" in answer:
            answer["stream"] = True  # this hub takes streamed uploads (a kit seeing no such key sends chunks)
            answer.update(partials.describe(kit.kit_id, answer["upload_id"], answer["offset"]))
        return JSONResponse(answer, status_code=200 if "receipt" in answer else 201)

    async def upload(request: Request) -> Response:
        upload_id = request.path_params["upload_id"]
        if request.method == "PUT":
            kit, raw = await authed(request, MAX_CHUNK_BYTES)
            offset = single_params(request, "offset").get("offset")
            answer = await run_in_threadpool(service.put_chunk, kit, upload_id, offset, raw)
        else:
            kit, _ = await authed(request, 0)
            answer = await run_in_threadpool(service.upload_status, kit, upload_id)
        return JSONResponse(answer)

    async def stream_upload(request: Request) -> Response:
        # The request's signature covers the empty body: each frame is signed on its own (sync/frames.py).
        kit = await run_in_threadpool(service.authenticate, request.method, signed_path(request),
                                      request.headers, b"")
        params = single_params(request, "packet_id", "size", "sha256", "offset", "partial")
        offset = stream_offset(params.pop("offset", None))
        partial = stream_partial(params.pop("partial", None))
        opened = await run_in_threadpool(service.open_upload, kit, params)  # find or start it, as POST /uploads
        return JSONResponse(await store_frames(request, service, kit, params, offset, opened, partials, partial))

    async def finalize(request: Request) -> Response:
        kit, _ = await authed(request, MAX_JSON_BYTES)
        status, answer = await run_in_threadpool(service.finalize, kit, request.path_params["upload_id"])
        return JSONResponse(answer, status_code=status)

    async def fates(request: Request) -> Response:
        kit, raw = await authed(request, MAX_JSON_BYTES)
        return JSONResponse(await run_in_threadpool(service.fates, kit, parse_json(raw)))

    async def outcomes(request: Request) -> Response:  # downstream verdicts for this kit (sync/hub/outcomes.py)
        kit, raw = await authed(request, MAX_JSON_BYTES)
        return JSONResponse(await run_in_threadpool(outcomes_answer, service, kit, parse_json(raw)))
    async def roster(request: Request) -> Response:
        kit, raw = await authed(request, MAX_JSON_BYTES)
        return JSONResponse(await run_in_threadpool(service.apply_roster, kit, parse_json(raw)))

    async def not_found(request: Request, exc: Exception) -> Response:
        return JSONResponse({"error": "not_found", "message": "no such endpoint"}, status_code=404)

    async def not_allowed(request: Request, exc: Exception) -> Response:
        return JSONResponse({"error": "method_not_allowed", "message": "method not allowed"}, status_code=405)

    routes = [
        Route(f"{API}/health", _guarded(health), methods=["GET"]),
        Route(f"{API}/enrol", _guarded(enrol), methods=["POST"]),
        Route(f"{API}/uploads", _guarded(open_upload), methods=["POST"]),
        Route(f"{API}/uploads/stream", _guarded(stream_upload), methods=["POST"]),  # before {upload_id}
        Route(f"{API}/uploads/{{upload_id}}", _guarded(upload), methods=["GET", "PUT"]),
        Route(f"{API}/uploads/{{upload_id}}/finalize", _guarded(finalize), methods=["POST"]),
        Route(f"{API}/fates", _guarded(fates), methods=["POST"]),
        Route(f"{API}/outcomes", _guarded(outcomes), methods=["POST"]),
        Route(f"{API}/roster", _guarded(roster), methods=["POST"]),
    ]
    return Starlette(routes=routes, exception_handlers={404: not_found, 405: not_allowed})
