"""Incremental relink: pending records, clock-driven rechecks and the fingerprint.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 00:00:00

Hand-reviewed. Only new tables, so the upgrade touches no existing data; the
downgrade drops them, after which the next relink is a full one (nothing is lost:
every row here can be recomputed from the stored data).

- ``relink_pending``: (kind, ref) of each change, bug, action or event changed
  since the last relink, written in the same transaction as the change, so a
  failed or killed relink leaves it for the next one.
- ``relink_checks``: per action, when its state may change by the clock alone
  (an in-progress stall window running out, a due date passing); indexed on that
  time.
- ``relink_marks``: named values kept between relinks (the fingerprint of the
  reconciler's version, weights and configuration).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``relink_pending``, ``relink_checks`` and ``relink_marks``."""
    op.create_table(
        "relink_pending",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ref", sa.String(length=300), nullable=False),
        sa.CheckConstraint(
            "kind IN ('change', 'bug', 'action', 'event', 'all')",
            name=op.f("ck_relink_pending_kind"),
        ),
        sa.PrimaryKeyConstraint("kind", "ref", name=op.f("pk_relink_pending")),
    )
    op.create_table(
        "relink_checks",
        sa.Column("action_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("recheck_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_relink_checks_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("action_id", name=op.f("pk_relink_checks")),
    )
    op.create_index(
        op.f("ix_relink_checks_recheck_at"), "relink_checks", ["recheck_at"], unique=False
    )
    op.create_table(
        "relink_marks",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_relink_marks")),
    )


def downgrade() -> None:
    """Drop the three tables (the next relink is then a full one)."""
    op.drop_table("relink_marks")
    op.drop_index(op.f("ix_relink_checks_recheck_at"), table_name="relink_checks")
    op.drop_table("relink_checks")
    op.drop_table("relink_pending")
