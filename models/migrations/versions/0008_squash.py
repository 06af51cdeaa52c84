"""Bug-squash data: the bug and task fields the squash lists need.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 23:45:00

Hand-reviewed. The open-bug sync (``[squash] open_bugs``) reads every open bug
of the configured projects, so the store keeps more of what Launchpad says:

- ``bugs.date_created``, ``bugs.message_count``, ``bugs.duplicate_of`` (the
  master bug's id) and ``bugs.remote_last_message`` (Launchpad's
  ``date_last_message``; ``bugs.date_last_message`` stays the date the stored
  comments are synced to);
- ``bug_tasks.date_triaged`` and ``bug_tasks.date_incomplete``.

All ``NULL`` until a bug or task is next fetched. Only additions, so the
upgrade touches no existing data; the downgrade drops them in batch mode.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BUG_COLUMNS: tuple[tuple[str, sa.types.TypeEngine[object]], ...] = (
    ("date_created", sa.DateTime(timezone=True)),
    ("message_count", sa.Integer()),
    ("duplicate_of", sa.Integer()),
    ("remote_last_message", sa.DateTime(timezone=True)),
)
_TASK_COLUMNS: tuple[tuple[str, sa.types.TypeEngine[object]], ...] = (("date_triaged", sa.DateTime(timezone=True)), ("date_incomplete", sa.DateTime(timezone=True)))


def upgrade() -> None:
    """Add the nullable bug and task columns."""
    for name, kind in _BUG_COLUMNS:
        op.add_column("bugs", sa.Column(name, kind, nullable=True))
    for name, kind in _TASK_COLUMNS:
        op.add_column("bug_tasks", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    """Drop them again."""
    with op.batch_alter_table("bug_tasks") as batch:
        for name, _ in reversed(_TASK_COLUMNS):
            batch.drop_column(name)
    with op.batch_alter_table("bugs") as batch:
        for name, _ in reversed(_BUG_COLUMNS):
            batch.drop_column(name)
