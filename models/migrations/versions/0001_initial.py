"""Initial schema: events, days, topics, actions, people, refs and revisions.

Revision ID: 0001
Revises:
Create Date: 2025-11-25 00:00:00

Hand-reviewed. Every constraint and index is named explicitly (``op.f``) with the
names the naming convention in ``syncsvc.models.base`` produces, so later
migrations can refer to them on SQLite and PostgreSQL alike. Enums are VARCHAR
plus a named CHECK constraint, never native PostgreSQL enum types.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    """Create every table of the initial schema."""
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team", sa.String(length=100), nullable=False),
        sa.Column("cycle", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_digest", sa.String(length=64), nullable=False),
        _timestamp("imported_at"),
        sa.CheckConstraint("source IN ('ptg', 'meeting')", name=op.f("ck_events_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint(
            "team", "cycle", "title", "source", name=op.f("uq_events_team_cycle_title_source")
        ),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nick", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("nick", name=op.f("uq_people_nick")),
    )
    op.create_table(
        "refs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ref_id", sa.String(length=500), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.CheckConstraint(
            "kind IN ('change', 'bug', 'blueprint', 'etherpad', 'url')",
            name=op.f("ck_refs_kind"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refs")),
        sa.UniqueConstraint("kind", "ref_id", "url", name=op.f("uq_refs_kind_ref_id_url")),
    )
    op.create_table(
        "days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_days_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_days")),
        sa.UniqueConstraint("event_id", "position", name=op.f("uq_days_event_id_position")),
    )
    op.create_table(
        "topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("day_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("etherpads", sa.JSON(), nullable=False),
        sa.Column("discussion", sa.JSON(), nullable=False),
        _timestamp("removed_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["day_id"], ["days.id"], name=op.f("fk_topics_day_id_days"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_topics_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topics")),
    )
    op.create_index(op.f("ix_topics_day_id"), "topics", ["day_id"], unique=False)
    op.create_index(op.f("ix_topics_event_id"), "topics", ["event_id"], unique=False)
    op.create_table(
        "actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("milestone_text", sa.String(length=200), nullable=True),
        sa.Column("milestone_key", sa.String(length=100), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("starts", sa.Date(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("inferred", sa.Boolean(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _timestamp("removed_at", nullable=True),
        sa.CheckConstraint("state IN ('open', 'done', 'dropped')", name=op.f("ck_actions_state")),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_actions_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topics.id"],
            name=op.f("fk_actions_topic_id_topics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
    )
    op.create_index(op.f("ix_actions_event_id"), "actions", ["event_id"], unique=False)
    op.create_index(op.f("ix_actions_topic_id"), "actions", ["topic_id"], unique=False)
    op.create_table(
        "topic_refs",
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ref_id"], ["refs.id"], name=op.f("fk_topic_refs_ref_id_refs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topics.id"],
            name=op.f("fk_topic_refs_topic_id_topics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("topic_id", "ref_id", name=op.f("pk_topic_refs")),
    )
    op.create_index(op.f("ix_topic_refs_ref_id"), "topic_refs", ["ref_id"], unique=False)
    op.create_table(
        "action_owners",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_action_owners_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_action_owners_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("action_id", "person_id", name=op.f("pk_action_owners")),
    )
    op.create_index(
        op.f("ix_action_owners_person_id"), "action_owners", ["person_id"], unique=False
    )
    op.create_table(
        "action_refs",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_action_refs_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ref_id"], ["refs.id"], name=op.f("fk_action_refs_ref_id_refs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("action_id", "ref_id", name=op.f("pk_action_refs")),
    )
    op.create_index(op.f("ix_action_refs_ref_id"), "action_refs", ["ref_id"], unique=False)
    op.create_table(
        "action_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owners", sa.JSON(), nullable=False),
        _timestamp("replaced_at"),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_action_revisions_action_id_actions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_revisions")),
    )
    op.create_index(
        op.f("ix_action_revisions_action_id"), "action_revisions", ["action_id"], unique=False
    )


def downgrade() -> None:
    """Drop every table, children before parents."""
    op.drop_index(op.f("ix_action_revisions_action_id"), table_name="action_revisions")
    op.drop_table("action_revisions")
    op.drop_index(op.f("ix_action_refs_ref_id"), table_name="action_refs")
    op.drop_table("action_refs")
    op.drop_index(op.f("ix_action_owners_person_id"), table_name="action_owners")
    op.drop_table("action_owners")
    op.drop_index(op.f("ix_topic_refs_ref_id"), table_name="topic_refs")
    op.drop_table("topic_refs")
    op.drop_index(op.f("ix_actions_topic_id"), table_name="actions")
    op.drop_index(op.f("ix_actions_event_id"), table_name="actions")
    op.drop_table("actions")
    op.drop_index(op.f("ix_topics_event_id"), table_name="topics")
    op.drop_index(op.f("ix_topics_day_id"), table_name="topics")
    op.drop_table("topics")
    op.drop_table("days")
    op.drop_table("refs")
    op.drop_table("people")
    op.drop_table("events")
