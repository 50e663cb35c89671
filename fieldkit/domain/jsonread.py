"""Reading JSON-safe dicts into domain objects with errors that name the field ("demographics.guardian.name").

Keys starting with "_" are comments (example files use "_expect") and are ignored; any other unknown key is an
error, so a misspelt field name is caught instead of silently dropped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, TypeVar

T = TypeVar("T")
_MISSING = object()


class RecordFormatError(ValueError):
    """A record dict that cannot be read. `field` is the dotted path; `code` a stable validation code."""

    def __init__(self, field: str, message: str, code: str = "record.format"):
        super().__init__(f"{field}: {message}" if field else message)
        self.field, self.message, self.code = field, message, code


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class Obj:
    """A dict being read, with its path. `get` checks types; `done` rejects unknown keys."""

    def __init__(self, data: Any, path: str):
        if not isinstance(data, dict):
            raise RecordFormatError(path, f"expected an object, got {_kind(data)}")
        self.data, self.path, self.seen = data, path, set()

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = _MISSING) -> Any:
        self.seen.add(key)
        value = self.data.get(key, _MISSING)
        if value is _MISSING or (value is None and default is not _MISSING):
            if default is _MISSING:
                raise RecordFormatError(join(self.path, key), "is required")
            return default
        # bool is an int in Python; a JSON true is never a number here. `object` means "any": convert() checks.
        kinds = _as_tuple(kind)
        if not isinstance(value, kind) or (isinstance(value, bool) and bool not in kinds and object not in kinds):
            raise RecordFormatError(join(self.path, key), f"expected {_names(kind)}, got {_kind(value)}")
        return value

    def text(self, key: str, default: Any = _MISSING) -> Any:
        return self.get(key, str, default)

    def convert(self, key: str, parse: Callable[[Any], T], default: Any = _MISSING) -> T | Any:
        """The value passed through `parse`; a ValueError from it becomes a RecordFormatError on this field."""
        raw = self.get(key, object, default)
        if raw is default and default is not _MISSING:
            return default
        try:
            return parse(raw)
        except RecordFormatError:
            raise
        except (ValueError, TypeError) as exc:
            raise RecordFormatError(join(self.path, key), str(exc)) from None

    def child(self, key: str, optional: bool = False) -> "Obj | None":
        value = self.get(key, dict, None if optional else _MISSING)
        return None if value is None else Obj(value, join(self.path, key))

    def done(self) -> None:
        unknown = sorted(k for k in self.data if k not in self.seen and not str(k).startswith("_"))
        if unknown:
            raise RecordFormatError(join(self.path, unknown[0]), "is not a field of this object")


def parse_datetime(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 date-time text, got {_kind(value)}")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' is not an ISO 8601 date-time (e.g. 2026-11-23T08:30:00+07:00)") from None


def _as_tuple(kind) -> tuple:
    return kind if isinstance(kind, tuple) else (kind,)


def _names(kind) -> str:
    names = {str: "text", int: "an integer", float: "a number", dict: "an object", list: "a list", bool: "true/false"}
    return " or ".join(names.get(k, k.__name__) for k in _as_tuple(kind))


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "true/false", int: "an integer", float: "a number", str: "text", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)


def enum_parser(enum) -> Callable[[Any], Any]:
    """A parse function for `Obj.convert` that accepts the enum's values and lists them when it fails."""

    def parse(value):
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in enum)
            raise ValueError(f"'{value}' is not one of: {allowed}") from None

    return parse
