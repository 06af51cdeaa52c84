"""Event sources: an event is found by what was imported, and actions know their origin.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 00:00:00

Hand-reviewed. An import used to find its event by (team, cycle, title, source),
so a second, different summary with the same title was taken for an edit of the
first and withdrew the first's actions. Now:

- ``event_sources``: one row per imported source (a mail's Message-ID, an
  archive URL, or a name for a local file), unique on ``(kind, key)``, with the
  digest and time of its latest import. Rows go with their event.
- ``topics.source_id`` and ``actions.source_id``: the source a topic or action
  was read from (``ON DELETE SET NULL``: nothing imported is deleted with a
  source record); ``actions.origin``: ``source``, ``carried`` or ``manual``,
  checked by the named constraint ``ck_actions_origin``. An import withdraws
  only actions (and topics) of its own source.
- ``events`` loses its unique key ``uq_events_team_cycle_title_source``: two
  sources with the same title are two events unless one is imported into the
  other.

Existing data is carried over: every event becomes one ``name`` source keyed by
its title (a title shared by several events gets `` (event N)`` appended after
the first, so keys stay unique), with the event's digest and import time; its
topics and actions get that source and origin ``source``. Re-importing a local
file under its title therefore keeps updating the same event. Plain SQL only,
so ``--sql`` mode renders it; SQLite uses batch mode for the constraint changes.

The downgrade drops the new table and columns (the origins are lost) and brings
the unique key back, first appending `` (N)`` to the titles of events that would
collide, so no event is lost.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EVENT_KEY = ["team", "cycle", "title", "source"]


def _source_fk(table: str) -> tuple[str, str]:
    return op.f(f"fk_{table}_source_id_event_sources"), op.f(f"ix_{table}_source_id")


def _ts(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _copy_from(table: str) -> dict[str, sa.Table]:
    """``--sql`` mode on SQLite cannot reflect: batch mode copies this 0005 shape instead."""
    if not context.is_offline_mode():
        return {}
    meta = sa.MetaData()
    sa.Table("days", meta, sa.Column("id", sa.Integer(), primary_key=True))
    shapes = {
        "events": lambda: sa.Table(
            "events", meta,
            sa.Column("id", sa.Integer(), primary_key=True),
            sa.Column("team", sa.String(100), nullable=False),
            sa.Column("cycle", sa.String(100), nullable=False),
            sa.Column("title", sa.String(500), nullable=False),
            sa.Column("source", sa.String(16), nullable=False),
            sa.Column("source_digest", sa.String(64), nullable=False),
            _ts("imported_at"),
            sa.CheckConstraint("source IN ('ptg', 'meeting')", name="ck_events_source"),
            sa.UniqueConstraint(*_EVENT_KEY, name="uq_events_team_cycle_title_source"),
        ),
        "topics": lambda: sa.Table(
            "topics", meta,
            sa.Column("id", sa.Integer(), primary_key=True),
            sa.Column("event_id", sa.Integer(), sa.ForeignKey(
                "events.id", name="fk_topics_event_id_events", ondelete="CASCADE"),
                nullable=False, index=True),
            sa.Column("day_id", sa.Integer(), sa.ForeignKey(
                "days.id", name="fk_topics_day_id_days", ondelete="SET NULL"), index=True),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.Column("title", sa.String(500), nullable=False),
            sa.Column("etherpads", sa.JSON(), nullable=False),
            sa.Column("discussion", sa.JSON(), nullable=False),
            _ts("removed_at", nullable=True),
            sa.Column("decisions", sa.JSON(), server_default=sa.text("'[]'"), nullable=False),
        ),
        "actions": lambda: sa.Table(
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
            sa.CheckConstraint("state IN ('open', 'done', 'dropped')", name="ck_actions_state"),
        ),
    }  # fmt: skip
    shapes["events"]()
    shapes["topics"]()
    return {"copy_from": shapes["actions"]() if table == "actions" else meta.tables[table]}


def upgrade() -> None:
    """Create ``event_sources``, give topics and actions a source, carry existing data over."""
    op.create_table(
        "event_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=2000), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('message-id', 'url', 'name')", name=op.f("ck_event_sources_kind")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_sources_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_sources")),
        sa.UniqueConstraint("kind", "key", name=op.f("uq_event_sources_kind_key")),
    )  # fmt: skip
    op.create_index(op.f("ix_event_sources_event_id"), "event_sources", ["event_id"])
    op.execute(
        "INSERT INTO event_sources (event_id, kind, key, digest, imported_at)"
        " SELECT e.id, 'name', CASE WHEN EXISTS (SELECT 1 FROM events AS d"
        " WHERE d.title = e.title AND d.id < e.id)"
        " THEN e.title || ' (event ' || CAST(e.id AS VARCHAR(20)) || ')' ELSE e.title END,"
        " e.source_digest, e.imported_at FROM events AS e ORDER BY e.id"
    )
    with op.batch_alter_table("topics", **_copy_from("topics")) as batch:
        batch.add_column(sa.Column("source_id", sa.Integer(), nullable=True))
        fk, ix = _source_fk("topics")
        batch.create_foreign_key(fk, "event_sources", ["source_id"], ["id"], ondelete="SET NULL")
        batch.create_index(ix, ["source_id"])
    with op.batch_alter_table("actions", **_copy_from("actions")) as batch:
        batch.add_column(
            sa.Column(
                "origin", sa.String(length=16), server_default=sa.text("'source'"), nullable=False
            )
        )
        batch.add_column(sa.Column("source_id", sa.Integer(), nullable=True))
        batch.create_check_constraint(
            op.f("ck_actions_origin"), "origin IN ('source', 'carried', 'manual')"
        )
        fk, ix = _source_fk("actions")
        batch.create_foreign_key(fk, "event_sources", ["source_id"], ["id"], ondelete="SET NULL")
        batch.create_index(ix, ["source_id"])
    for table in ("topics", "actions"):
        op.execute(
            f"UPDATE {table} SET source_id = (SELECT s.id FROM event_sources AS s"  # noqa: S608
            f" WHERE s.event_id = {table}.event_id)"
        )
    with op.batch_alter_table("events", **_copy_from("events")) as batch:
        batch.drop_constraint(op.f("uq_events_team_cycle_title_source"), type_="unique")


def downgrade() -> None:
    """Drop sources and origins; restore the events' unique key without losing events."""
    op.execute(
        "UPDATE events SET title = title || ' (' || CAST(id AS VARCHAR(20)) || ')'"
        " WHERE EXISTS (SELECT 1 FROM events AS d WHERE d.team = events.team"
        " AND d.cycle = events.cycle AND d.title = events.title"
        " AND d.source = events.source AND d.id < events.id)"
    )
    with op.batch_alter_table("events") as batch:
        batch.create_unique_constraint(op.f("uq_events_team_cycle_title_source"), _EVENT_KEY)
    with op.batch_alter_table("actions") as batch:
        fk, ix = _source_fk("actions")
        batch.drop_index(ix)
        batch.drop_constraint(fk, type_="foreignkey")
        batch.drop_constraint(op.f("ck_actions_origin"), type_="check")
        batch.drop_column("source_id")
        batch.drop_column("origin")
    with op.batch_alter_table("topics") as batch:
        fk, ix = _source_fk("topics")
        batch.drop_index(ix)
        batch.drop_constraint(fk, type_="foreignkey")
        batch.drop_column("source_id")
    op.drop_index(op.f("ix_event_sources_event_id"), table_name="event_sources")
    op.drop_table("event_sources")
