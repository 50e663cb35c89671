"""Logging that never writes names, ID numbers or biometrics.

Every handler the kit installs carries `RedactingFilter`. It works on the final message text, so it
catches personal data whatever way it reached a log call (an argument, an f-string, an exception):
- runs of 9+ digits (CMND 9, phone 10-11, personal ID 12) become [number];
- words with Vietnamese diacritics become [text] (log messages are written in English in code, so such a
  word came from a person's data);
- dates (DD/MM/YYYY, D-M-YYYY, DD.MM.YYYY, YYYY-MM-DD, and 8-digit DDMMYYYY that is a real date) become
  [date]: a birth date with a name or commune identifies a person;
- strings registered with `register_sensitive` (names of the people being enrolled, held in memory only)
  become [name], which covers names without diacritics such as "Y Ben";
- unregistered names typed without diacritics are caught where they look like a Vietnamese name: 2-5
  capitalised words (Title or UPPER case) that start with a common family name (Nguyen, Tran, Le …) or have
  Van/Thi as a middle word become [name];
- bytes arguments (images, templates) are replaced by their length before formatting.

Limits (honest): an unregistered undiacritised name that starts with an uncommon family name and has no
Van/Thi (many minority names: "Y Ben Nie", "Mua A Sua") is only caught if registered; a lower-case name is
not caught; a year alone is kept (it is rarely identifying and logs need years); some English capitalised
phrases that start with a family-name syllable ("Do Not …") are over-redacted, which loses nothing personal.
Log messages are written in English in code, so a 9+ digit run or a diacritic is data, not text.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import threading
import unicodedata
from pathlib import Path

from fieldkit.paths import ensure_private_dir

_DIGITS = re.compile(r"(?<!\d)\d[\d .-]{7,}\d(?!\d)")
_WORD = re.compile(r"\w+", re.UNICODE)
_DAY, _MONTH, _YEAR = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])", r"(?:1[89]\d\d|20\d\d)"
_DATES = re.compile(
    rf"(?<![\w/.-])(?:{_DAY}([/.-]){_MONTH}\1{_YEAR}"  # 05/03/1987, 5-3-1987, 05.03.1987
    rf"|{_YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"  # 1987-03-05
    rf"|(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2]){_YEAR})(?!\w|[/.-]\d)")  # 05031987; not inside ids
# Common Vietnamese family names (covering most of the population), undiacritised and case-folded.
_FAMILY_NAMES = frozenset(
    "nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dinh trinh truong lam mai luong "
    "cao ha quach thai ta la lo mua sung giang vang lu chu dao doan kieu khuat ton tang trieu nong hua luu "
    "van tong quan lai tieu thach danh kim".split())
_MIDDLE_NAMES = frozenset(("van", "thi"))
_NAME_RUN = re.compile(r"\b[A-Z][A-Za-z]*(?:[ \t]+[A-Z][A-Za-z]*){1,4}\b")

_sensitive: set[str] = set()
_sensitive_lock = threading.Lock()
_sensitive_pattern: re.Pattern[str] | None = None


def register_sensitive(*texts: str) -> None:
    """Remember strings (names, addresses) that must never appear in a log line."""
    global _sensitive_pattern
    with _sensitive_lock:
        for text in texts:
            text = (text or "").strip()
            if len(text) >= 2:
                _sensitive.add(unicodedata.normalize("NFC", text))
        parts = sorted(_sensitive, key=len, reverse=True)
        _sensitive_pattern = re.compile("|".join(re.escape(p) for p in parts), re.IGNORECASE) if parts else None


def forget_sensitive() -> None:
    """Drop every registered string (on lock and on wipe)."""
    global _sensitive_pattern
    with _sensitive_lock:
        _sensitive.clear()
        _sensitive_pattern = None


def _has_diacritic(word: str) -> bool:
    return any(ord(ch) > 127 and ch.isalpha() for ch in word)


def redact(text: str) -> str:
    """The message with personal data replaced by placeholders."""
    text = unicodedata.normalize("NFC", text)
    pattern = _sensitive_pattern
    if pattern is not None:
        text = pattern.sub("[name]", text)
    text = _DATES.sub("[date]", text)
    text = _DIGITS.sub(lambda m: "[number]" if sum(c.isdigit() for c in m.group()) >= 9 else m.group(), text)
    text = _NAME_RUN.sub(_name_or_keep, text)
    return _WORD.sub(lambda m: "[text]" if _has_diacritic(m.group()) else m.group(), text)


def _name_or_keep(match: re.Match) -> str:
    words = [w.casefold() for w in match.group().split()]
    if words[0] in _FAMILY_NAMES or any(w in _MIDDLE_NAMES for w in words[1:]):
        return "[name]"
    return match.group()


def _safe_arg(arg):
    if isinstance(arg, (bytes, bytearray, memoryview)):
        return f"<{len(arg)} bytes>"
    return arg


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            args = record.args
            if isinstance(args, dict):
                args = {k: _safe_arg(v) for k, v in args.items()}
            else:
                args = tuple(_safe_arg(a) for a in args)
            record.msg, record.args = record.msg % args if args else record.msg, ()
        record.msg = redact(str(record.msg))
        if record.exc_info:
            # Exception text can quote data (e.g. a ValueError naming a field's value): format it now, redacted.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"


def setup_logging(data_dir: Path | None, level: str = "INFO", console: bool = False) -> Path | None:
    """Send the kit's logs to `<data_dir>/logs/fieldkit.log` (rotated) and optionally stderr, all redacted."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_fieldkit", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    handlers: list[logging.Handler] = []
    log_path = None
    if data_dir is not None:
        log_dir = ensure_private_dir(data_dir / "logs")
        log_path = log_dir / "fieldkit.log"
        handlers.append(logging.handlers.RotatingFileHandler(log_path, maxBytes=2_000_000, backupCount=5,
                                                             encoding="utf-8"))
    if console:
        handlers.append(logging.StreamHandler())
    for handler in handlers:
        handler._fieldkit = True  # type: ignore[attr-defined]
        handler.addFilter(RedactingFilter())
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        root.addHandler(handler)
    return log_path
