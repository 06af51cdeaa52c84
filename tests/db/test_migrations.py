"""Alembic: upgrade, downgrade, no autogenerate drift, configuration without a URL."""

from __future__ import annotations

import io
import json
import logging
import re
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, inspect, text
from sqlalchemy.exc import IntegrityError

from syncsvc.domain import (
    ActionOrigin,
    ActionState,
    ChangeStatus,
    EventSource,
    RefKind,
    SourceKind,
    SourceName,
)
from syncsvc.models.base import Base
from syncsvc.models.db import (
    alembic_config,
    current_revision,
    downgrade,
    head_revision,
    open_engine,
    upgrade,
)
from syncsvc.models.sync_records import ArtifactKind

ROOT = Path(__file__).resolve().parents[2]
TABLES = {
    "events",
    "days",
    "topics",
    "actions",
    "people",
    "action_owners",
    "refs",
    "action_refs",
    "topic_refs",
    "action_revisions",
}
SYNC_TABLES = {"bugs", "bug_tasks", "changes", "artifact_history", "sync_state"}
COMMENT_TABLES = {"bug_messages"}
LINK_TABLES = {"links", "action_state_history", "identities"}
SOURCE_TABLES = {"event_sources"}
SQUASH_TABLES = {"squash_events", "squash_snapshots", "squash_signups"}
RELINK_TABLES = {"relink_pending", "relink_checks", "relink_marks"}
UNRETURNED_TABLES = {"unreturned_changes"}
REVIEW_TABLES = {"review_events", "review_reads"}
BLUEPRINT_TABLES = {"blueprints"}
ACTIVITY_TABLES = {"bug_activity"}
ALL_TABLES = (
    TABLES
    | SYNC_TABLES
    | LINK_TABLES
    | COMMENT_TABLES
    | SOURCE_TABLES
    | SQUASH_TABLES
    | RELINK_TABLES
    | UNRETURNED_TABLES
    | REVIEW_TABLES
    | BLUEPRINT_TABLES
)
#: Every table at head; ALL_TABLES is the schema up to 0014.
BLUEPRINT_HISTORY_TABLES = {"blueprint_history"}
HEAD_TABLES = ALL_TABLES | ACTIVITY_TABLES | BLUEPRINT_HISTORY_TABLES
INSERT_EVENT = (
    "INSERT INTO events (team, cycle, title, source, source_digest, imported_at)"
    " VALUES ('manila', 'wallaby', 'PTG', 'ptg', '', CURRENT_TIMESTAMP)"
)
INSERT_TOPIC = (
    "INSERT INTO topics (event_id, position, title, etherpads, discussion)"
    " SELECT id, 0, 'Backups', '[]', '[]' FROM events"
)
INSERT_ACTION = (
    "INSERT INTO actions (event_id, topic_id, position, text, state, inferred,"
    " created_at, updated_at) SELECT event_id, id, 0, 'x', 'open', false,"
    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM topics"
)


