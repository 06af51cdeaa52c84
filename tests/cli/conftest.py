"""CLI fixtures: a database the CLI can use on each backend."""

from __future__ import annotations

from importlib import resources

import pytest
from helpers import import_example, upgrade_postgresql

EXAMPLE = resources.files("syncsvc.data").joinpath("example-summary.html").read_bytes()


@pytest.fixture
def db_url(db_url: str) -> str:
    """The shared ``db_url``, with PostgreSQL upgraded as `syncsvc db upgrade` would.

    SQLite is left empty on purpose: the CLI must create it on first use.
    """
    return upgrade_postgresql(db_url)


@pytest.fixture
def imported(db_url, tmp_path):
    """The database with the bundled example imported."""
    import_example(db_url, tmp_path)
    return db_url
