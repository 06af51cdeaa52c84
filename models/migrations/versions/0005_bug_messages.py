"""Bug comments: the ``bug_messages`` table and each bug's comment sync mark.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 00:00:00

Hand-reviewed. The Gerrit hook's comments on tracked bugs ("Fix proposed to
manila (master)" with a ``Review:`` URL) are evidence for links, so the sync now
keeps them:

- ``bug_messages``: one row per kept comment, keyed by ``(bug_id, number)`` (the
  comment's number on the bug, Launchpad's ``.../comments/N``), so fetching the
  comments again upserts instead of duplicating; the unique constraint's index
  also serves lookups by bug. Rows go with their bug (``ON DELETE CASCADE``).
  Author, date, subject and content are remote text stored as written.
- ``bugs.date_last_message``: the bug's date of its newest message when its
  comments were last synced; ``bugs.comments_synced_at``: when that was. Both
  nullable and ``NULL`` for existing rows, which the next sync reads as "never
  synced" and checks once.

Only additions, so the upgrade touches no existing data; ``--sql`` mode renders
it (plain ``CREATE TABLE`` and ``ADD COLUMN``). The downgrade drops exactly what
the upgrade added (batch mode, so any SQLite can drop the columns) and loses the
stored comments; a later upgrade and sync fetch them again.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    """Create ``bug_messages``; add ``bugs.date_last_message`` and ``bugs.comments_synced_at``."""
    op.add_column("bugs", _timestamp("date_last_message", nullable=True))
    op.add_column("bugs", _timestamp("comments_synced_at", nullable=True))
    op.create_table(
        "bug_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bug_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=True),
        _timestamp("date_created"),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        _timestamp("fetched_at"),
        sa.ForeignKeyConstraint(
            ["bug_id"],
            ["bugs.bug_id"],
            name=op.f("fk_bug_messages_bug_id_bugs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bug_messages")),
        sa.UniqueConstraint("bug_id", "number", name=op.f("uq_bug_messages_bug_id_number")),
    )


def downgrade() -> None:
    """Drop ``bug_messages`` and the two ``bugs`` columns (the comments are lost)."""
    op.drop_table("bug_messages")
    with op.batch_alter_table("bugs") as batch:
        batch.drop_column("comments_synced_at")
        batch.drop_column("date_last_message")