class TestUpgradeDowngrade:
    def test_upgrade_head_creates_every_table(self, bare_engine):
        """Upgrading an empty database creates every table and records the head revision."""
        assert current_revision(bare_engine) is None
        upgrade(bare_engine)
        assert set(inspect(bare_engine).get_table_names()) == {*HEAD_TABLES, "alembic_version"}
        assert current_revision(bare_engine) == head_revision() == "0017"

    def test_downgrade_base_then_upgrade_again(self, engine):
        """Downgrading to base drops every table, and upgrading again recreates them."""
        downgrade(engine, "base")
        assert inspect(engine).get_table_names() == ["alembic_version"]
        assert current_revision(engine) is None
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) == {*HEAD_TABLES, "alembic_version"}
        assert current_revision(engine) == "0017"

    def test_downgrade_0002_keeps_the_initial_schema_and_its_data(self, engine):
        """Downgrading to 0001 drops only the sync tables; events survive; upgrading restores them."""
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO events (team, cycle, title, source, source_digest, imported_at)"
                    " VALUES ('manila', 'wallaby', 'PTG', 'ptg', '', CURRENT_TIMESTAMP)"
                )
            )
        downgrade(engine, "0001")
        assert set(inspect(engine).get_table_names()) == {*TABLES, "alembic_version"}
        assert current_revision(engine) == "0001"
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) == {*HEAD_TABLES, "alembic_version"}
        assert current_revision(engine) == "0017"
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT team FROM events")) == "manila"

    def test_upgrade_step_by_step(self, bare_engine):
        """0001 up to 0017 one at a time gives the same tables as upgrading straight to head."""
        upgrade(bare_engine, "0001")
        assert set(inspect(bare_engine).get_table_names()) == {*TABLES, "alembic_version"}
        upgrade(bare_engine, "0002")
        assert set(inspect(bare_engine).get_table_names()) == {
            *TABLES,
            *SYNC_TABLES,
            "alembic_version",
        }
        upgrade(bare_engine, "0003")
        upgrade(bare_engine, "0004")
        assert set(inspect(bare_engine).get_table_names()) == {
            *TABLES,
            *SYNC_TABLES,
            *LINK_TABLES,
            "alembic_version",
        }
        upgrade(bare_engine, "0005")
        assert set(inspect(bare_engine).get_table_names()) == {
            *(
                ALL_TABLES
                - SOURCE_TABLES
                - SQUASH_TABLES
                - RELINK_TABLES
                - UNRETURNED_TABLES
                - REVIEW_TABLES
                - BLUEPRINT_TABLES
            ),
            "alembic_version",
        }
        upgrade(bare_engine, "0006")
        assert set(inspect(bare_engine).get_table_names()) == {
            *(
                ALL_TABLES
                - SQUASH_TABLES
                - RELINK_TABLES
                - UNRETURNED_TABLES
                - REVIEW_TABLES
                - BLUEPRINT_TABLES
            ),
            "alembic_version",
        }
        upgrade(bare_engine, "0008")
        upgrade(bare_engine, "0009")
        assert set(inspect(bare_engine).get_table_names()) == {
            *(ALL_TABLES - RELINK_TABLES - UNRETURNED_TABLES - REVIEW_TABLES - BLUEPRINT_TABLES),
            "alembic_version",
        }
        upgrade(bare_engine, "0010")
        assert set(inspect(bare_engine).get_table_names()) == {
            *(ALL_TABLES - UNRETURNED_TABLES - REVIEW_TABLES - BLUEPRINT_TABLES),
            "alembic_version",
        }
        upgrade(bare_engine, "0011")
        assert set(inspect(bare_engine).get_table_names()) == {
            *(ALL_TABLES - REVIEW_TABLES - BLUEPRINT_TABLES),
            "alembic_version",
        }
        upgrade(bare_engine, "0012")
        assert set(inspect(bare_engine).get_table_names()) == {
            *(ALL_TABLES - BLUEPRINT_TABLES),
            "alembic_version",
        }
        upgrade(bare_engine, "0013")
        assert set(inspect(bare_engine).get_table_names()) == {*ALL_TABLES, "alembic_version"}
        assert "latest_patch_uploaded" not in _columns(bare_engine, "bugs")
        upgrade(bare_engine, "0014")
        assert "latest_patch_uploaded" in _columns(bare_engine, "bugs")
        assert set(inspect(bare_engine).get_table_names()) == {*ALL_TABLES, "alembic_version"}
        upgrade(bare_engine, "0015")
        assert set(inspect(bare_engine).get_table_names()) == {
            *ALL_TABLES,
            *ACTIVITY_TABLES,
            "alembic_version",
        }
        assert "activity_synced_to" in _columns(bare_engine, "bugs")
        upgrade(bare_engine, "0016")
        assert set(inspect(bare_engine).get_table_names()) == {*HEAD_TABLES, "alembic_version"}
        upgrade(bare_engine, "0017")
        assert "body" in _columns(bare_engine, "changes")
        assert current_revision(bare_engine) == head_revision()

    def test_upgrade_twice_is_a_no_op(self, engine):
        """Upgrading a database already at head changes nothing."""
        upgrade(engine)
        assert current_revision(engine) == head_revision()


def _columns(engine, table):
    """The column names of ``table``."""
    return {c["name"] for c in inspect(engine).get_columns(table)}


class TestMigration0004:
    def test_upgrade_fills_existing_rows_with_defaults(self, bare_engine):
        """Rows from 0003 get no decisions, confidence 1.0 and no organisations."""
        upgrade(bare_engine, "0003")
        with bare_engine.begin() as connection:
            connection.execute(text(INSERT_EVENT))
            connection.execute(text(INSERT_TOPIC))
            connection.execute(text(INSERT_ACTION))
        upgrade(bare_engine, "0004")
        with bare_engine.connect() as connection:
            decisions = connection.scalar(text("SELECT decisions FROM topics"))
            confidence, organisations = connection.execute(
                text("SELECT confidence, organisations FROM actions")
            ).one()
        assert _decoded(decisions) == []
        assert (confidence, _decoded(organisations)) == (1.0, [])

    def test_downgrade_drops_only_the_new_columns(self, engine):
        """Downgrading to 0003 drops the three columns and keeps the rows."""
        with engine.begin() as connection:
            connection.execute(text(INSERT_EVENT))
            connection.execute(text(INSERT_TOPIC))
            connection.execute(text(INSERT_ACTION))
        assert {"confidence", "organisations"} <= _columns(engine, "actions")
        assert "decisions" in _columns(engine, "topics")
        downgrade(engine, "0003")
        assert current_revision(engine) == "0003"
        assert not {"confidence", "organisations"} & _columns(engine, "actions")
        assert "decisions" not in _columns(engine, "topics")
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT text FROM actions")) == "x"
        upgrade(engine)
        assert {"confidence", "organisations"} <= _columns(engine, "actions")
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT confidence FROM actions")) == 1.0


