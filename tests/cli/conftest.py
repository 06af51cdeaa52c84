"""CLI fixtures: a database the CLI can use on each backend; HTTP retries that never wait."""

from __future__ import annotations

from importlib import resources

import pytest
from typer.testing import CliRunner

from syncsvc.adapters.http import no_wait
from syncsvc.cli import wiring
from syncsvc.cli.app import app
from syncsvc.models.db import open_engine, upgrade

EXAMPLE = resources.files("syncsvc.data").joinpath("example-summary.html").read_bytes()


@pytest.fixture(autouse=True)
def http_never_waits(monkeypatch):
    """The commands' HTTP policies back off without sleeping (launchpadlib's 502/503 too)."""
    monkeypatch.setattr(wiring, "LAUNCHPAD_HTTP", wiring.LAUNCHPAD_HTTP.replace(sleep=no_wait))
    monkeypatch.setattr(wiring, "GERRIT_HTTP", wiring.GERRIT_HTTP.replace(sleep=no_wait))


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


@pytest.fixture
def imported(db_url, tmp_path):
    """The database with the bundled example imported."""
    src = tmp_path / "example.html"
    src.write_bytes(EXAMPLE)
    result = CliRunner().invoke(app, ["--db", db_url, "import", str(src)])
    assert result.exit_code == 0, result.stderr
    return db_url
