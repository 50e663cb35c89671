"""docs/packet-format.md stays honest: its constants, layout offsets, suites and error codes match the code."""

from __future__ import annotations

import re
from pathlib import Path

from fieldkit.packets import envelope as E
from fieldkit.packets.errors import CODES
from fieldkit.packets.suites import SUITES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "packet-format.md").read_text(encoding="utf-8")


def table_after(heading: str) -> list[list[str]]:
    section = DOC.split(heading, 1)[1]
    rows = []
    for line in section.splitlines()[1:]:
        if rows and not line.startswith("|"):
            break
        if line.startswith("|") and not line.startswith("|---"):
            rows.append([c.strip().strip("`") for c in line.strip("|").split("|")])
    return rows[1:]


def unescape(text: str) -> bytes:
    return text.encode().decode("unicode_escape").encode("latin-1")


def test_constants_match_the_code():
    consts = dict(table_after("## Constants"))
    assert unescape(consts["outer magic"]) == E.MAGIC and int(consts["outer format version"]) == E.VERSION
    assert int(consts["outer header length"]) == E.HEADER_LEN == E.HEADER.size
    assert int(consts["signature length"]) == E.SIGNATURE_LEN
    assert unescape(consts["HPKE info prefix"]) == E.INFO_PREFIX
    assert unescape(consts["inner magic"]) == E.INNER_MAGIC and int(consts["inner version"]) == E.INNER_VERSION
    assert unescape(consts["device signature context"]) == E.DEVICE_CONTEXT
    assert unescape(consts["supervisor co-signature context"]) == E.COSIGN_CONTEXT
    assert unescape(consts["supervisor certificate context"]) == E.CERT_CONTEXT
    assert {int(k.split()[1]): v for k, v in consts.items() if k.startswith("suite ")} == \
        {i: s.name for i, s in SUITES.items()}


def test_suite_table_matches_the_code():
    for row in table_after("## Suites"):
        suite = SUITES[int(row[0])]
        assert (row[1], int(row[3]), int(row[4]), int(row[5])) == \
            (suite.name, suite.enc_len, suite.public_key_len, suite.private_key_len)


def test_error_codes_match_the_code():
    assert {code: meaning for code, meaning in table_after("are stable (never renamed, only added):")} == CODES


def test_outer_layout_offsets(content, signers, hub_keys):
    from tests.packets.conftest import seal
    pid, data = seal(content, signers, hub_keys, created_at=1_700_000_000_000)
    rows = table_after("## Outer envelope")
    fixed = {row[2].split(" ")[0]: (int(row[0]), int(row[1])) for row in rows if row[0].isdigit() and row[1].isdigit()}
    import struct
    import uuid
    off, size = fixed["magic"]
    assert data[off:off + size] == E.MAGIC
    off, size = fixed["packet"]
    assert str(uuid.UUID(bytes=data[off:off + size])) == pid
    off, size = fixed["created"]
    assert struct.unpack(">Q", data[off:off + size])[0] == 1_700_000_000_000
    assert re.search(r"exactly `116 \+ E \+ L` bytes", DOC)
    env = E.parse_envelope(data)
    assert len(data) == 116 + len(env.enc) + len(env.ciphertext)
