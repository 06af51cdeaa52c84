"""Engines, sessions and schema migrations.

The caller owns the unit of work: it opens an engine with :func:`open_engine`,
makes sure the schema is current with :func:`ensure_schema` and wraps each unit of
work in :func:`session_scope`. Repository functions never commit.

Alembic is imported only to read or run migrations: a command on a database that
is already at :data:`HEAD_REVISION` checks that with one query and never loads it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from sqlalchemy import URL, Connection, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

from syncsvc.errors import ConfigError, SchemaOutdatedError, StorageError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.orm import DeclarativeBase, Session

DATABASE_URL_ENV = "SYNCSVC_DATABASE_URL"
SCRIPT_LOCATION = "syncsvc.models:migrations"
SUPPORTED_URLS = "sqlite:///PATH and postgresql+psycopg://USER@HOST/DB"
#: The (backend, driver) pairs syncsvc installs drivers for and is tested on.
_SUPPORTED = frozenset({("sqlite", "pysqlite"), ("postgresql", "psycopg")})
#: The newest migration's revision id, known without importing Alembic; a test keeps it
#: equal to the head of models/migrations.
HEAD_REVISION = "0017"
VERSION_TABLE = "alembic_version"


def default_database_url() -> str:
    """Return ``$SYNCSVC_DATABASE_URL``, else a SQLite file in the user data dir.

    The data directory (``platformdirs.user_data_dir("syncsvc")``) is created when
    missing; the database file itself is created on first connection.
    """
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    if url:
        return url
    data_dir = Path(platformdirs.user_data_dir("syncsvc"))
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / 'syncsvc.sqlite'}"


def open_engine(url: str, *, timeout: float = 30.0) -> Engine:
    """Create an engine for ``url``.

    For SQLite, every connection enforces foreign keys, waits up to ``timeout``
    seconds for a lock, uses write-ahead logging (readers never wait for a writer,
    nor a writer for readers) and gets real transactions: Python's ``sqlite3``
    (before 3.16) neither begins a transaction for SELECT nor for DDL, so
    SQLAlchemy emits ``BEGIN`` itself (the recipe from the SQLAlchemy SQLite docs).
    That is what makes a failed migration roll back completely. Sessions of
    :func:`session_scope` (and :func:`writer` engines) begin ``IMMEDIATE``: see there.

    Raises:
        ConfigError: ``url`` is not a SQLite or ``postgresql+psycopg`` URL.
    """
    parsed = _check_url(url)
    engine = create_engine(parsed, **_engine_options(url, timeout))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _check_url(url: str) -> URL:
    """``url`` parsed, if syncsvc can use it (the message never shows credentials)."""
    try:
        parsed = make_url(url)
    except sa_exc.ArgumentError:
        parsed = None
    scheme = url.split("://", 1)[0] if "://" in url else url[:20]
    if parsed is None or (parsed.get_backend_name(), parsed.get_driver_name()) not in _SUPPORTED:
        raise ConfigError(
            f"not a database URL syncsvc can use: {scheme}://…; it supports {SUPPORTED_URLS}"
        )
    return parsed


def check_sqlite_folder(url: str) -> None:
    """Raise :class:`StorageError` when ``url`` is a SQLite file in a missing folder.

    SQLite itself only says "unable to open database file". Checked by the CLI
    before it opens the database; other URLs pass.
    """
    try:
        parsed = make_url(url)
    except sa_exc.ArgumentError:
        return
    path = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or path in {"", ":memory:"}:
        return
    folder = Path(path).expanduser().parent
    if not path.startswith("file:") and not folder.is_dir():
        raise StorageError(
            f"cannot use the database: the folder {folder} does not exist",
            hint="create it, or give --db another path",
        )


def _engine_options(url: str, timeout: float) -> dict[str, object]:
    if make_url(url).get_backend_name() == "sqlite":
        return {"connect_args": {"timeout": timeout}}
    return {"pool_pre_ping": True}


_WRITE_OPTION = "syncsvc_write"


def _sqlite_on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN, see open_engine
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
        # Persistent in the file; an in-memory database stays "memory".
        dbapi_connection.execute("PRAGMA journal_mode=WAL")


def _sqlite_on_begin(connection: Connection) -> None:
    write = connection.get_execution_options().get(_WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def writer(engine: Engine) -> Engine:
    """``engine`` for transactions that write: on SQLite they take the write lock at
    ``BEGIN`` (waiting up to the busy timeout for another writer).

    Under write-ahead logging a transaction that began by reading cannot write once
    another connection has committed (SQLite fails it at once, without waiting), so
    a read-then-write transaction must hold the write lock from its start. Keep such
    transactions short, and never open one across a network call.
    """
    return engine.execution_options(**{_WRITE_OPTION: True})


def set_sqlite_foreign_keys(connection: Connection, *, enabled: bool) -> None:
    """Switch SQLite foreign-key enforcement on ``connection``.

    SQLite ignores this pragma inside a transaction, so it is sent on the raw DBAPI
    connection, which does not trigger SQLAlchemy's autobegin; call it while
    ``connection`` has no transaction open.
    """
    cursor = connection.connection.cursor()
    try:
        cursor.execute(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")
    finally:
        cursor.close()


def check_sqlite_foreign_keys(connection: Connection) -> None:
    """Raise ``RuntimeError`` when any row violates a foreign key (``PRAGMA foreign_key_check``).

    Migrations run with enforcement off (batch mode copies and drops tables, and a
    DROP of a parent table would otherwise cascade); this check, run before the
    migration commits, keeps them from leaving dangling references behind.
    """
    rows = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if rows:
        tables = sorted({str(row[0]) for row in rows})
        raise RuntimeError(f"migration left rows with broken foreign keys in {', '.join(tables)}")


def alembic_config(connection: Connection | None = None) -> Config:
    """Build an Alembic ``Config`` that needs no ``alembic.ini`` on disk.

    With ``connection``, ``env.py`` migrates on that connection; it must have no
    transaction open, and the migration commits on it.
    """
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run ``alembic upgrade <revision>`` on ``engine`` in one transaction.

    Raises:
        SchemaOutdatedError: the database is at a revision this syncsvc does not
            know (a newer version created it); nothing is changed.
    """
    from alembic import command

    _refuse_unknown(current_revision(engine))
    with engine.connect() as connection:
        command.upgrade(alembic_config(connection), revision)
        connection.commit()


