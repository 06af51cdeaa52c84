"""Reliability fixtures: the sample fakes, a team config, an imported database on each backend.

Every test under ``tests/reliability`` carries the ``reliability`` marker.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from reliability_kit import add_busy_data, import_example, write_config

from syncsvc.adapters.http import no_wait
from syncsvc.cli import wiring
from syncsvc.models.db import open_engine, upgrade
from syncsvc.testing.demo_servers import SampleServers, sample_servers


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder ``reliability``."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.reliability)


@pytest.fixture
def db_url(db_url: str) -> str:
    """The shared ``db_url``; PostgreSQL upgraded as `syncsvc db upgrade` would."""
    if db_url.startswith("postgresql"):
        engine = open_engine(db_url)
        upgrade(engine)
        engine.dispose()
    return db_url


@pytest.fixture
def twin(twin_db_url: str, tmp_path: Path) -> str:
    """A second database on the same backend with the example imported (a fault-free twin)."""
    if twin_db_url.startswith("postgresql"):
        engine = open_engine(twin_db_url)
        upgrade(engine)
        engine.dispose()
    (tmp_path / "twin").mkdir()
    import_example(twin_db_url, tmp_path / "twin")
    return twin_db_url


@pytest.fixture
def servers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[SampleServers]:
    """The sample fakes; caches kept in tmp; the commands' HTTP policies never wait."""
    monkeypatch.setattr(wiring, "GERRIT_HTTP", wiring.GERRIT_HTTP.replace(sleep=no_wait))
    monkeypatch.setattr(wiring, "LAUNCHPAD_HTTP", wiring.LAUNCHPAD_HTTP.replace(sleep=no_wait))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("SYNCSVC_GERRIT_PASSWORD", raising=False)
    with sample_servers() as running:
        yield running


@pytest.fixture
def imported(db_url: str, tmp_path: Path) -> str:
    """The database with the bundled example imported."""
    import_example(db_url, tmp_path)
    return db_url


@pytest.fixture
def cfg(tmp_path: Path, servers: SampleServers) -> Path:
    """The team config for the running fakes."""
    return write_config(tmp_path, servers)


@pytest.fixture
def busy(servers: SampleServers) -> SampleServers:
    """The sample fakes with enough changes and tasks to need several pages."""
    add_busy_data(servers)
    return servers


@pytest.fixture
def quick_adapters(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real adapters with HTTP policies that never wait and a 0.3 s Gerrit read timeout."""
    monkeypatch.setattr(
        wiring, "GERRIT_HTTP", wiring.GERRIT_HTTP.replace(sleep=no_wait, timeout=0.3)
    )
    monkeypatch.setattr(wiring, "LAUNCHPAD_HTTP", wiring.LAUNCHPAD_HTTP.replace(sleep=no_wait))
