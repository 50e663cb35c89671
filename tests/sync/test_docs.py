"""docs/sync.md stays honest: every endpoint, header, command and refusal code the code has is documented."""

from __future__ import annotations

import re
from pathlib import Path

from sync import protocol
from sync.hub_cli import build_parser

DOC = (Path(__file__).resolve().parents[2] / "docs" / "sync.md").read_text(encoding="utf-8")


def test_every_endpoint_is_documented(hub_service):
    from sync.hub.app import build_app

    for route in build_app(hub_service).routes:
        for method in sorted(route.methods - {"HEAD"}):
            path = route.path.replace("{upload_id}", "{id}")
            assert re.search(rf"`{method} {re.escape(path)}[?` ]", DOC), f"{method} {path} missing from docs/sync.md"


def test_headers_limits_and_codes_are_documented():
    for header in (protocol.HEADER_KIT, protocol.HEADER_TIME, protocol.HEADER_NONCE, protocol.HEADER_SIGNATURE):
        assert f"`{header}`" in DOC
    assert "FIELDKIT-REQUEST-1" in DOC and f"{protocol.REPLAY_WINDOW_S} s" in DOC
    assert "16 MiB" in DOC and protocol.MAX_PACKET_BYTES == 16 * 1024 * 1024
    assert "1 MiB" in DOC and protocol.MAX_CHUNK_BYTES == 1024 * 1024
    source = "".join(p.read_text() for p in (Path(protocol.__file__).parent / "hub").glob("*.py"))
    codes = set(re.findall(r'HubError\(\w+, "([a-z_]+)"', source)) | set(re.findall(r'"error": "([a-z_]+)"', source))
    assert {"token_invalid", "offset_conflict", "hash_mismatch", "not_found"} <= codes  # the scan works
    protocol_source = Path(protocol.__file__).read_text()
    request_codes = {"unsigned", "bad_header", "bad_base64", "stale_request", "bad_signature"}
    assert all(f'"{c}"' in protocol_source for c in request_codes)
    for code in sorted((codes | request_codes) - {"internal"}):
        assert f"`{code}`" in DOC, f"refusal code {code} missing from docs/sync.md"


def test_every_hub_command_is_documented():
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name in commands:
        assert f"fieldkit-hub {name}" in DOC, name
    for name in ("provision", "sync", "export", "import-receipts"):
        assert f"fieldkit {name}" in DOC, name
