"""Reliability fixtures: the sample fakes, a team config, an imported database on each backend.

Every test under ``tests/reliability`` carries the ``reliability`` marker.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import fakes_config, import_example, upgrade_postgresql
from reliability_kit import add_busy_data

from syncsvc.adapters import gerrit as gerrit_adapter
from syncsvc.adapters import launchpad as launchpad_adapter
from syncsvc.adapters.http import no_wait
from syncsvc.cli import wiring
from syncsvc.testing.demo_servers import SampleServers


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder ``reliability``."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.reliability)


@pytest.fixture
def db_url(db_url: str) -> str:
    """The shared ``db_url``; PostgreSQL upgraded as `syncsvc db upgrade` would."""
    return upgrade_postgresql(db_url)


@pytest.fixture
def twin(twin_db_url: str, tmp_path: Path) -> str:
    """A second database on the same backend with the example imported (a fault-free twin)."""
    upgrade_postgresql(twin_db_url)
    (tmp_path / "twin").mkdir()
    import_example(twin_db_url, tmp_path / "twin")
    return twin_db_url


@pytest.fixture
def imported(db_url: str, tmp_path: Path) -> str:
    """The database with the bundled example imported."""
    import_example(db_url, tmp_path)
    return db_url


@pytest.fixture
def cfg(tmp_path: Path, servers: SampleServers) -> Path:
    """The team config for the running fakes."""
    return fakes_config(tmp_path, servers)


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


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Poll pages of Launchpad's and Gerrit's default sizes (75 tasks, 100 changes), not
    the largest the servers allow, so the busy data needs several pages of each."""
    monkeypatch.setattr(launchpad_adapter, "SEARCH_PAGE_SIZE", launchpad_adapter.PAGE_SIZE)
    monkeypatch.setattr(gerrit_adapter, "PAGE_SIZE", 100)
