"""Fast paths for bringing an empty test database to the head revision.

Running every migration costs about 0.15 s on SQLite and 0.5 to 0.7 s on PostgreSQL,
and most tests start from an empty database at head. So each test process migrates
once for real and serves later empty databases from that first run:

- SQLite: a copy of the first migrated file (SQLite's backup API);
- PostgreSQL: a replay of the statements the first migration sent to the server,
  recorded at the cursor, in one transaction and, when none has parameters, in one
  round trip. On an empty schema the migrations read
  nothing that changes what they write, so the replay gives the same schema; reads
  (``SELECT``) are left out of the replay.

Only an upgrade to head of a database with no tables is served so. Migration tests run
every step for real, as does any upgrade to a named revision or of a non-empty database.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy import event as sa_event
from sqlalchemy import inspect as sa_inspect

from syncsvc.models.db import open_engine

Upgrade = Callable[..., None]
Statement = tuple[str, Any, bool]  # SQL, parameters, executemany


def _is_empty(engine: Engine) -> bool:
    with engine.connect() as connection:
        return not sa_inspect(connection).get_table_names()


class HeadSchemaTemplates:
    """Serves ``upgrade(engine)`` to head on empty databases from one real migration."""

    def __init__(self, original: Upgrade, directory: Path) -> None:
        self.original = original
        self.sqlite_template = directory / "head.sqlite"
        self.postgresql_script: list[Statement] | None = None

    def upgrade(self, engine: Engine, revision: str = "head") -> None:
        """Drop-in for :func:`syncsvc.models.db.upgrade`."""
        if revision != "head" or not _is_empty(engine):
            self.original(engine, revision)
        elif engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            self._copy_sqlite(engine)
        elif engine.dialect.name == "postgresql":
            self._replay_postgresql(engine)
        else:
            self.original(engine, revision)

    def _copy_sqlite(self, engine: Engine) -> None:
        if not self.sqlite_template.exists():
            made = open_engine(f"sqlite:///{self.sqlite_template}")
            self.original(made)
            made.dispose()
        source = sqlite3.connect(self.sqlite_template)
        target = sqlite3.connect(str(engine.url.database))
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        engine.dispose()  # pooled connections may hold the empty file's schema

    def _replay_postgresql(self, engine: Engine) -> None:
        if self.postgresql_script is None:
            self.postgresql_script = self._record(engine)
            return
        with engine.begin() as connection:
            cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
            if not any(parameters for _, parameters, _ in self.postgresql_script):
                # One round trip: without parameters psycopg sends a simple query,
                # which may hold several statements.
                cursor.execute(";\n".join(sql for sql, _, _ in self.postgresql_script))
                return
            for statement, parameters, many in self.postgresql_script:
                if many:
                    cursor.executemany(statement, parameters)
                else:
                    cursor.execute(statement, parameters)

    def _record(self, engine: Engine) -> list[Statement]:
        script: list[Statement] = []

        def listen(
            _conn: object,
            _cursor: object,
            statement: str,
            parameters: Any,
            _ctx: object,
            many: bool,
        ) -> None:
            if not statement.lstrip().upper().startswith(("SELECT", "SHOW")):
                script.append((statement, parameters, many))

        sa_event.listen(engine, "before_cursor_execute", listen)
        try:
            self.original(engine)
        finally:
            sa_event.remove(engine, "before_cursor_execute", listen)
        return script
