"""The strength rule for NEW passphrases (init, user add, passphrase change), with Vietnamese messages.

A thief who copies `keys/kit.json` guesses offline, where only Argon2id's cost per guess and the
passphrase's strength protect the slots, so weak passphrases are refused when they are chosen. Existing
passphrases keep unlocking: the rule is never applied at login.

The estimator is zxcvbn (Dropbox's, well studied): it prices dictionary words, names, keyboard walks,
repeats, sequences and dates, so "12345678", "password1" or "qwertyuiop" score 0 however long they are.
The kit's own words (the user's name, "fieldkit", role names) count as dictionary words, so they add little. A passphrase must reach
score 3 (about 10^8 guesses: at Argon2id's ~0.2 s per guess on one core, years of offline guessing)
and have at least 10 characters. Vietnamese phrases with diacritics score well: four ordinary words typed
with their marks ("mật khẩu dài của tôi") pass.

Refusals carry a stable code and a message in Vietnamese and English, like fieldkit.domain.messages.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

MIN_LENGTH = 10
MIN_SCORE = 3
_ESTIMATE_CHARS = 100  # zxcvbn's cost grows with length; the first 100 characters decide

# code: (Vietnamese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    "passphrase.too_short": ("Cụm mật khẩu phải có ít nhất {min_length} ký tự",
                             "A passphrase needs at least {min_length} characters"),
    "passphrase.too_weak": ("Cụm mật khẩu quá dễ đoán{hint_vi}. Hãy dùng 4 từ trở lên không liên quan đến nhau, "
                            "gõ có dấu, ví dụ \"mây trắng bay qua đồi chè\"",
                            "The passphrase is too easy to guess{hint_en}. Use four or more unrelated words, "
                            "e.g. \"white clouds over the tea hills\""),
}

_HINTS = {  # zxcvbn's pattern names -> (vi, en) hint
    "sequence": (" (dãy ký tự liên tiếp như 12345678, abcdef)", " (a sequence like 12345678 or abcdef)"),
    "repeat": (" (ký tự lặp lại)", " (repeated characters)"),
    "spatial": (" (các phím liền nhau trên bàn phím)", " (neighbouring keys on the keyboard)"),
    "date": (" (ngày tháng)", " (a date)"),
    "dictionary": (" (từ hoặc mật khẩu phổ biến)", " (a common word or password)"),
}


@dataclass(frozen=True)
class Strength:
    score: int  # 0..4 (zxcvbn)
    guesses_log10: float
    pattern: str  # the weakest part's kind (sequence, dictionary, …)


class WeakPassphrase(ValueError):
    """A new passphrase refused by the strength rule; `code` is stable, `message_vi` is for the Vietnamese UI."""

    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        vi, en = MESSAGES[code]
        self.message_vi, self.message_en = vi.format(**params), en.format(**params)
        super().__init__(f"{self.message_en} [{code}]")


def estimate(passphrase: str, user_inputs: tuple[str, ...] = ()) -> Strength:
    from zxcvbn import zxcvbn  # noqa: PLC0415 (imported on use: it loads its dictionaries, ~0.1 s)

    text = unicodedata.normalize("NFC", passphrase)[:_ESTIMATE_CHARS]
    result = zxcvbn(text, user_inputs=[u for u in user_inputs if u] + ["fieldkit", *_KIT_WORDS])
    sequence = result.get("sequence") or [{}]
    weakest = min(sequence, key=lambda m: float(m.get("guesses", 0) or 0) / max(1, len(m.get("token", "")) or 1))
    return Strength(int(result["score"]), float(result["guesses_log10"]), str(weakest.get("pattern", "")))


_KIT_WORDS = ("officer", "supervisor", "technician", "kit", "passphrase", "matkhau", "mật khẩu")


def check_new_passphrase(passphrase: str, user_name: str = "") -> Strength:
    """The strength of a passphrase being chosen, or WeakPassphrase with its code and messages."""
    text = unicodedata.normalize("NFC", passphrase or "")
    if len(text) < MIN_LENGTH:
        raise WeakPassphrase("passphrase.too_short", min_length=MIN_LENGTH)
    strength = estimate(text, (user_name,))
    if strength.score < MIN_SCORE:
        vi, en = _HINTS.get(strength.pattern, ("", ""))
        raise WeakPassphrase("passphrase.too_weak", hint_vi=vi, hint_en=en)
    return strength
