"""Helpers shared by the CLI and reliability tests (import as ``from helpers import ...``).

The command line run by CliRunner, a team config for the sample fakes, the bundled
example imported, and a session on a database URL. Fixtures that go with them
(``quiet_clients``, ``servers``) are in tests/conftest.py.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from syncsvc.adapters.http import no_wait
from syncsvc.cli import wiring
from syncsvc.cli.app import app
from syncsvc.models.db import open_engine, upgrade
from syncsvc.testing.demo_servers import SampleServers

EXAMPLE = resources.files("syncsvc.data").joinpath("example-summary.html").read_bytes()
LP_PROJECTS = ("manila", "python-manilaclient", "manila-ui")
GERRIT_PROJECTS = (
    "openstack/manila",
    "openstack/manila-specs",
    "openstack/python-manilaclient",
    "openstack/manila-ui",
    "openstack/manila-tempest-plugin",
)


def cli(db_url: str, cfg: Path, *args: str) -> Result:
    """Run syncsvc with --db and --config."""
    return CliRunner().invoke(app, ["--db", db_url, "--config", str(cfg), *args])


def team_config(
    path: Path,
    *,
    launchpad_root: str,
    gerrit_url: str,
    launchpad_projects: Sequence[str] = LP_PROJECTS,
    gerrit_projects: Sequence[str] = GERRIT_PROJECTS,
    launchpad_extra: str = "",
    gerrit_extra: str = "",
    extra: str = "",
) -> Path:
    """Write a team config for the given servers at ``path``: the sample projects unless
    others are named, then the ``*_extra`` lines in their section and ``extra`` at the end."""
    lines = [
        "[launchpad]",
        f'service_root = "{launchpad_root}"',
        f"projects = {json.dumps(list(launchpad_projects))}",
        launchpad_extra,
        "[gerrit]",
        f'url = "{gerrit_url}"',
        f"projects = {json.dumps(list(gerrit_projects))}",
        gerrit_extra,
        extra,
    ]
    path.write_text("\n".join(line for line in lines if line) + "\n", encoding="utf-8")
    return path


def fakes_config(directory: Path, servers: SampleServers, **kwargs) -> Path:
    """``directory/syncsvc.toml``: :func:`team_config` for the running sample fakes."""
    return team_config(
        directory / "syncsvc.toml",
        launchpad_root=servers.launchpad_service_root,
        gerrit_url=servers.gerrit_url,
        **kwargs,
    )


def import_example(db_url: str, directory: Path) -> None:
    """Import the bundled example summary into ``db_url`` (the file is written to ``directory``)."""
    src = directory / "example.html"
    src.write_bytes(EXAMPLE)
    result = CliRunner().invoke(app, ["--db", db_url, "import", str(src)])
    assert result.exit_code == 0, result.stderr


def upgrade_postgresql(db_url: str) -> str:
    """Upgrade a PostgreSQL ``db_url`` as `syncsvc db upgrade` would; SQLite is left as it is
    (the CLI creates it on first use). Returns ``db_url``."""
    if db_url.startswith("postgresql"):
        engine = open_engine(db_url)
        upgrade(engine)
        engine.dispose()
    return db_url


@contextmanager
def session_on(db_url: str) -> Iterator[Session]:
    """A session on ``db_url``, its engine disposed on exit."""
    engine = open_engine(db_url)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


POSTGRES_URL_ENV = "SYNCSVC_TEST_DATABASE_URL"


@contextmanager
def private_schema(base: str) -> Iterator[str]:
    """A URL on ``base`` whose connections use a fresh schema, dropped on exit."""
    schema = f"syncsvc_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    # psycopg passes ``options`` to the server: this schema alone is on search_path.
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def quieten(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """What ``quiet_clients`` does, for fixtures of a wider scope."""
    monkeypatch.setattr(wiring, "GERRIT_HTTP", wiring.GERRIT_HTTP.replace(sleep=no_wait))
    monkeypatch.setattr(wiring, "LAUNCHPAD_HTTP", wiring.LAUNCHPAD_HTTP.replace(sleep=no_wait))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("SYNCSVC_GERRIT_PASSWORD", raising=False)
