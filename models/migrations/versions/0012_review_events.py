"""Review messages of linked changes, for the retrospective's time to first review.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 00:00:00

Hand-reviewed. Two new tables, so the upgrade touches no existing data; the
downgrade drops them, after which the next sync reads every linked change's
messages once more. No message text is stored.

- ``review_events``: one row per message on a change a commitment is linked to,
  keyed by (change number, Gerrit's message id): when, the author's account id,
  username and name, ``message`` or ``vote`` with the vote's label and value, and
  Gerrit's message tag.
- ``review_reads``: per change, the ``updated`` time and status its messages were
  read as of, and when; a change is read again only after it moves, never once
  it was read merged or abandoned.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``review_events`` and ``review_reads``."""
    op.create_table(
        "review_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_number", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=255), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=True),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("tag", sa.String(length=255), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('message', 'vote')", name=op.f("ck_review_events_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_events")),
        sa.UniqueConstraint(
            "change_number",
            "message_id",
            name=op.f("uq_review_events_change_number_message_id"),
        ),
    )
    op.create_index("ix_review_events_change_number_at", "review_events", ["change_number", "at"])
    op.create_table(
        "review_reads",
        sa.Column("change_number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("change_updated", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change_status", sa.String(length=16), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "change_status IN ('NEW', 'MERGED', 'ABANDONED')",
            name=op.f("ck_review_reads_change_status"),
        ),
        sa.PrimaryKeyConstraint("change_number", name=op.f("pk_review_reads")),
    )


def downgrade() -> None:
    """Drop ``review_reads`` and ``review_events``."""
    op.drop_table("review_reads")
    op.drop_index("ix_review_events_change_number_at", table_name="review_events")
    op.drop_table("review_events")