INSERT_BUG = (
    "INSERT INTO bugs (bug_id, title, tags, visible, url, fetched_at)"
    " VALUES (1855391, 'Share extension bypasses the scheduler', '[]', true, '',"
    " CURRENT_TIMESTAMP)"
)
INSERT_TASK = (
    "INSERT INTO bug_tasks (bug_id, target, status, importance, is_complete, url,"
    " first_seen_at, updated_at) VALUES (1855391, 'manila', 'Fix Released', 'Medium', true,"
    " '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)
INSERT_MESSAGE = (
    "INSERT INTO bug_messages (bug_id, number, author, date_created, subject, content,"
    " fetched_at) VALUES (1855391, 1, 'hudson-openstack', CURRENT_TIMESTAMP,"
    " 'Fix proposed to manila (master)', 'Review: https://review.opendev.org/702153',"
    " CURRENT_TIMESTAMP)"
)


class TestMigration0008:
    def test_upgrade_keeps_bugs_and_tasks_with_the_new_fields_unknown(self, bare_engine):
        """Bugs and tasks from 0007 stay; their squash fields are NULL until next fetched."""
        upgrade(bare_engine, "0007")
        with bare_engine.begin() as connection:
            connection.execute(text(INSERT_BUG))
            connection.execute(text(INSERT_TASK))
        upgrade(bare_engine, "0008")
        with bare_engine.connect() as connection:
            bug = connection.execute(
                text("SELECT bug_id, date_created, message_count, duplicate_of FROM bugs")
            ).one()
            task = connection.execute(
                text("SELECT bug_id, date_triaged, date_incomplete FROM bug_tasks")
            ).one()
        assert (tuple(bug), tuple(task)) == ((1855391, None, None, None), (1855391, None, None))

    def test_downgrade_drops_exactly_the_new_columns(self, engine):
        """Downgrading to 0007 removes the squash tables and the four bug and two task
        columns, nothing else."""
        downgrade(engine, "0007")
        assert set(inspect(engine).get_table_names()) == {
            *(
                ALL_TABLES
                - SQUASH_TABLES
                - RELINK_TABLES
                - UNRETURNED_TABLES
                - REVIEW_TABLES
                - BLUEPRINT_TABLES
            ),
            "alembic_version",
        }
        bugs = {c["name"] for c in inspect(engine).get_columns("bugs")}
        tasks = {c["name"] for c in inspect(engine).get_columns("bug_tasks")}
        assert not {"date_created", "message_count", "duplicate_of", "remote_last_message"} & bugs
        assert not {"date_triaged", "date_incomplete"} & tasks
        assert {"private", "information_type"} <= bugs
        assert "date_in_progress" in tasks


class TestMigration0014:
    def test_upgrade_keeps_bugs_with_no_patch_known(self, bare_engine):
        """Bugs from 0013 stay; their latest patch time is NULL until the bug is next read."""
        upgrade(bare_engine, "0013")
        with bare_engine.begin() as connection:
            connection.execute(text(INSERT_BUG))
        upgrade(bare_engine, "0014")
        with bare_engine.connect() as connection:
            rows = connection.execute(text("SELECT bug_id, latest_patch_uploaded FROM bugs"))
            assert [tuple(row) for row in rows] == [(1855391, None)]

    def test_downgrade_drops_only_the_new_column(self, engine):
        """Downgrading to 0013 removes ``bugs.latest_patch_uploaded`` and what 0015 added."""
        before = _columns(engine, "bugs")
        downgrade(engine, "0013")
        assert _columns(engine, "bugs") == before - {"latest_patch_uploaded", "activity_synced_to"}
        assert set(inspect(engine).get_table_names()) == {*ALL_TABLES, "alembic_version"}


class TestMigration0015:
    def test_upgrade_keeps_bugs_with_no_activity_read(self, bare_engine):
        """Bugs from 0014 stay, marked as never having had their activity log read."""
        upgrade(bare_engine, "0014")
        with bare_engine.begin() as connection:
            connection.execute(text(INSERT_BUG))
        upgrade(bare_engine, "0015")
        with bare_engine.connect() as connection:
            rows = connection.execute(text("SELECT bug_id, activity_synced_to FROM bugs"))
            assert [tuple(row) for row in rows] == [(1855391, None)]
            assert connection.scalar(text("SELECT count(*) FROM bug_activity")) == 0

    def test_activity_line_is_unique_per_bug_and_place(self, engine):
        """Two lines at the same place of one bug's log are refused."""
        line = (
            "INSERT INTO bug_activity (bug_id, position, changed_at, person, what)"
            " VALUES (1855391, 0, CURRENT_TIMESTAMP, 'ana', 'manila: status')"
        )
        with engine.begin() as connection:
            connection.execute(text(INSERT_BUG))
            connection.execute(text(line))
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text(line))

    def test_downgrade_drops_exactly_the_table_and_column(self, engine):
        """Downgrading to 0014 removes ``bug_activity`` and ``bugs.activity_synced_to`` only."""
        before = _columns(engine, "bugs")
        downgrade(engine, "0014")
        assert _columns(engine, "bugs") == before - {"activity_synced_to"}
        assert set(inspect(engine).get_table_names()) == {*ALL_TABLES, "alembic_version"}


