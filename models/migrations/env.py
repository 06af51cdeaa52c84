"""Alembic environment: migrate ``Base.metadata`` on a given connection or URL.

``syncsvc.models.db`` passes an open ``Connection`` in
``config.attributes["connection"]``. Otherwise (the ``alembic`` command line) the
URL is the ``sqlalchemy.url`` option when set, else
``syncsvc.models.db.default_database_url()`` (``$SYNCSVC_DATABASE_URL`` or the
user's SQLite file).
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection, make_url

# Alembic loads this file outside any package, so the imports are absolute; mypy
# checks the source tree as a top-level ``models`` package (pyproject maps it to
# ``syncsvc.models`` only when installed) and cannot resolve them.
from syncsvc.models.db import (  # type: ignore[import-not-found,unused-ignore]
    check_sqlite_foreign_keys,
    default_database_url,
    open_engine,
    set_sqlite_foreign_keys,
)
from syncsvc.models.schema import Base  # type: ignore[import-not-found,unused-ignore]

config = context.config
target_metadata = Base.metadata

if config.config_file_name is not None:
    # Keep loggers configured by the host application (pytest, the CLI) alive.
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or default_database_url()


def _run_on(connection: Connection) -> None:
    is_sqlite = connection.dialect.name == "sqlite"
    if is_sqlite:
        # Batch operations copy and drop tables; with enforcement on, dropping a
        # parent table would cascade into its children. Checked again below.
        set_sqlite_foreign_keys(connection, enabled=False)
    try:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=is_sqlite,
            # open_engine() makes SQLite emit BEGIN, so its DDL is transactional too.
            transactional_ddl=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            if is_sqlite:
                check_sqlite_foreign_keys(connection)
    finally:
        if is_sqlite:
            set_sqlite_foreign_keys(connection, enabled=True)


def run_migrations_offline() -> None:
    """Emit the migration SQL for ``sqlalchemy.url`` without connecting (``--sql``)."""
    url = _database_url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=make_url(url).get_backend_name() == "sqlite",
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate on the passed-in connection, else on a new engine for the URL."""
    connection = config.attributes.get("connection")
    if isinstance(connection, Connection):
        _run_on(connection)
        return
    engine = open_engine(_database_url())
    try:
        with engine.connect() as new_connection:
            _run_on(new_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
