"""Retrospective: ongoing commitments and carry-over.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-04 00:00:00

Hand-reviewed.

- ``actions.state`` may be ``ongoing``: a standing commitment ("the team
  welcomes feedback") that `retro` lists apart and leaves out of completion.
- ``actions.carried_from_id``: the action this one was carried over from
  (``NULL`` for the others). ``(carried_from_id, event_id)`` is unique, so
  carrying the same action into the same event twice finds the first copy.

The upgrade touches no existing data. The downgrade reopens ongoing actions
(``open``) before it restores the narrower CHECK constraint, and drops the column.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATES = "state IN ('open', 'done', 'dropped', 'ongoing')"
_OLD_STATES = "state IN ('open', 'done', 'dropped')"


def _ts(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _copy_from() -> dict[str, sa.Table]:
    """``--sql`` mode on SQLite cannot reflect: batch mode copies this 0007 shape instead."""
    if not context.is_offline_mode():
        return {}
    meta = sa.MetaData()
    for name in ("events", "topics", "event_sources"):
        sa.Table(name, meta, sa.Column("id", sa.Integer(), primary_key=True))
    table = sa.Table(
        "actions", meta,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey(
            "events.id", name="fk_actions_event_id_events", ondelete="CASCADE"),
            nullable=False, index=True),
        sa.Column("topic_id", sa.Integer(), sa.ForeignKey(
            "topics.id", name="fk_actions_topic_id_topics", ondelete="CASCADE"),
            nullable=False, index=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("milestone_text", sa.String(200)),
        sa.Column("milestone_key", sa.String(100)),
        sa.Column("due", sa.Date()),
        sa.Column("starts", sa.Date()),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("inferred", sa.Boolean(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        _ts("removed_at", nullable=True),
        sa.Column("confidence", sa.Float(), server_default=sa.text("1.0"), nullable=False),
        sa.Column("organisations", sa.JSON(), server_default=sa.text("'[]'"), nullable=False),
        sa.Column("origin", sa.String(16), server_default=sa.text("'source'"), nullable=False),
        sa.Column("source_id", sa.Integer(), sa.ForeignKey(
            "event_sources.id", name="fk_actions_source_id_event_sources", ondelete="SET NULL"),
            index=True),
        sa.CheckConstraint(_OLD_STATES, name="ck_actions_state"),
        sa.CheckConstraint("origin IN ('source', 'carried', 'manual')", name="ck_actions_origin"),
    )  # fmt: skip
    return {"copy_from": table}


def upgrade() -> None:
    """Allow ``ongoing``; add ``actions.carried_from_id`` with its index and unique key."""
    with op.batch_alter_table("actions", **_copy_from()) as batch:
        batch.drop_constraint(op.f("ck_actions_state"), type_="check")
        batch.create_check_constraint(op.f("ck_actions_state"), _STATES)
        batch.add_column(sa.Column("carried_from_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_actions_carried_from_id_actions"),
            "actions",
            ["carried_from_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(op.f("ix_actions_carried_from_id"), ["carried_from_id"])
        batch.create_unique_constraint(
            op.f("uq_actions_carried_from_id_event_id"), ["carried_from_id", "event_id"]
        )


def downgrade() -> None:
    """Reopen ongoing actions, restore the old CHECK constraint, drop the column."""
    op.execute("UPDATE actions SET state = 'open' WHERE state = 'ongoing'")
    with op.batch_alter_table("actions") as batch:
        batch.drop_constraint(op.f("uq_actions_carried_from_id_event_id"), type_="unique")
        batch.drop_index(op.f("ix_actions_carried_from_id"))
        batch.drop_constraint(op.f("fk_actions_carried_from_id_actions"), type_="foreignkey")
        batch.drop_column("carried_from_id")
        batch.drop_constraint(op.f("ck_actions_state"), type_="check")
        batch.create_check_constraint(op.f("ck_actions_state"), _OLD_STATES)
