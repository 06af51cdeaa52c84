"""The typed ORM model of Launchpad blueprints (migration ``0013``) and the changes
syncs saw (``0016``).

Private to :mod:`syncsvc.models`: :mod:`.blueprint_store` turns rows into
:class:`syncsvc.domain.blueprints.Blueprint` records.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from syncsvc.domain.blueprints import Blueprint, BlueprintChange
from syncsvc.models.base import Base, UTCDateTime


class BlueprintRow(Base):
    """One blueprint of a Launchpad project, keyed by (project, name), as last synced.

    ``first_seen``/``last_seen`` are when a sync first and last saved it.
    """

    __tablename__ = "blueprints"
    __table_args__ = (UniqueConstraint("project", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(Text)
    definition_status: Mapped[str] = mapped_column(String(32))
    implementation_status: Mapped[str] = mapped_column(String(32))
    lifecycle_status: Mapped[str | None] = mapped_column(String(32))
    milestone: Mapped[str | None] = mapped_column(String(100))
    assignee: Mapped[str | None] = mapped_column(String(255))
    date_created: Mapped[datetime | None] = mapped_column(UTCDateTime)
    date_completed: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_complete: Mapped[bool] = mapped_column(Boolean)
    url: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)

    def to_record(self) -> Blueprint:
        """The row as a domain record."""
        return Blueprint(
            project=self.project,
            name=self.name,
            title=self.title,
            definition_status=self.definition_status,
            implementation_status=self.implementation_status,
            lifecycle_status=self.lifecycle_status,
            milestone=self.milestone,
            assignee=self.assignee,
            date_created=self.date_created,
            date_completed=self.date_completed,
            is_complete=self.is_complete,
            url=self.url,
        )


class BlueprintChangeRow(Base):
    """A tracked field of a blueprint seen changed by a sync (migration ``0016``):
    append-only, dated when the sync saw it. Keyed by (project, name) like
    :class:`BlueprintRow`, so a blueprint's history survives its row being rebuilt."""

    __tablename__ = "blueprint_history"
    __table_args__ = (Index("ix_blueprint_history_blueprint", "project", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(255))
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(String(100))
    new_value: Mapped[str | None] = mapped_column(String(100))
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def to_record(self) -> BlueprintChange:
        """The row as a domain record."""
        return BlueprintChange(
            self.project, self.name, self.field, self.old_value, self.new_value, self.observed_at
        )
