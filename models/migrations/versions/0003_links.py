"""Links, commitment-state history and the identity map.

Revision ID: 0003
Revises: 0002
Create Date: 2025-11-27 00:00:00

Hand-reviewed. Only new tables, so the upgrade touches no existing data and the
downgrade drops exactly what the upgrade created; a downgrade loses every link
(including those a person confirmed or rejected), the state history and the
identity map. The team's marked state needs nothing new: it is ``actions.state``
from ``0001``. Names follow the naming convention of ``syncsvc.models.base``;
enums are VARCHAR plus a named CHECK constraint.

- ``links``: one row per (action, kind, ref_id); ``decided_by`` is NULL for links
  the reconciler wrote and ``'manual'`` for a person's decision. Indexed by
  (kind, ref_id) to find the commitments an artifact serves.
- ``action_state_history``: append-only state transitions of each commitment.
- ``identities``: IRC nick ↔ Gerrit account / Launchpad name. Each Gerrit account
  id, Gerrit username and Launchpad name is UNIQUE (NULLs do not collide), so one
  account never stands for two nicks; a CHECK keeps rows that name nobody out.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATES = "'not-started', 'in-progress', 'stalled', 'done', 'dropped'"


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    """Create the link, state-history and identity tables."""
    op.create_table(
        "links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ref_id", sa.String(length=500), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.CheckConstraint("kind IN ('bug', 'change', 'blueprint')", name=op.f("ck_links_kind")),
        sa.CheckConstraint(
            "source IN ('explicit', 'footer', 'topic', 'lp-message', 'transitive',"
            " 'candidate', 'manual')",
            name=op.f("ck_links_source"),
        ),
        sa.CheckConstraint(
            "status IN ('confirmed', 'suggested', 'rejected')", name=op.f("ck_links_status")
        ),
        sa.CheckConstraint("confidence >= 0 AND confidence <= 1", name=op.f("ck_links_confidence")),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_links_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_links")),
        sa.UniqueConstraint(
            "action_id", "kind", "ref_id", name=op.f("uq_links_action_id_kind_ref_id")
        ),
    )
    op.create_index("ix_links_kind_ref_id", "links", ["kind", "ref_id"], unique=False)
    op.create_table(
        "action_state_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("previous_state", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        _timestamp("changed_at"),
        _timestamp("observed_at"),
        sa.CheckConstraint(f"state IN ({_STATES})", name=op.f("ck_action_state_history_state")),
        sa.CheckConstraint(
            f"previous_state IN ({_STATES})", name=op.f("ck_action_state_history_previous_state")
        ),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_action_state_history_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_state_history")),
    )
    op.create_index(
        op.f("ix_action_state_history_action_id"),
        "action_state_history",
        ["action_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_action_state_history_changed_at"),
        "action_state_history",
        ["changed_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_action_state_history_observed_at"),
        "action_state_history",
        ["observed_at"],
        unique=False,
    )
    op.create_table(
        "identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nick", sa.String(length=100), nullable=False),
        sa.Column("gerrit_username", sa.String(length=255), nullable=True),
        sa.Column("gerrit_account_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("launchpad", sa.String(length=200), nullable=True),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        _timestamp("created_at"),
        sa.CheckConstraint(
            "gerrit_account_id IS NOT NULL OR gerrit_username IS NOT NULL OR launchpad IS NOT NULL",
            name=op.f("ck_identities_names_someone"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identities")),
        sa.UniqueConstraint("gerrit_account_id", name=op.f("uq_identities_gerrit_account_id")),
        sa.UniqueConstraint("gerrit_username", name=op.f("uq_identities_gerrit_username")),
        sa.UniqueConstraint("launchpad", name=op.f("uq_identities_launchpad")),
    )
    op.create_index(op.f("ix_identities_nick"), "identities", ["nick"], unique=False)


def downgrade() -> None:
    """Drop the link, state-history and identity tables."""
    op.drop_index(op.f("ix_identities_nick"), table_name="identities")
    op.drop_table("identities")
    op.drop_index(op.f("ix_action_state_history_observed_at"), table_name="action_state_history")
    op.drop_index(op.f("ix_action_state_history_changed_at"), table_name="action_state_history")
    op.drop_index(op.f("ix_action_state_history_action_id"), table_name="action_state_history")
    op.drop_table("action_state_history")
    op.drop_index("ix_links_kind_ref_id", table_name="links")
    op.drop_table("links")
