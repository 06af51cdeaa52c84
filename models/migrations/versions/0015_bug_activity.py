"""Bug activity log lines, for the squash report's per-person tally.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 00:30:00

Hand-reviewed. Only additions, so the upgrade touches no existing data:

- ``bug_activity``: one line of a bug's Launchpad activity log (who changed what,
  when, from what to what), keyed by (bug, place in the log). The sync reads the
  log only for bugs touched in an active or recent squash window. Public data: the
  same lines Launchpad shows on the bug's activity page; no secrets.
- ``bugs.activity_synced_to``: the bug's ``date_last_updated`` when its log was
  last read, so an unchanged bug's log is not read again. ``NULL``: never read.

The downgrade drops both; the report then credits changes by the older rule (the
task's assignee) until the logs are read again.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``bug_activity`` and add ``bugs.activity_synced_to``."""
    op.add_column(
        "bugs", sa.Column("activity_synced_to", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_table(
        "bug_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bug_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("person", sa.String(length=200), nullable=True),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["bug_id"],
            ["bugs.bug_id"],
            name=op.f("fk_bug_activity_bug_id_bugs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bug_activity")),
        sa.UniqueConstraint("bug_id", "position", name=op.f("uq_bug_activity_bug_id_position")),
    )
    op.create_index("ix_bug_activity_changed_at", "bug_activity", ["changed_at"])


def downgrade() -> None:
    """Drop ``bug_activity`` and ``bugs.activity_synced_to``."""
    op.drop_index("ix_bug_activity_changed_at", table_name="bug_activity")
    op.drop_table("bug_activity")
    with op.batch_alter_table("bugs") as batch:
        batch.drop_column("activity_synced_to")
