"""A change's commit-message body, as text evidence for candidate links.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 09:30:00

Hand-reviewed. One column with a default, so the upgrade rewrites no row:

- ``changes.body``: the body of the change's current commit message, as the
  candidate scorer reads it (``syncsvc.domain.message_body``): without the subject
  line, footer lines and URLs, at most 2,048 characters (``BODY_LIMIT``: bodies
  are read with every change in memory at once at a relink, and what runs past
  2 KB is mostly tracebacks and lists). Gerrit already returns the message with
  ``CURRENT_COMMIT``, which the adapter asked for, so no request is added. Empty
  for the changes stored before it until a sync fetches them again (their bodies
  are then stored and the change relinked).

The downgrade drops the column (batch mode, for SQLite).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``changes.body``."""
    op.add_column("changes", sa.Column("body", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    """Drop ``changes.body``."""
    with op.batch_alter_table("changes") as batch:
        batch.drop_column("body")
