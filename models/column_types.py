"""The column types every table shares, and the status read uses.

Apart from :mod:`syncsvc.models.base` (which re-exports them): the declarative base
needs ``sqlalchemy.orm``, which a read through Core clauses (`syncsvc status`) does
not, and importing it costs about 0.1 s of a command's start.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import DateTime, Dialect, Enum, TypeDecorator


def require_aware(value: datetime, name: str) -> datetime:
    """``value`` unchanged; raises ``ValueError`` when it has no timezone."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return value


def value_enum(enum: type[StrEnum]) -> Enum:
    """A column type storing ``enum``'s member *values* ("open", "ptg") as VARCHAR.

    Checked by a named CHECK constraint rather than a native PostgreSQL enum, so
    a new member needs no ALTER TYPE and the schema is the same on both backends.
    """
    return Enum(enum, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class UTCDateTime(TypeDecorator[datetime]):
    """A ``TIMESTAMP WITH TIME ZONE`` that always reads back as an aware UTC datetime.

    SQLite stores no offset, so values are converted to UTC before they are bound
    and UTC is attached again when they are read. Naive datetimes are rejected:
    guessing their zone would silently shift times.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, _dialect: Dialect) -> datetime | None:
        """Convert an aware datetime to UTC; refuse naive ones."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} cannot be stored")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, _dialect: Dialect) -> datetime | None:
        """Return the stored instant as an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
