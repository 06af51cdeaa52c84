"""Records shared by the sync engine, storage and reports: which remote a
record came from, what a save did, and one row of artifact history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple


class SourceName(StrEnum):
    """A remote service syncsvc polls."""

    LAUNCHPAD = "launchpad"
    GERRIT = "gerrit"


@dataclass(frozen=True, slots=True)
class SaveCounts:
    """What an upsert did: rows inserted, rows whose tracked fields changed, rows
    unchanged, and history rows appended."""

    inserted: int = 0
    changed: int = 0
    unchanged: int = 0
    history: int = 0

    def __add__(self, other: SaveCounts) -> SaveCounts:
        return SaveCounts(
            self.inserted + other.inserted,
            self.changed + other.changed,
            self.unchanged + other.unchanged,
            self.history + other.history,
        )


class HistoryEvent(NamedTuple):
    """An artifact history row reduced to what status needs (see models' HistoryRow).

    A named tuple: `status` reads thousands of them, and a tuple is built three times
    as quickly as a frozen dataclass.
    """

    key: str  # "change:745206" or "bug:1855391/manila"
    field: str  # "status", "created", "patch_set", "assignee", "vote:Code-Review", …
    new_value: str | None
    changed_at: datetime
