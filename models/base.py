"""The declarative base and the column types every table shares."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import UTC, datetime
from enum import StrEnum
from typing import TypeVar

from sqlalchemy import DateTime, Dialect, Enum, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase

# Deterministic constraint names, from the Alembic "naming conventions" docs, so
# that migrations can drop or alter constraints by name on every backend.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


_T = TypeVar("_T")
IN_CHUNK = 500  # keys per SELECT ... IN: far below SQLite's and PostgreSQL's limits


def in_chunks(values: Collection[_T]) -> Iterator[list[_T]]:
    """``values`` in lists of at most ``IN_CHUNK``, for ``WHERE key IN (...)`` queries."""
    items = list(values)
    for start in range(0, len(items), IN_CHUNK):
        yield items[start : start + IN_CHUNK]


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


class Base(DeclarativeBase):
    """Base of every mapped class; its ``metadata`` is Alembic's target."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


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
