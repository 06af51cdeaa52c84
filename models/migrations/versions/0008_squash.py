"""Bug-squash data: the bug and task fields the squash lists need; squash events.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 23:45:00

Hand-reviewed. The open-bug sync (``[squash] open_bugs``) reads every open bug
of the configured projects, so the store keeps more of what Launchpad says:

- ``bugs.date_created``, ``bugs.message_count``, ``bugs.duplicate_of`` (the
  master bug's id) and ``bugs.remote_last_message`` (Launchpad's
  ``date_last_message``; ``bugs.date_last_message`` stays the date the stored
  comments are synced to);
- ``bug_tasks.date_triaged`` and ``bug_tasks.date_incomplete``.

All ``NULL`` until a bug or task is next fetched. New tables for `squash start`:
``squash_events`` (name, UTC window, tag, projects, goals), ``squash_snapshots``
(status and importance counts appended by each sync in the window) and
``squash_signups`` (one person per bug per event). Only additions, so the upgrade
touches no existing data; the downgrade drops them (columns in batch mode).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BUG_COLUMNS: tuple[tuple[str, sa.types.TypeEngine[object]], ...] = (
    ("date_created", sa.DateTime(timezone=True)),
    ("message_count", sa.Integer()),
    ("duplicate_of", sa.Integer()),
    ("remote_last_message", sa.DateTime(timezone=True)),
)
_TASK_COLUMNS: tuple[tuple[str, sa.types.TypeEngine[object]], ...] = (("date_triaged", sa.DateTime(timezone=True)), ("date_incomplete", sa.DateTime(timezone=True)))


def _when(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    """Add the nullable bug and task columns and the three squash tables."""
    for name, kind in _BUG_COLUMNS:
        op.add_column("bugs", sa.Column(name, kind, nullable=True))
    for name, kind in _TASK_COLUMNS:
        op.add_column("bug_tasks", sa.Column(name, kind, nullable=True))
    op.create_table(
        "squash_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        _when("starts_at"),
        _when("ends_at"),
        sa.Column("tag", sa.String(length=200), nullable=True),
        sa.Column("projects", sa.JSON(), nullable=False),
        sa.Column("goals", sa.JSON(), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_squash_events")),
        sa.UniqueConstraint("name", name=op.f("uq_squash_events_name")),
    )
    op.create_table(
        "squash_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        _when("taken_at"),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["squash_events.id"],
            name=op.f("fk_squash_snapshots_event_id_squash_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_squash_snapshots")),
    )
    op.create_index("ix_squash_snapshots_event", "squash_snapshots", ["event_id", "taken_at"])
    op.create_table(
        "squash_signups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("bug_id", sa.Integer(), nullable=False),
        sa.Column("person", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["squash_events.id"],
            name=op.f("fk_squash_signups_event_id_squash_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_squash_signups")),
        sa.UniqueConstraint("event_id", "bug_id", name=op.f("uq_squash_signups_event_id_bug_id")),
    )


def downgrade() -> None:
    """Drop the tables and columns again."""
    op.drop_table("squash_signups")
    op.drop_index("ix_squash_snapshots_event", table_name="squash_snapshots")
    op.drop_table("squash_snapshots")
    op.drop_table("squash_events")
    with op.batch_alter_table("bug_tasks") as batch:
        for name, _ in reversed(_TASK_COLUMNS):
            batch.drop_column(name)
    with op.batch_alter_table("bugs") as batch:
        for name, _ in reversed(_BUG_COLUMNS):
            batch.drop_column(name)