class TestMigration0016:
    def test_upgrade_keeps_blueprints_with_no_history(self, bare_engine):
        """Blueprints from 0015 stay; the history starts empty and takes rows after it."""
        upgrade(bare_engine, "0015")
        blueprint = (
            "INSERT INTO blueprints (project, name, title, definition_status,"
            " implementation_status, is_complete, url, first_seen, last_seen) VALUES"
            " ('manila', 'affinity', 'Affinity', 'Approved', 'Started', false, '',"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        )
        with bare_engine.begin() as connection:
            connection.execute(text(blueprint))
        upgrade(bare_engine, "0016")
        with bare_engine.begin() as connection:
            assert connection.scalar(text("SELECT count(*) FROM blueprint_history")) == 0
            connection.execute(
                text(
                    "INSERT INTO blueprint_history (project, name, field, old_value, new_value,"
                    " observed_at) VALUES ('manila', 'affinity', 'definition_status',"
                    " 'Review', 'Approved', CURRENT_TIMESTAMP)"
                )
            )
            rows = connection.execute(text("SELECT name, field, new_value FROM blueprint_history"))
            assert [tuple(r) for r in rows] == [("affinity", "definition_status", "Approved")]
            assert connection.scalar(text("SELECT name FROM blueprints")) == "affinity"

    def test_downgrade_drops_exactly_the_table(self, engine):
        """Downgrading to 0015 removes ``blueprint_history`` only."""
        downgrade(engine, "0015")
        assert set(inspect(engine).get_table_names()) == {
            *ALL_TABLES,
            *ACTIVITY_TABLES,
            "alembic_version",
        }


class TestMigration0009:
    def test_upgrade_allows_ongoing_and_carried_from(self, bare_engine):
        """After 0009 an action may be ongoing and name the action it was carried from."""
        upgrade(bare_engine, "0008")
        upgrade(bare_engine, "0009")
        assert "carried_from_id" in _columns(bare_engine, "actions")
        checks = inspect(bare_engine).get_check_constraints("actions")
        state = next(c for c in checks if c["name"] == "ck_actions_state")
        assert "ongoing" in state["sqltext"]

    def test_downgrade_reopens_ongoing_and_drops_the_column(self, engine):
        """Downgrading to 0008 turns ongoing actions open and removes carried_from_id."""
        with engine.begin() as connection:
            connection.execute(text(INSERT_ONGOING_EVENT))
            connection.execute(text(INSERT_ONGOING_TOPIC))
            connection.execute(text(INSERT_ONGOING_ACTION))
        downgrade(engine, "0008")
        assert "carried_from_id" not in _columns(engine, "actions")
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT state FROM actions")) == "open"


INSERT_ONGOING_EVENT = (
    "INSERT INTO events (id, team, cycle, title, source, source_digest, imported_at)"
    " VALUES (1, 'manila', 'wallaby', 'PTG', 'ptg', '', CURRENT_TIMESTAMP)"
)
INSERT_ONGOING_TOPIC = (
    "INSERT INTO topics (id, event_id, position, title, etherpads, discussion)"
    " VALUES (1, 1, 0, 'Reviews', '[]', '[]')"
)
INSERT_ONGOING_ACTION = (
    "INSERT INTO actions (id, event_id, topic_id, position, text, state, inferred,"
    " created_at, updated_at) VALUES (1, 1, 1, 0, 'welcome feedback', 'ongoing', false,"
    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)