def downgrade(engine: Engine, revision: str) -> None:
    """Run ``alembic downgrade <revision>`` on ``engine`` in one transaction."""
    from alembic import command

    with engine.connect() as connection:
        command.downgrade(alembic_config(connection), revision)
        connection.commit()


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at, or ``None`` for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """Return the newest revision this version of syncsvc ships (read from the scripts;
    :data:`HEAD_REVISION` says the same without Alembic)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "syncsvc ships at least one migration"
    return head


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def _refuse_unknown(current: str | None) -> None:
    if current is not None and current not in _known_revisions():
        raise SchemaOutdatedError(
            f"database schema is at {current}, which this syncsvc does not know "
            f"(it needs {head_revision()})",
            hint="upgrade syncsvc to the version that created this database",
        )


def ensure_schema(engine: Engine) -> None:
    """Make sure the schema is at head before any repository function runs.

    SQLite databases are local files this tool owns, so they are created or
    upgraded automatically. Other backends are shared: the schema is never changed
    behind the operator's back.

    The usual case, a database at :data:`HEAD_REVISION`, costs one query and no
    Alembic import.

    Raises:
        SchemaOutdatedError: a non-SQLite database is behind head, or any
            database is at a revision this version of syncsvc does not know.
    """
    if stored_revisions(engine) == {HEAD_REVISION}:
        return
    head = head_revision()
    current = current_revision(engine)
    if current == head:
        return
    _refuse_unknown(current)
    if engine.dialect.name == "sqlite":
        upgrade(engine)
        return
    raise SchemaOutdatedError(
        f"database schema is at {current or 'base (empty)'}, syncsvc needs {head}",
        hint="run `syncsvc db upgrade`",
    )


def stored_revisions(engine: Engine) -> set[str] | None:
    """The revisions in the database's version table (Alembic's), read with plain SQL;
    ``None`` when there is no version table."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))  # noqa: S608
        return {str(row[0]) for row in rows}


def insert_ignoring_conflicts(
    session: Session, model: type[DeclarativeBase], rows: Sequence[Mapping[str, object]]
) -> None:
    """Insert ``rows`` into ``model``'s table, skipping rows that hit a unique key.

    ``ON CONFLICT DO NOTHING`` makes concurrent imports of the same people or refs
    safe on both supported backends (PostgreSQL and SQLite).
    """
    if not rows:
        return
    # Each dialect's insert() is imported here: the PostgreSQL dialect alone costs
    # about 20 ms to import, which a read-only command on SQLite never needs.
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        session.execute(postgresql.insert(model).on_conflict_do_nothing(), rows)
    else:
        from sqlalchemy.dialects import sqlite

        session.execute(sqlite.insert(model).on_conflict_do_nothing(), rows)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Yield a ``Session`` that commits when the block ends and rolls back on error.

    The transaction may write (see :func:`writer`); commands that only read use
    :func:`read_scope`, which never waits for a writer.
    """
    from sqlalchemy.orm import Session  # here: `status` reads without the ORM

    with Session(writer(engine), expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def read_scope(engine: Engine) -> Iterator[Session]:
    """Yield a ``Session`` for reads only: one consistent snapshot, rolled back at the end."""
    from sqlalchemy.orm import Session  # here: `status` reads without the ORM

    with Session(engine, expire_on_commit=False) as session:
        yield session  # closing the session rolls its transaction back


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """Yield a Core ``Connection`` for reads only: one transaction, so one consistent
    snapshot, rolled back at the end, as :func:`read_scope` does.

    For reads through Core statements (`status`): importing ``sqlalchemy.orm``, which a
    ``Session`` needs, costs about 0.1 s of a command's start.
    """
    with engine.connect() as connection:
        connection.begin()  # closing the connection rolls this transaction back
        yield connection
