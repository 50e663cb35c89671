"""Vietnamese names as typed, as stored and as searched.

- `normalize_name`: NFC plus collapsed whitespace. This is what we store: the person's spelling, including
  their tone placement ("Hòa" and "Hoà" stay different — NFC does not move tone marks).
- `fold`: the search key: NFD, combining marks dropped, đ/Đ → d, casefolded, whitespace collapsed.
- `normalize_tone_placement`: one tone-placement convention (the traditional one: "Hòa", "Thủy", as in the
  administrative-unit names), for comparing two spellings only — never for storing.
- `bad_name_characters`: characters a name may not contain (digits, symbols, non-Latin scripts).
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Apostrophes people type in names such as "H'Hen Niê" or "K'Ly": ASCII, right single quote, modifier letter.
APOSTROPHES = "'\u2019\u02bc"
_ALLOWED_PUNCTUATION = frozenset(" -" + APOSTROPHES)

# Vietnamese tones as combining marks (NFD): grave, acute, hook above, tilde, dot below.
_TONES = frozenset("\u0300\u0301\u0309\u0303\u0323")
_VOWELS = frozenset("aăâeêioôơuưy")
_QUALITY_VOWELS = frozenset("ăâêôơư")


def collapse_whitespace(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def normalize_name(text: str) -> str:
    """The stored form of a name: NFC, single spaces, no leading/trailing space."""
    return collapse_whitespace(unicodedata.normalize("NFC", text or ""))


def fold(text: str) -> str:
    """Diacritic-free, case-free search key: "Nguyễn Đức Hoà" → "nguyen duc hoa"."""
    decomposed = unicodedata.normalize("NFD", text or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.replace("đ", "d").replace("Đ", "d")
    return collapse_whitespace(bare.casefold())


def _is_latin_letter(ch: str) -> bool:
    return ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN ")


def bad_name_characters(text: str) -> list[str]:
    """Characters not allowed in a name, in order of first appearance (empty list: the name is fine).

    Allowed: Latin letters with any diacritics (all Vietnamese and minority-language spellings), combining
    marks (a name typed decomposed), spaces, hyphen and apostrophes.
    """
    bad: list[str] = []
    for ch in unicodedata.normalize("NFC", text or ""):
        ok = _is_latin_letter(ch) or unicodedata.combining(ch) or ch in _ALLOWED_PUNCTUATION
        if not ok and ch not in bad:
            bad.append(ch)
    return bad


def _tone_target(base: str) -> int | None:
    """Index (in the tone-free lower-case syllable `base`) of the vowel that carries the tone, traditional style."""
    start = 0
    if base.startswith("gi") and len(base) > 2 and base[2] in _VOWELS:
        start = 2  # "gi" + vowel: the i is part of the consonant (già, giữ)
    elif base.startswith("qu"):
        start = 2  # "qu": the u is part of the consonant (quý, quyền)
    vowels = [i for i in range(start, len(base)) if base[i] in _VOWELS]
    if not vowels:
        vowels = [i for i in range(len(base)) if base[i] in _VOWELS]  # "gì": the i is the only vowel
    if not vowels:
        return None
    quality = [i for i in vowels if base[i] in _QUALITY_VOWELS]
    if quality:
        return quality[-1]  # ươ → ơ; otherwise the only ă â ê ô ơ ư
    if len(vowels) >= 3:
        return vowels[1]
    if len(vowels) == 2:
        closed = vowels[-1] < len(base) - 1  # a consonant follows: hoàn, toán
        return vowels[1] if closed else vowels[0]  # open: hòa, thủy, mùa
    return vowels[0]


def _place_tone(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tones = [ch for ch in decomposed if ch in _TONES]
    if len(tones) != 1:
        return word
    without = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    target = _tone_target(without.lower())
    if target is None:
        return word
    return unicodedata.normalize("NFC", without[: target + 1] + tones[0] + without[target + 1:])


def normalize_tone_placement(text: str) -> str:
    """`text` (NFC) with every syllable's tone mark on the vowel the traditional convention chooses."""
    text = unicodedata.normalize("NFC", text or "")
    return re.sub(r"[^\W\d_]+", lambda m: _place_tone(m.group(0)), text)


def comparison_key(text: str) -> str:
    """Two spellings of the same name (tone placement, case, spacing) give the same key; diacritics still count."""
    return collapse_whitespace(normalize_tone_placement(text).casefold())
