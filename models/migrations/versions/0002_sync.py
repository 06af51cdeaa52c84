"""Sync storage: bugs, bug tasks, changes, artifact history and sync cursors.

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-26 00:00:00

Hand-reviewed. Only new tables, so the upgrade touches no existing data and the
downgrade drops exactly what the upgrade created (their rows are a cache of
Launchpad and Gerrit plus the history syncsvc observed, so a downgrade loses that
history). Names follow the naming convention of ``syncsvc.models.base``; enums
are VARCHAR plus a named CHECK constraint; the natural primary keys (bug id,
change number) are plain INTEGER, never SERIAL/autoincrement.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    """Create the sync tables."""
    op.create_table(
        "bugs",
        sa.Column("bug_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("visible", sa.Boolean(), nullable=False),
        _timestamp("date_last_updated", nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=False),
        _timestamp("fetched_at"),
        sa.PrimaryKeyConstraint("bug_id", name=op.f("pk_bugs")),
    )
    op.create_table(
        "bug_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bug_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("importance", sa.String(length=40), nullable=False),
        sa.Column("assignee", sa.String(length=200), nullable=True),
        sa.Column("milestone", sa.String(length=200), nullable=True),
        sa.Column("is_complete", sa.Boolean(), nullable=False),
        _timestamp("date_created", nullable=True),
        _timestamp("date_in_progress", nullable=True),
        _timestamp("date_fix_committed", nullable=True),
        _timestamp("date_fix_released", nullable=True),
        _timestamp("date_closed", nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=False),
        _timestamp("first_seen_at"),
        _timestamp("updated_at"),
        sa.ForeignKeyConstraint(
            ["bug_id"], ["bugs.bug_id"], name=op.f("fk_bug_tasks_bug_id_bugs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bug_tasks")),
        sa.UniqueConstraint("bug_id", "target", name=op.f("uq_bug_tasks_bug_id_target")),
    )
    op.create_table(
        "changes",
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("project", sa.String(length=255), nullable=False),
        sa.Column("branch", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("topic", sa.Text(), nullable=True),
        sa.Column("hashtags", sa.JSON(), nullable=False),
        sa.Column("change_id", sa.String(length=64), nullable=True),
        sa.Column("footer_change_id", sa.String(length=64), nullable=True),
        sa.Column("owner_account_id", sa.Integer(), nullable=False),
        sa.Column("owner_username", sa.String(length=255), nullable=True),
        sa.Column("owner_name", sa.String(length=255), nullable=True),
        sa.Column("owner_email", sa.String(length=320), nullable=True),
        sa.Column("current_patch_set", sa.Integer(), nullable=True),
        sa.Column("votes", sa.JSON(), nullable=False),
        sa.Column("closes_bug", sa.JSON(), nullable=False),
        sa.Column("partial_bug", sa.JSON(), nullable=False),
        sa.Column("related_bug", sa.JSON(), nullable=False),
        sa.Column("blueprints", sa.JSON(), nullable=False),
        _timestamp("created"),
        _timestamp("updated"),
        _timestamp("submitted", nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=False),
        _timestamp("first_seen_at"),
        _timestamp("fetched_at"),
        sa.CheckConstraint(
            "status IN ('NEW', 'MERGED', 'ABANDONED')", name=op.f("ck_changes_status")
        ),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_changes")),
    )
    op.create_table(
        "artifact_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("artifact_kind", sa.String(length=16), nullable=False),
        sa.Column("artifact_key", sa.String(length=300), nullable=False),
        sa.Column("field", sa.String(length=100), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        _timestamp("changed_at"),
        _timestamp("observed_at"),
        sa.CheckConstraint(
            "artifact_kind IN ('bug_task', 'change')",
            name=op.f("ck_artifact_history_artifact_kind"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_artifact_history")),
    )
    op.create_index(
        "ix_artifact_history_artifact",
        "artifact_history",
        ["artifact_kind", "artifact_key"],
        unique=False,
    )
    op.create_index(
        op.f("ix_artifact_history_observed_at"), "artifact_history", ["observed_at"], unique=False
    )
    op.create_table(
        "sync_state",
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("scope", sa.String(length=300), nullable=False),
        _timestamp("last_seen_updated"),
        _timestamp("last_run_at"),
        sa.CheckConstraint("source IN ('launchpad', 'gerrit')", name=op.f("ck_sync_state_source")),
        sa.PrimaryKeyConstraint("source", "scope", name=op.f("pk_sync_state")),
    )


def downgrade() -> None:
    """Drop the sync tables, children before parents."""
    op.drop_table("sync_state")
    op.drop_index(op.f("ix_artifact_history_observed_at"), table_name="artifact_history")
    op.drop_index("ix_artifact_history_artifact", table_name="artifact_history")
    op.drop_table("artifact_history")
    op.drop_table("changes")
    op.drop_table("bug_tasks")
    op.drop_table("bugs")
