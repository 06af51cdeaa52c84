"""Databases after `syncsvc demo`, made once per test process and copied after that.

A demo imports the example summary, starts the sample fakes and syncs against them:
about 1.5 s on SQLite and 3 s on PostgreSQL, and some 200 tests start from its
database. Its result does not depend on the database it writes to (the fakes' port
and the clock aside, which those tests do not read), so each test process runs each
demo for real once, into a template, and serves later requests with a copy (other
databases that many tests start from, such as the squash sample's sync, are served
the same way through :meth:`DemoTemplates.database`):

- SQLite: SQLite's backup API, page for page;
- PostgreSQL: the template lives in its own schema for the session; a copy empties
  the test's schema (already at head), then ``INSERT … SELECT`` s every table in
  foreign-key order and sets every sequence where the template's stands, in one
  transaction on the server.

The first run's output is checked by the caller (``check``); and
``tests/cli/test_demo_templates.py`` checks that a copy holds a real demo's rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import pytest
from helpers import private_schema, quieten, upgrade_postgresql
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import make_url, text
from typer.testing import CliRunner

from syncsvc.cli.app import app
from syncsvc.models.db import open_engine

Check = Callable[[str], None]  # gets the first run's stdout


def _schema_of(url: str) -> str:
    """The schema a private-schema URL (see helpers.private_schema) puts on search_path."""
    options = make_url(url).query["options"]
    assert isinstance(options, str)
    assert options.startswith("-csearch_path=")
    return options.removeprefix("-csearch_path=")


class DemoTemplates:
    """Serves databases such as `syncsvc demo ARGS` leaves from one real run per
    backend and kind."""

    def __init__(self, folder: Path, postgres_base: str | None) -> None:
        self.folder = folder
        self.postgres_base = postgres_base
        self.templates: dict[tuple[str, tuple[str, ...]], str] = {}
        self._schemas = ExitStack()

    def close(self) -> None:
        """Drop the PostgreSQL template schemas."""
        self._schemas.close()

    def demo(self, db_url: str, args: tuple[str, ...], check: Check) -> str:
        """``db_url`` as `syncsvc demo ARGS` leaves it; returns ``db_url``."""

        def run(url: str) -> None:
            result = CliRunner().invoke(app, ["--db", url, "demo", *args])
            assert result.exit_code == 0, result.stderr
            check(result.stdout)

        return self.database(db_url, ("demo", *args), run)

    def database(self, db_url: str, key: tuple[str, ...], make: Callable[[str], None]) -> str:
        """``db_url`` as ``make(url)`` leaves an empty database (at head on PostgreSQL),
        ``make`` run once per backend and ``key``; returns ``db_url``."""
        backend = make_url(db_url).get_backend_name()
        if (backend, key) not in self.templates:
            self.templates[backend, key] = self._make(backend, make)
        template = self.templates[backend, key]
        if backend == "sqlite":
            _copy_sqlite(template, db_url)
        else:
            _copy_postgresql(template, db_url)
        return db_url

    def _make(self, backend: str, make: Callable[[str], None]) -> str:
        if backend == "sqlite":
            url = f"sqlite:///{self.folder / f'template-{len(self.templates)}.sqlite'}"
        else:
            assert self.postgres_base, "a PostgreSQL db_url without a server"
            url = upgrade_postgresql(
                self._schemas.enter_context(private_schema(self.postgres_base))
            )
        with pytest.MonkeyPatch.context() as monkeypatch:
            quieten(monkeypatch, self.folder)
            make(url)
        return url


def _copy_sqlite(template: str, db_url: str) -> None:
    source = sqlite3.connect(make_url(template).database or "")
    target = sqlite3.connect(make_url(db_url).database or "")
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _copy_postgresql(template: str, db_url: str) -> None:
    source, target = _schema_of(template), _schema_of(db_url)
    engine = open_engine(db_url)
    try:
        with engine.begin() as connection:
            ordered = [
                name
                for name, _ in sa_inspect(connection).get_sorted_table_and_fkc_names(schema=source)
                if name is not None
            ]
            quoted = ", ".join(f'"{target}"."{name}"' for name in ordered)
            connection.execute(text(f"TRUNCATE {quoted}"))
            for name in ordered:
                connection.execute(
                    text(f'INSERT INTO "{target}"."{name}" SELECT * FROM "{source}"."{name}"')
                )
            sequences = connection.execute(
                text(
                    "SELECT sequencename, last_value FROM pg_sequences "
                    "WHERE schemaname = :schema AND last_value IS NOT NULL"
                ),
                {"schema": source},
            ).all()
            for name, last_value in sequences:
                connection.execute(
                    text("SELECT setval(:sequence, :value)"),
                    {"sequence": f'"{target}"."{name}"', "value": last_value},
                )
    finally:
        engine.dispose()