class TestMigration0007:
    def test_upgrade_marks_stored_bugs_public_with_no_type(self, bare_engine):
        """Bugs from 0006 become not private, their information type unknown until fetched."""
        upgrade(bare_engine, "0006")
        with bare_engine.begin() as connection:
            connection.execute(text(INSERT_BUG))
        upgrade(bare_engine, "0008")
        with bare_engine.connect() as connection:
            row = connection.execute(
                text("SELECT bug_id, private, information_type FROM bugs")
            ).one()
        assert (row[0], bool(row[1]), row[2]) == (1855391, False, None)

    def test_downgrade_drops_the_two_columns(self, engine):
        """Downgrading to 0006 removes exactly ``private`` and ``information_type``."""
        downgrade(engine, "0006")
        columns = {c["name"] for c in inspect(engine).get_columns("bugs")}
        assert not {"private", "information_type"} & columns
        assert "comments_synced_at" in columns


class TestMigration0005:
    def test_upgrade_keeps_bugs_and_leaves_them_unsynced(self, bare_engine):
        """Bugs from 0004 keep their rows and tasks, with no comment sync mark yet."""
        upgrade(bare_engine, "0004")
        with bare_engine.begin() as connection:
            connection.execute(text(INSERT_BUG))
            connection.execute(text(INSERT_TASK))
        upgrade(bare_engine, "0005")
        with bare_engine.connect() as connection:
            row = connection.execute(
                text("SELECT bug_id, title, date_last_message, comments_synced_at FROM bugs")
            ).one()
            tasks = connection.scalar(text("SELECT count(*) FROM bug_tasks"))
            messages = connection.scalar(text("SELECT count(*) FROM bug_messages"))
        assert tuple(row) == (1855391, "Share extension bypasses the scheduler", None, None)
        assert (tasks, messages) == (1, 0)

    def test_comment_key_is_unique_per_bug(self, engine):
        """A second row for the same (bug, comment number) is refused by the named constraint."""
        with engine.begin() as connection:
            connection.execute(text(INSERT_BUG))
            connection.execute(text(INSERT_MESSAGE))
        with (
            pytest.raises(IntegrityError, match=r"uq_bug_messages_bug_id_number|UNIQUE"),
            engine.begin() as connection,
        ):
            connection.execute(text(INSERT_MESSAGE))

    def test_downgrade_drops_comments_and_keeps_bugs(self, engine):
        """Downgrading to 0004 drops bug_messages and the two columns; bugs and tasks stay."""
        with engine.begin() as connection:
            connection.execute(text(INSERT_BUG))
            connection.execute(text(INSERT_TASK))
            connection.execute(text(INSERT_MESSAGE))
        downgrade(engine, "0004")
        assert current_revision(engine) == "0004"
        assert "bug_messages" not in inspect(engine).get_table_names()
        assert not {"date_last_message", "comments_synced_at"} & _columns(engine, "bugs")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT bug_id, title FROM bugs")).all() == [
                (1855391, "Share extension bypasses the scheduler")
            ]
            assert connection.scalar(text("SELECT status FROM bug_tasks")) == "Fix Released"
        upgrade(engine)
        assert {"date_last_message", "comments_synced_at"} <= _columns(engine, "bugs")


INSERT_TWIN_EVENTS = (
    "INSERT INTO events (team, cycle, title, source, source_digest, imported_at) VALUES"
    " ('manila', 'wallaby', 'PTG', 'ptg', 'a', CURRENT_TIMESTAMP),"
    " ('cinder', 'wallaby', 'PTG', 'ptg', 'b', CURRENT_TIMESTAMP)"
)


