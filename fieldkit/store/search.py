"""Diacritic-insensitive search without plaintext on disk: keyed HMAC tokens of folded words.

A name is folded (NFD, combining marks dropped, đ/Đ → d, casefolded), split into words, and every prefix of
every word becomes HMAC-SHA256(search key, "p:" + prefix) truncated to 16 bytes. The search key is derived
from the kit data key, so a locked or stolen kit cannot test guesses against the tokens. A query word
matches a record holding the token of that exact prefix. Trade-off (docs/keys-and-storage.md): tokens are
deterministic, so equal words in two records give equal tokens (an observer of the locked disk learns
"these two records share a name word", never which word). Tokens are deleted when a record is sealed.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from fieldkit.domain.names import fold  # the one folding rule of the kit (names, validation, search)

TOKEN_LEN = 16
MAX_PREFIX = 24
_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def token(key: bytes, prefix: str) -> bytes:
    return hmac.new(key, ("p:" + prefix).encode("utf-8"), hashlib.sha256).digest()[:TOKEN_LEN]


def index_tokens(key: bytes, texts: list[str]) -> set[bytes]:
    """Tokens of every prefix (up to MAX_PREFIX characters) of every word of `texts`."""
    out: set[bytes] = set()
    for text in texts:
        for word in words(text or ""):
            for end in range(1, min(len(word), MAX_PREFIX) + 1):
                out.add(token(key, word[:end]))
    return out


def query_tokens(key: bytes, query: str) -> list[bytes]:
    """One token per query word; a record matches when it has them all."""
    return [token(key, w[:MAX_PREFIX]) for w in dict.fromkeys(words(query))]
