"""Launchpad blueprints of the team's projects, for links and the retrospective.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 00:00:00

Hand-reviewed. One new table, so the upgrade touches no existing data; the
downgrade drops it, after which the next sync reads every project's blueprints
again (the blueprint scopes' cursors are left in ``sync_state`` and only make that
read wait out its day; ``--full`` reads at once).

- ``blueprints``: one row per (Launchpad project, blueprint name) with its title,
  definition, implementation and lifecycle status, milestone and assignee names,
  created and completed dates, ``is_complete``, web link, and when a sync first
  and last saw it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``blueprints``."""
    op.create_table(
        "blueprints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("definition_status", sa.String(length=32), nullable=False),
        sa.Column("implementation_status", sa.String(length=32), nullable=False),
        sa.Column("lifecycle_status", sa.String(length=32), nullable=True),
        sa.Column("milestone", sa.String(length=100), nullable=True),
        sa.Column("assignee", sa.String(length=255), nullable=True),
        sa.Column("date_created", sa.DateTime(timezone=True), nullable=True),
        sa.Column("date_completed", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_complete", sa.Boolean(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blueprints")),
        sa.UniqueConstraint("project", "name", name=op.f("uq_blueprints_project_name")),
    )


def downgrade() -> None:
    """Drop ``blueprints``."""
    op.drop_table("blueprints")
