"""Typed ORM models of bug-squash events: the event, its snapshots and its sign-ups;
and the bug activity log lines the per-person tally reads.

Private to :mod:`syncsvc.models`, like :mod:`.tables`; :mod:`.squash_store` and
:mod:`.activity_store` turn rows into :mod:`syncsvc.domain` records. The event tables
arrived in ``0008``, ``bug_activity`` in ``0015``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from syncsvc.models import sync_tables as _fk_targets  # noqa: F401 - registers ``bugs``, which the foreign keys name
from syncsvc.models.base import Base, UTCDateTime


class SquashEventRow(Base):
    """A bug-squash event: a named window (UTC instants), an optional tag, its goals."""

    __tablename__ = "squash_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    tag: Mapped[str | None] = mapped_column(String(200))
    projects: Mapped[list[str]] = mapped_column(JSON)
    goals: Mapped[dict[str, int]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SquashSnapshotRow(Base):
    """Counts of the event's open bug tasks taken by one sync during the window.

    ``counts`` maps ``status:<Status>`` and ``importance:<Importance>`` to task counts.
    Append-only.
    """

    __tablename__ = "squash_snapshots"
    __table_args__ = (Index("ix_squash_snapshots_event", "event_id", "taken_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("squash_events.id", ondelete="CASCADE"))
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)
    counts: Mapped[dict[str, int]] = mapped_column(JSON)


class SquashSignupRow(Base):
    """One person signed up for one bug at one event (from the pasted sheet)."""

    __tablename__ = "squash_signups"
    __table_args__ = (UniqueConstraint("event_id", "bug_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("squash_events.id", ondelete="CASCADE"))
    bug_id: Mapped[int] = mapped_column(Integer)
    person: Mapped[str] = mapped_column(String(200))


class BugActivityRow(Base):
    """One line of a bug's Launchpad activity log, keyed by (bug, its place in the log).

    Read only for bugs touched in an active or recent squash window; ``person`` is the
    Launchpad name of who made the change, ``what`` Launchpad's ``whatchanged``
    (``manila: status``); values are remote text kept as written. No secrets: the log
    is what Launchpad shows on the bug's public activity page.
    """

    __tablename__ = "bug_activity"
    __table_args__ = (
        UniqueConstraint("bug_id", "position"),
        Index("ix_bug_activity_changed_at", "changed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bug_id: Mapped[int] = mapped_column(ForeignKey("bugs.bug_id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    person: Mapped[str | None] = mapped_column(String(200))
    what: Mapped[str] = mapped_column(Text)
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
