"""Topic decisions, action confidence and organisations.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 00:00:00

Hand-reviewed. Three new columns that keep what the parser already reads:

- ``topics.decisions``: JSON list of agreements ("#agreed", "Agreed:",
  "Decisions:") as written, in document order.
- ``actions.confidence``: FLOAT NOT NULL, how sure the parser is that the item is
  a commitment (0..1).
- ``actions.organisations``: JSON list of companies named as the subject.

Existing rows get the values a summary without these forms gives: ``'[]'`` and
``1.0``, through server defaults that stay on the columns (the models declare
the same defaults, so autogenerate finds no difference). The next import of a
summary fills in the real values. The upgrade is plain ``ADD COLUMN`` (SQLite
accepts a NOT NULL column with a default), so ``--sql`` mode renders it; the
downgrade uses batch mode so that any SQLite can drop the columns. A downgrade
loses the decisions, confidences and organisations.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``topics.decisions``, ``actions.confidence`` and ``actions.organisations``."""
    op.add_column(
        "topics",
        sa.Column("decisions", sa.JSON(), server_default=sa.text("'[]'"), nullable=False),
    )
    op.add_column(
        "actions",
        sa.Column("confidence", sa.Float(), server_default=sa.text("1.0"), nullable=False),
    )
    op.add_column(
        "actions",
        sa.Column("organisations", sa.JSON(), server_default=sa.text("'[]'"), nullable=False),
    )


def downgrade() -> None:
    """Drop the three columns (their data is lost)."""
    with op.batch_alter_table("actions") as batch:
        batch.drop_column("organisations")
        batch.drop_column("confidence")
    with op.batch_alter_table("topics") as batch:
        batch.drop_column("decisions")
