"""Referenced changes Gerrit did not return, so a sync does not ask for them every run.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 00:00:00

Hand-reviewed. One new table, so the upgrade touches no existing data; the
downgrade drops it, after which the next sync asks for every such change once more.

- ``unreturned_changes``: a change number a commitment names that Gerrit did not
  return when asked (it does not exist, or is not visible to us), with when it was
  first and last asked and how many times.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``unreturned_changes``."""
    op.create_table(
        "unreturned_changes",
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("first_asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("times", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_unreturned_changes")),
    )


def downgrade() -> None:
    """Drop ``unreturned_changes``."""
    op.drop_table("unreturned_changes")