class TestMigration0006:
    def test_upgrade_makes_each_event_one_named_source(self, bare_engine):
        """Every 0005 event becomes a name source keyed by its title, made unique when shared."""
        upgrade(bare_engine, "0005")
        with bare_engine.begin() as connection:
            connection.execute(text(INSERT_TWIN_EVENTS))
            connection.execute(text(INSERT_TOPIC))
            connection.execute(text(INSERT_ACTION))
        upgrade(bare_engine, "0006")
        with bare_engine.connect() as connection:
            sources = connection.execute(
                text("SELECT id, event_id, kind, key, digest FROM event_sources ORDER BY id")
            ).all()
            actions = connection.execute(
                text("SELECT event_id, source_id, origin FROM actions ORDER BY event_id")
            ).all()
            topics = connection.execute(
                text("SELECT event_id, source_id FROM topics ORDER BY event_id")
            ).all()
        assert [tuple(row) for row in sources] == [
            (1, 1, "name", "PTG", "a"),
            (2, 2, "name", "PTG (event 2)", "b"),
        ]
        assert [tuple(row) for row in actions] == [(1, 1, "source"), (2, 2, "source")]
        assert [tuple(row) for row in topics] == [(1, 1), (2, 2)]

    def test_source_key_is_unique(self, engine):
        """A second source with the same kind and key is refused by the named constraint."""
        insert = text(
            "INSERT INTO event_sources (event_id, kind, key, digest, imported_at)"
            " SELECT id, 'url', 'https://x/1.html', '', CURRENT_TIMESTAMP FROM events"
        )
        with engine.begin() as connection:
            connection.execute(text(INSERT_EVENT))
            connection.execute(insert)
        with (
            pytest.raises(IntegrityError, match=r"uq_event_sources_kind_key|UNIQUE"),
            engine.begin() as connection,
        ):
            connection.execute(insert)

    def test_downgrade_keeps_events_that_share_a_title(self, engine):
        """Downgrading to 0005 renames colliding titles instead of losing an event."""
        with engine.begin() as connection:
            connection.execute(text(INSERT_EVENT))
            connection.execute(text(INSERT_EVENT))
            connection.execute(text(INSERT_TOPIC))
            connection.execute(text(INSERT_ACTION))
        downgrade(engine, "0005")
        assert current_revision(engine) == "0005"
        assert "event_sources" not in inspect(engine).get_table_names()
        assert not {"origin", "source_id"} & _columns(engine, "actions")
        assert "source_id" not in _columns(engine, "topics")
        uniques = {u["name"] for u in inspect(engine).get_unique_constraints("events")}
        assert uniques == {"uq_events_team_cycle_title_source"}
        with engine.connect() as connection:
            titles = connection.scalars(text("SELECT title FROM events ORDER BY id")).all()
            count = connection.scalar(text("SELECT count(*) FROM actions"))
        assert (titles, count) == (["PTG", "PTG (2)"], 2)
        upgrade(engine)
        with engine.connect() as connection:
            keys = connection.scalars(text("SELECT key FROM event_sources ORDER BY id")).all()
        assert keys == ["PTG", "PTG (2)"]


def _decoded(value):
    """A JSON column value as Python data (SQLite returns text, PostgreSQL the data)."""
    return json.loads(value) if isinstance(value, str) else value


class TestMigration0012:
    def test_upgrade_keeps_changes_and_leaves_their_messages_unread(self, bare_engine):
        """Changes stored at 0011 stay; no review event or read mark exists for them yet."""
        upgrade(bare_engine, "0011")
        with bare_engine.begin() as connection:
            connection.execute(text(INSERT_CHANGE))
        upgrade(bare_engine, "0012")
        with bare_engine.connect() as connection:
            assert connection.scalar(text("SELECT number FROM changes")) == 745206
            assert connection.scalar(text("SELECT count(*) FROM review_events")) == 0
            assert connection.scalar(text("SELECT count(*) FROM review_reads")) == 0

    def test_downgrade_drops_exactly_the_two_tables(self, engine):
        """Downgrading to 0011 removes review_events and review_reads, nothing else."""
        downgrade(engine, "0011")
        assert set(inspect(engine).get_table_names()) == {
            *(ALL_TABLES - REVIEW_TABLES - BLUEPRINT_TABLES),
            "alembic_version",
        }


class TestMigration0013:
    def test_upgrade_keeps_changes_and_adds_an_empty_blueprints_table(self, bare_engine):
        """Changes stored at 0012 stay; the blueprints table starts empty."""
        upgrade(bare_engine, "0012")
        with bare_engine.begin() as connection:
            connection.execute(text(INSERT_CHANGE))
        upgrade(bare_engine, "0013")
        with bare_engine.connect() as connection:
            assert connection.scalar(text("SELECT number FROM changes")) == 745206
            assert connection.scalar(text("SELECT count(*) FROM blueprints")) == 0

    def test_downgrade_drops_exactly_the_blueprints_table(self, engine):
        """Downgrading to 0012 removes blueprints, nothing else."""
        downgrade(engine, "0012")
        assert set(inspect(engine).get_table_names()) == {
            *(ALL_TABLES - BLUEPRINT_TABLES),
            "alembic_version",
        }


