"""The changes syncs saw in blueprints' statuses and milestones, for the retrospective.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 02:00:00

Hand-reviewed. One new table, so the upgrade touches no existing data:

- ``blueprint_history``: one row per tracked field (definition status,
  implementation status, milestone) a sync saw change, with the old and new value
  and when it was seen. Launchpad keeps no date for a definition status or a
  milestone, so a retrospective for a past day undoes the changes seen after it.
  Append-only; public data.

The downgrade drops it; a retrospective then reads today's statuses for every day,
as before.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``blueprint_history``."""
    op.create_table(
        "blueprint_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("old_value", sa.String(length=100), nullable=True),
        sa.Column("new_value", sa.String(length=100), nullable=True),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blueprint_history")),
    )
    op.create_index(
        "ix_blueprint_history_blueprint", "blueprint_history", ["project", "name"]
    )


def downgrade() -> None:
    """Drop ``blueprint_history``."""
    op.drop_index("ix_blueprint_history_blueprint", table_name="blueprint_history")
    op.drop_table("blueprint_history")
