"""Bug privacy: ``bugs.private`` and ``bugs.information_type``.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 00:00:00

Hand-reviewed. An authenticated sync sees embargoed bugs, so the sync now keeps
what Launchpad says of their privacy:

- ``bugs.private``: Launchpad's ``private`` flag; ``false`` for existing rows
  (an anonymous sync, the only kind before this, stores private bugs as not
  visible, with no title).
- ``bugs.information_type``: "Public", "Private Security", "Proprietary", ...;
  ``NULL`` until the bug is next fetched.

Only additions, so the upgrade touches no existing data; ``--sql`` mode renders
it. The downgrade drops both columns (batch mode, so any SQLite can drop them).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``bugs.private`` (default false) and ``bugs.information_type``."""
    op.add_column(
        "bugs", sa.Column("private", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column("bugs", sa.Column("information_type", sa.String(length=40), nullable=True))


def downgrade() -> None:
    """Drop the two columns."""
    with op.batch_alter_table("bugs") as batch:
        batch.drop_column("information_type")
        batch.drop_column("private")
