"""Engines, default URL, ensure_schema, session_scope and timestamp handling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, inspect, select, text
from sqlalchemy.exc import IntegrityError, StatementError

from syncsvc.domain import EventSource
from syncsvc.errors import ErrorKind, SchemaOutdatedError
from syncsvc.models.db import (
    current_revision,
    default_database_url,
    ensure_schema,
    head_revision,
    open_engine,
    session_scope,
    upgrade,
)
from syncsvc.models.repo import list_events
from syncsvc.models.tables import ActionRow, EventRow

NOW = datetime(2020, 11, 2, 12, 0, tzinfo=UTC)


def event_row(**changes) -> EventRow:
    """An events row with sample values."""
    values = {
        "team": "cinder",
        "cycle": "wallaby",
        "title": "Cinder Wallaby PTG summary",
        "source": EventSource.PTG,
        "source_digest": "0" * 64,
        "imported_at": NOW,
    }
    return EventRow(**{**values, **changes})


class TestDefaultDatabaseUrl:
    def test_environment_variable_wins(self, monkeypatch):
        """SYNCSVC_DATABASE_URL is used as is when set."""
        monkeypatch.setenv("SYNCSVC_DATABASE_URL", "postgresql+psycopg://db.example/syncsvc")
        assert default_database_url() == "postgresql+psycopg://db.example/syncsvc"

    def test_falls_back_to_a_file_in_the_user_data_dir(self, monkeypatch, tmp_path):
        """Without the variable, the URL is a SQLite file in a newly created data directory."""
        monkeypatch.delenv("SYNCSVC_DATABASE_URL", raising=False)
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
        url = default_database_url()
        assert url == f"sqlite:///{tmp_path}/data/syncsvc/syncsvc.sqlite"
        assert (tmp_path / "data" / "syncsvc").is_dir()


class TestOpenEngine:
    def test_sqlite_enforces_foreign_keys(self, sqlite_url):
        """SQLite connections have foreign keys on, also after a migration ran."""
        engine = open_engine(sqlite_url)
        try:
            upgrade(engine)
            with engine.connect() as connection:
                assert connection.scalar(text("PRAGMA foreign_keys")) == 1
        finally:
            engine.dispose()

    def test_orphan_rows_are_rejected(self, engine):
        """A row pointing at a missing parent is refused on every backend."""
        row = {
            "event_id": 999,
            "topic_id": 999,
            "position": 0,
            "text": "orphan",
            "state": "open",
            "inferred": False,
            "created_at": NOW,
            "updated_at": NOW,
        }
        with engine.begin() as connection, pytest.raises(IntegrityError):
            connection.execute(insert(ActionRow), row)

    def test_sqlite_ddl_rolls_back(self, sqlite_url):
        """On SQLite, DDL inside a rolled-back transaction leaves nothing behind."""
        engine = open_engine(sqlite_url)
        try:
            with engine.connect() as connection:
                connection.execute(text("CREATE TABLE scratch (id INTEGER)"))
                connection.rollback()
            assert inspect(engine).get_table_names() == []
        finally:
            engine.dispose()

    def test_timestamps_read_back_aware_in_utc(self, session):
        """A timestamp written with any offset reads back as the same instant in UTC."""
        paris = timezone(timedelta(hours=1))
        session.add(event_row(imported_at=datetime(2020, 11, 2, 13, 0, tzinfo=paris)))
        session.commit()
        session.expire_all()
        stored = session.scalars(select(EventRow.imported_at)).one()
        assert stored == NOW
        assert stored.utcoffset() == timedelta(0)

    def test_naive_timestamps_are_refused(self, session):
        """Storing a naive datetime fails instead of guessing its zone."""
        session.add(event_row(imported_at=datetime(2020, 11, 2, 12, 0)))  # noqa: DTZ001
        with pytest.raises(StatementError, match="naive datetime"):
            session.flush()


class TestEnsureSchema:
    def test_sqlite_is_created_on_first_use(self, sqlite_url):
        """An empty SQLite database is migrated to head automatically."""
        engine = open_engine(sqlite_url)
        try:
            ensure_schema(engine)
            assert current_revision(engine) == head_revision()
        finally:
            engine.dispose()

    def test_database_at_head_passes(self, engine):
        """A database already at head passes on every backend."""
        ensure_schema(engine)
        assert current_revision(engine) == head_revision()

    def test_postgresql_behind_raises_and_changes_nothing(self, postgresql_url):
        """A PostgreSQL database behind head raises SchemaOutdatedError and is left alone."""
        engine = open_engine(postgresql_url)
        try:
            with pytest.raises(SchemaOutdatedError) as raised:
                ensure_schema(engine)
            assert str(raised.value) == (
                f"database schema is at base (empty), syncsvc needs {head_revision()}"
            )
            assert raised.value.hint == "run `syncsvc db upgrade`"
            assert raised.value.kind is ErrorKind.SCHEMA
            assert inspect(engine).get_table_names() == []
        finally:
            engine.dispose()

    def test_unknown_revision_raises(self, engine):
        """A database stamped by a newer syncsvc raises instead of being migrated."""
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(SchemaOutdatedError, match="at 9999, which this syncsvc does not know"):
            ensure_schema(engine)


class TestSessionScope:
    def test_commits_on_success(self, engine):
        """Work done inside the block is committed when it ends."""
        with session_scope(engine) as session:
            session.add(event_row())
        with session_scope(engine) as session:
            assert [e.title for e in list_events(session)] == ["Cinder Wallaby PTG summary"]

    def test_rolls_back_on_error(self, engine):
        """An exception inside the block rolls the work back and propagates."""

        def import_then_fail() -> None:
            with session_scope(engine) as session:
                session.add(event_row())
                session.flush()
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError, match="boom"):
            import_then_fail()
        with session_scope(engine) as session:
            assert list_events(session) == []
