"""Malformed requests against every hub endpoint: each gets a 4xx with a reason, and the hub stays up."""

from __future__ import annotations

import json
import socket

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.protocol import API, sign_request

ENDPOINTS = [("GET", f"{API}/health"), ("POST", f"{API}/enrol"), ("POST", f"{API}/uploads"),
             ("GET", f"{API}/uploads/abc"), ("PUT", f"{API}/uploads/abc?offset=0"),
             ("POST", f"{API}/uploads/abc/finalize"), ("POST", f"{API}/fates")]
FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                                        max_size=4), max_leaves=12)
# Printable ASCII without edge spaces: what an HTTP client can send at all.
header_values = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40).map(str.strip)


@pytest.fixture
def http():
    """One client for the whole test (a new httpx client per request costs ~0.1 s of TLS set-up)."""
    with httpx.Client(timeout=5) as client:
        yield client


def assert_alive(url: str) -> None:
    assert httpx.get(url + f"{API}/health", timeout=5).status_code == 200


@pytest.mark.parametrize("storage_kind", ["sqlite"])
@FUZZ
@given(endpoint=st.sampled_from(ENDPOINTS), body=st.binary(max_size=300),
       headers=st.dictionaries(st.sampled_from(["X-FieldKit-Kit", "X-FieldKit-Time", "X-FieldKit-Nonce",
                                                "X-FieldKit-Signature", "Content-Type"]), header_values, max_size=5))
def test_random_bodies_and_headers_get_4xx(hub_server, http, endpoint, body, headers):
    method, path = endpoint
    answer = http.request(method, hub_server.url + path, content=body, headers=headers, timeout=5)
    if path.endswith("/health"):
        assert answer.status_code == 200
    else:
        assert 400 <= answer.status_code < 500, (method, path, answer.status_code, answer.text)
        assert "error" in answer.json()


@FUZZ
@given(endpoint=st.sampled_from(ENDPOINTS[1:]), payload=json_values)
def test_signed_requests_with_nonsense_json_get_4xx(enrolled_kit, hub_server, http, endpoint, payload):
    """Correctly signed by an enrolled kit, so the fuzz reaches the handlers' field checks."""
    method, path = endpoint
    body = json.dumps(payload).encode()
    headers = sign_request(enrolled_kit.identity, enrolled_kit.kit_id, method, path, body)
    answer = http.request(method, hub_server.url + path, content=body, headers=headers)
    assert 400 <= answer.status_code < 500, (method, path, payload, answer.status_code, answer.text)


@pytest.mark.parametrize("storage_kind", ["sqlite"])
def test_bad_offsets_sizes_and_ids(enrolled_kit, hub_server, http):
    kit = enrolled_kit
    url = hub_server.url

    def signed(method, path, body=b""):
        return http.request(method, url + path, content=body,
                             headers=sign_request(kit.identity, kit.kit_id, method, path, body))

    opened = signed("POST", f"{API}/uploads?packet_id=p-1&size=10&sha256={'0' * 64}")
    upload = opened.json()["upload_id"]
    cases = {
        f"{API}/uploads/{upload}?offset=-1": 400,
        f"{API}/uploads/{upload}?offset=abc": 400,
        f"{API}/uploads/{upload}?offset=99999999999999999999": 400,
        f"{API}/uploads/{upload}?offset=100": 409,
        f"{API}/uploads/{upload}": 400,  # no offset at all
        f"{API}/uploads/{upload}?offset=5": 409,
    }
    for path, expected in cases.items():
        answer = signed("PUT", path, b"x" * 3)
        assert answer.status_code == expected, (path, answer.text)
    assert signed("PUT", f"{API}/uploads/{upload}?offset=0", b"x" * 11).status_code == 409  # past the size
    assert signed("PUT", f"{API}/uploads/{upload}?offset=0", b"").status_code == 400
    sha = "0" * 64
    for query in (f"packet_id=p-2&size=-1&sha256={sha}", f"packet_id=p-2&size={10**12}&sha256={sha}",
                  f"packet_id=p-2&size=99999999999999999999&sha256={sha}", f"packet_id=../../etc&size=1&sha256={sha}",
                  f"packet_id=p-2&size=true&sha256={sha}", "packet_id=p-2&size=1&sha256=zz", "size=1",
                  f"packet_id=p-2&size=1&sha256={sha}&size=2"):
        answer = signed("POST", f"{API}/uploads?{query}", b"x")
        assert answer.status_code in (400, 413), (query, answer.text)
    # First bytes longer than the declared size are refused and nothing is stored.
    too_long = signed("POST", f"{API}/uploads?packet_id=p-3&size=2&sha256={sha}", b"xyz")
    assert too_long.status_code == 400
    assert signed("POST", f"{API}/uploads/{upload}/finalize").json()["error"] == "incomplete"
    assert signed("GET", f"{API}/uploads/nope").status_code == 404
    assert_alive(url)


@pytest.mark.parametrize("storage_kind", ["sqlite"])
def test_huge_and_malformed_lengths_are_refused_without_reading(hub_server, http):
    # A declared 10 GB body is refused from the header alone.
    answer = _raw(hub_server, b"PUT " + f"{API}/uploads/x?offset=0".encode() + b" HTTP/1.1\r\nHost: h\r\n"
                  b"Content-Length: 10000000000\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 413")
    for length in (b"-5", b"abc", b"1, 2"):
        answer = _raw(hub_server, b"POST " + f"{API}/fates".encode() + b" HTTP/1.1\r\nHost: h\r\nContent-Length: "
                      + length + b"\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 4"), (length, answer[:80])
    garbage = _raw(hub_server, b"\x00\xff garbage\r\n\r\n")
    assert garbage == b"" or garbage.startswith(b"HTTP/1.1 4")  # answered 400 or simply closed
    # A body streamed past the limit without a length is cut off with 413.
    big = http.post(hub_server.url + f"{API}/fates", content=iter([b"x" * 65536] * 4))
    assert big.status_code == 413
    assert_alive(hub_server.url)


def _raw(server, request: bytes) -> bytes:
    with socket.create_connection((server.host, server.port), timeout=5) as sock:
        sock.sendall(request)
        chunks = []
        try:
            while True:
                data = sock.recv(4096)
                if not data:
                    break
                chunks.append(data)
                if b"\r\n\r\n" in b"".join(chunks):
                    break
        except (ConnectionResetError, socket.timeout):
            pass
        return b"".join(chunks)