INSERT_CHANGE = (
    "INSERT INTO changes (number, project, branch, subject, status, hashtags,"
    " owner_account_id, votes, closes_bug, partial_bug, related_bug, blueprints,"
    " created, updated, url, first_seen_at, fetched_at) VALUES (745206, 'openstack/manila',"
    " 'master', 'Remove deprecated config and auth', 'MERGED', '[]', 1000101, '[]', '[]',"
    " '[]', '[]', '[]', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP,"
    " 'https://review.opendev.org/c/openstack/manila/+/745206', CURRENT_TIMESTAMP,"
    " CURRENT_TIMESTAMP)"
)


class TestMigration0017:
    def test_upgrade_gives_stored_changes_an_empty_body(self, bare_engine):
        """A change stored before 0017 keeps its row and reads an empty body after it."""
        upgrade(bare_engine, "0016")
        with bare_engine.begin() as connection:
            connection.execute(text(INSERT_CHANGE))
        upgrade(bare_engine, "0017")
        with bare_engine.connect() as connection:
            rows = connection.execute(text("SELECT number, subject, body FROM changes"))
            assert [tuple(r) for r in rows] == [(745206, "Remove deprecated config and auth", "")]

    def test_downgrade_drops_exactly_the_column(self, engine):
        """Downgrading to 0016 removes ``changes.body`` only."""
        before = _columns(engine, "changes")
        downgrade(engine, "0016")
        assert _columns(engine, "changes") == before - {"body"}
        assert set(inspect(engine).get_table_names()) == {*HEAD_TABLES, "alembic_version"}


class TestSchemaMatchesModels:
    def test_autogenerate_finds_no_difference(self, engine):
        """Autogenerate (with type comparison) sees no difference between migrations and models."""
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []

    def test_constraints_carry_convention_names(self, engine):
        """Unique and foreign-key constraints are named by the naming convention."""
        inspector = inspect(engine)
        uniques = {u["name"] for t in HEAD_TABLES for u in inspector.get_unique_constraints(t)}
        foreign = {f["name"] for f in inspector.get_foreign_keys("actions")}
        task_keys = {f["name"] for f in inspector.get_foreign_keys("bug_tasks")}
        message_keys = {f["name"] for f in inspector.get_foreign_keys("bug_messages")}
        activity_keys = {f["name"] for f in inspector.get_foreign_keys("bug_activity")}
        assert uniques == {
            "uq_event_sources_kind_key",
            "uq_days_event_id_position",
            "uq_people_nick",
            "uq_refs_kind_ref_id_url",
            "uq_bug_tasks_bug_id_target",
            "uq_bug_messages_bug_id_number",
            "uq_links_action_id_kind_ref_id",
            "uq_identities_gerrit_account_id",
            "uq_identities_gerrit_username",
            "uq_identities_launchpad",
            "uq_actions_carried_from_id_event_id",
            "uq_squash_events_name",
            "uq_squash_signups_event_id_bug_id",
            "uq_bug_activity_bug_id_position",
            "uq_review_events_change_number_message_id",
            "uq_blueprints_project_name",
        }
        assert foreign == {
            "fk_actions_event_id_events",
            "fk_actions_topic_id_topics",
            "fk_actions_source_id_event_sources",
            "fk_actions_carried_from_id_actions",
        }
        assert task_keys == {"fk_bug_tasks_bug_id_bugs"}
        assert message_keys == {"fk_bug_messages_bug_id_bugs"}
        assert activity_keys == {"fk_bug_activity_bug_id_bugs"}

    def test_history_indexes(self, engine):
        """artifact_history is indexed by artifact and by observation time."""
        indexes = {
            i["name"]: tuple(i["column_names"])
            for i in inspect(engine).get_indexes("artifact_history")
        }
        assert indexes == {
            "ix_artifact_history_artifact": ("artifact_kind", "artifact_key"),
            "ix_artifact_history_observed_at": ("observed_at",),
        }

    def test_check_constraint_rejects_unknown_state(self, engine):
        """The named CHECK constraint on ``actions.state`` refuses a value outside the enum."""
        checks = {c["name"] for c in inspect(engine).get_check_constraints("actions")}
        assert checks == {"ck_actions_state", "ck_actions_origin"}
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO events (team, cycle, title, source, source_digest, imported_at)"
                    " VALUES ('cinder', 'wallaby', 'PTG', 'ptg', '', CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO topics (event_id, position, title, etherpads, discussion)"
                    " SELECT id, 0, 'Backups', '[]', '[]' FROM events"
                )
            )
        bogus = text(
            "INSERT INTO actions (event_id, topic_id, position, text, state, inferred,"
            " created_at, updated_at) SELECT event_id, id, 0, 'x', 'bogus', false,"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM topics"
        )
        with pytest.raises(IntegrityError, match="ck_actions_state"), engine.begin() as connection:
            connection.execute(bogus)

    @pytest.mark.parametrize(
        ("table", "name", "enum"),
        [
            ("actions", "state", ActionState),
            ("events", "source", EventSource),
            ("refs", "kind", RefKind),
            ("changes", "status", ChangeStatus),
            ("artifact_history", "artifact_kind", ArtifactKind),
            ("sync_state", "source", SourceName),
            ("actions", "origin", ActionOrigin),
            ("event_sources", "kind", SourceKind),
        ],
    )
    def test_check_constraints_cover_every_enum_member(self, table, name, enum):
        """Each enum CHECK constraint lists every member, so a new member forces a migration."""
        [check] = [
            c
            for c in Base.metadata.tables[table].constraints
            if isinstance(c, CheckConstraint) and c.name == f"ck_{table}_{name}"
        ]
        allowed = set(re.findall(r"'([^']*)'", str(check.sqltext)))
        assert allowed == {member.value for member in enum}


