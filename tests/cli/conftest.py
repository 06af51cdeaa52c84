"""CLI fixtures: a database the CLI can use on each backend."""

from __future__ import annotations

import pytest

from syncsvc.models.db import open_engine, upgrade


@pytest.fixture
def db_url(db_url: str) -> str:
    """The shared ``db_url``, with PostgreSQL upgraded as `syncsvc db upgrade` would.

    SQLite is left empty on purpose: the CLI must create it on first use.
    """
    if db_url.startswith("postgresql"):
        engine = open_engine(db_url)
        upgrade(engine)
        engine.dispose()
    return db_url
