"""The declarative base and the column types every table shares."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import TypeVar

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from syncsvc.models.column_types import UTCDateTime, require_aware, value_enum

__all__ = [  # the column types live in column_types (no ORM import) and are named here too
    "IN_CHUNK",
    "NAMING_CONVENTION",
    "Base",
    "UTCDateTime",
    "in_chunks",
    "require_aware",
    "value_enum",
]

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


class Base(DeclarativeBase):
    """Base of every mapped class; its ``metadata`` is Alembic's target."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
