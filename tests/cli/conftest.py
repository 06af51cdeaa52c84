"""CLI fixtures: a database the CLI can use on each backend (empty, with the example
imported, after `syncsvc demo`), a runner, the example file; HTTP retries that never wait."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import EXAMPLE, import_example, upgrade_postgresql
from typer.testing import CliRunner

from syncsvc.adapters.http import no_wait
from syncsvc.cli import wiring
from syncsvc.cli.commands.demo import DEMO_GERRIT_PROJECTS, DEMO_LAUNCHPAD_PROJECTS


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
    return upgrade_postgresql(db_url)


@pytest.fixture
def imported(db_url, tmp_path):
    """The database with the bundled example imported."""
    import_example(db_url, tmp_path)
    return db_url


@pytest.fixture
def demo_db(db_url, quiet_clients, demo_templates):
    """A database after `syncsvc demo`: imported, synced against the fakes, linked."""
    return demo_templates.demo(db_url, (), check=_demo_listed_actions)


def _demo_listed_actions(stdout: str) -> None:
    assert "saved event 1: 20 new" in stdout, stdout
    assert "758868" in stdout, stdout


@pytest.fixture
def runner() -> CliRunner:
    """A CliRunner that keeps stderr apart from stdout."""
    return CliRunner()


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """The bundled example summary as a file."""
    path = tmp_path / "example.html"
    path.write_bytes(EXAMPLE)
    return path


@pytest.fixture
def demo_team_config(tmp_path: Path) -> Path:
    """A config naming the demo's projects, as the team running the demo would have."""
    path = tmp_path / "syncsvc.toml"
    path.write_text(
        f"[launchpad]\nprojects = {json.dumps(DEMO_LAUNCHPAD_PROJECTS)}\n"
        f"[gerrit]\nprojects = {json.dumps(DEMO_GERRIT_PROJECTS)}\n"
    )
    return path
