"""When a bug's newest patch was attached, for the squash ``candidates`` list.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 00:00:00

Hand-reviewed. One nullable column, so the upgrade touches no existing data:

- ``bugs.latest_patch_uploaded``: Launchpad's bug field of that name, the time the
  newest attachment flagged as a patch was added. Launchpad's ``searchTasks``
  filter ``has_patch`` matches exactly the bugs where it is set, so a bug "has a
  patch" when it is not ``NULL``. ``NULL`` until a bug is next read whole.

The downgrade drops the column (batch mode, for SQLite).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``bugs.latest_patch_uploaded``."""
    op.add_column(
        "bugs", sa.Column("latest_patch_uploaded", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    """Drop ``bugs.latest_patch_uploaded``."""
    with op.batch_alter_table("bugs") as batch:
        batch.drop_column("latest_patch_uploaded")
