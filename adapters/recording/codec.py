"""JSON encoding of the domain records a replay directory holds (see replay.py).

Every dataclass field is written, so a new field cannot be dropped silently;
decoding is strict and names the record and field that do not fit.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from enum import Enum
from types import UnionType
from typing import TypeAlias, TypeVar, Union, get_args, get_origin, get_type_hints

from syncsvc.domain import Account, Bug, BugComments, BugMessage, BugTask, Change, Footers

JSONValue: TypeAlias = "str | int | float | bool | list[JSONValue] | dict[str, JSONValue] | None"
JSONObject: TypeAlias = dict[str, JSONValue]
T = TypeVar("T")


class RecordFormatError(ValueError):
    """A JSON value that is not the shape a record or the manifest needs."""


def record_to_json(
    record: Bug | BugTask | BugComments | BugMessage | Change | Account | Footers,
) -> JSONObject:
    """Every field of a domain record as JSON-ready data (datetimes must be aware)."""
    return fields_to_json(record)


def fields_to_json(record: object) -> JSONObject:
    return {f.name: _encode(getattr(record, f.name)) for f in dataclasses.fields(record)}  # type: ignore[arg-type]


def _encode(value: object) -> JSONValue:
    if isinstance(value, Enum):
        return _encode(value.value)
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, tuple | list):
        return [_encode(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return fields_to_json(value)
    raise TypeError(f"cannot record a {type(value).__name__}")


def _iso(when: datetime) -> str:
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"cannot record the naive datetime {when!r}")
    return when.isoformat()


def decode_as(cls: type[T], value: object, what: str) -> T:
    decoded = _decode(cls, value, what)
    assert isinstance(decoded, cls)
    return decoded


_HINTS: dict[type[object], dict[str, object]] = {}


def _hints(cls: type[object]) -> dict[str, object]:
    if cls not in _HINTS:
        _HINTS[cls] = get_type_hints(cls)
    return _HINTS[cls]


def _decode(tp: object, value: object, what: str) -> object:
    """``value`` (parsed JSON) as an instance of the annotation ``tp``; RecordFormatError if not.

    Handles exactly what the records and the manifest use: dataclasses (every
    field present, no other key), ``X | None``, str, int, bool, datetime (with
    an offset, returned in UTC), str enums and tuples.
    """
    origin, args = get_origin(tp), get_args(tp)
    if origin in (Union, UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = (a for a in args if a is not type(None))
        return _decode(inner, value, what)
    if origin is tuple:
        if not isinstance(value, list):
            raise RecordFormatError(f"{what}: expected an array: {value!r}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v, f"{what}[{i}]") for i, v in enumerate(value))
        if len(value) != len(args):
            raise RecordFormatError(f"{what}: expected {len(args)} items: {value!r}")
        return tuple(
            _decode(a, v, f"{what}[{i}]") for i, (a, v) in enumerate(zip(args, value, strict=True))
        )
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _decode_dataclass(tp, value, what)
    if isinstance(tp, type) and issubclass(tp, Enum):
        try:
            return tp(value)
        except ValueError:
            raise RecordFormatError(f"{what}: not a {tp.__name__}: {value!r}") from None
    if tp is datetime:
        try:
            when = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            when = None
        if when is None or when.tzinfo is None:
            raise RecordFormatError(f"{what}: expected an ISO 8601 time with offset: {value!r}")
        return when.astimezone(UTC)
    if (
        (tp is str and isinstance(value, str))
        or (tp is bool and isinstance(value, bool))
        or (tp is int and isinstance(value, int) and not isinstance(value, bool))
    ):
        return value
    raise RecordFormatError(f"{what}: expected {getattr(tp, '__name__', tp)}: {value!r}")


# Fields added to a record after recordings of it were made: a recording without them
# reads with the field's default (every other field stays required).
_ADDED_LATER: dict[type[object], frozenset[str]] = {
    Bug: frozenset(
        {"private", "information_type", "date_created", "duplicate_of", "latest_patch_uploaded"}
    ),
    BugTask: frozenset({"date_triaged", "date_incomplete"}),
}


def _decode_dataclass(cls: type[object], value: object, what: str) -> object:
    if not isinstance(value, dict):
        raise RecordFormatError(f"{what}: expected an object, got {type(value).__name__}")
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    later = _ADDED_LATER.get(cls, frozenset())
    if missing := [n for n in names if n not in value and n not in later]:
        raise RecordFormatError(f"{what}: missing {', '.join(missing)}")
    if unknown := sorted(str(k) for k in value.keys() - set(names)):
        raise RecordFormatError(f"{what}: unknown {', '.join(unknown)}")
    hints = _hints(cls)
    return cls(**{n: _decode(hints[n], value[n], f"{what}.{n}") for n in names if n in value})


def bug_from_json(value: object, what: str = "bug") -> Bug:
    """The :class:`Bug` (with its tasks) that :func:`record_to_json` wrote.

    Raises RecordFormatError (naming the field) for any other shape.
    """
    return decode_as(Bug, value, what)


def task_from_json(value: object, what: str = "task") -> BugTask:
    """The :class:`BugTask` that :func:`record_to_json` wrote; RecordFormatError otherwise."""
    return decode_as(BugTask, value, what)


def comments_from_json(value: object, what: str = "comments") -> BugComments:
    """The :class:`BugComments` (with its messages) that :func:`record_to_json` wrote."""
    return decode_as(BugComments, value, what)


def change_from_json(value: object, what: str = "change") -> Change:
    """The :class:`Change` (with owner and footers) that :func:`record_to_json` wrote."""
    return decode_as(Change, value, what)


# --- the manifest -----------------------------------------------------------------------