class TestAlembicConfiguration:
    def test_programmatic_config_needs_no_ini_file(self):
        """The in-code Config points at the packaged migrations and has no URL."""
        config = alembic_config()
        assert config.config_file_name is None
        assert config.get_main_option("script_location") == "syncsvc.models:migrations"
        assert config.get_main_option("sqlalchemy.url") is None

    def test_repository_ini_migrates_the_env_database(self, sqlite_url, monkeypatch):
        """alembic.ini (package-resource location, no URL) migrates $SYNCSVC_DATABASE_URL."""
        monkeypatch.setenv("SYNCSVC_DATABASE_URL", sqlite_url)
        # alembic.ini's logging section gives the root logger a stderr handler at WARN
        # and alembic's logger INFO: undo it afterwards so later tests' output is clean.
        for name in ("", "alembic", "sqlalchemy"):
            logger = logging.getLogger(name)
            monkeypatch.setattr(logger, "handlers", list(logger.handlers))
            monkeypatch.setattr(logger, "level", logger.level)
        config = Config(str(ROOT / "alembic.ini"))
        assert config.get_main_option("script_location") == "syncsvc.models:migrations"
        assert config.get_main_option("sqlalchemy.url") is None
        command.upgrade(config, "head")
        engine = open_engine(sqlite_url)
        try:
            assert current_revision(engine) == "0017"
        finally:
            engine.dispose()

    def test_offline_mode_renders_the_ddl(self, sqlite_url):
        """``--sql`` mode writes the DDL for the URL's dialect without connecting."""
        buffer = io.StringIO()
        config = alembic_config()
        config.output_buffer = buffer
        config.set_main_option("sqlalchemy.url", sqlite_url)
        command.upgrade(config, "head", sql=True)
        assert "CREATE TABLE events" in buffer.getvalue()
        assert "INSERT INTO alembic_version (version_num) VALUES ('0001')" in buffer.getvalue()
        assert "CREATE TABLE artifact_history" in buffer.getvalue()
        assert "SET version_num='0002'" in buffer.getvalue()
        assert "CREATE TABLE links" in buffer.getvalue()
        assert "SET version_num='0003'" in buffer.getvalue()
        assert "ALTER TABLE topics ADD COLUMN decisions JSON" in buffer.getvalue()
        assert "ALTER TABLE actions ADD COLUMN confidence FLOAT" in buffer.getvalue()
        assert "SET version_num='0004'" in buffer.getvalue()
        assert "CREATE TABLE bug_messages" in buffer.getvalue()
        assert "ALTER TABLE bugs ADD COLUMN date_last_message DATETIME" in buffer.getvalue()
        assert "SET version_num='0005'" in buffer.getvalue()
        assert "CREATE TABLE event_sources" in buffer.getvalue()
        assert "SET version_num='0006'" in buffer.getvalue()
        assert "SET version_num='0009'" in buffer.getvalue()


class TestPostgresSchemaIsolation:
    def test_version_table_lands_in_the_test_schema(self, postgresql_url):
        """On PostgreSQL, every table including alembic_version is created in the search_path schema."""
        engine = open_engine(postgresql_url)
        try:
            upgrade(engine)
            with engine.connect() as connection:
                schema = connection.scalar(text("SELECT current_schema()"))
                rows = connection.execute(
                    text(
                        "SELECT table_name FROM information_schema.tables WHERE table_schema = :s"
                    ),
                    {"s": schema},
                )
                assert {row[0] for row in rows} == {*HEAD_TABLES, "alembic_version"}
            assert str(schema).startswith("syncsvc_test_")
        finally:
            engine.dispose()
