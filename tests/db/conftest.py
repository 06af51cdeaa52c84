"""Storage fixtures: stored events to query, two databases seeded alike for relink
comparisons, and a Launchpad adapter on a module's ``fake_lp`` fake server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from relinking import TWIN_CHANGES, TWIN_COMMITMENTS, Seeded, seed
from sqlalchemy.engine import Engine

from syncsvc.adapters.http import HttpPolicy, RetryPolicy
from syncsvc.adapters.launchpad import LaunchpadAdapter, LaunchpadConfig
from syncsvc.models.db import open_engine
from syncsvc.testing.storage import save_event

NOW = datetime(2020, 11, 2, 12, 0, tzinfo=UTC)
DIGEST = "0" * 64


@pytest.fixture
def twins(db_url: str, twin_db_url: str) -> Iterator[tuple[Engine, Engine, Seeded]]:
    """Two databases seeded alike, to relink one way and the other and compare."""
    first, second = open_engine(db_url), open_engine(twin_db_url)
    seeded = seed(first, commitments=TWIN_COMMITMENTS, changes=TWIN_CHANGES, rounds=1)
    seed(second, commitments=TWIN_COMMITMENTS, changes=TWIN_CHANGES, rounds=1)
    yield first, second, seeded
    first.dispose()
    second.dispose()


@pytest.fixture
def imported(session, sample_event):
    """The sample event saved once, plus a nova event whose one topic is about backups too."""
    save_event(session, sample_event, source_digest=DIGEST, now=NOW)
    nova = replace(
        sample_event,
        team="nova",
        title="Nova Wallaby PTG summary",
        topics=(replace(sample_event.topics[0], title="Nova backup of instances"),),
    )
    save_event(session, nova, source_digest=DIGEST, now=NOW + timedelta(hours=1))
    return session


@pytest.fixture
def adapter(fake_lp, tmp_path):
    """An anonymous, logged-in adapter on the module's ``fake_lp`` that never waits."""
    policy = HttpPolicy(timeout=2.0, retry=RetryPolicy(attempts=2), sleep=lambda _s: None)
    config = LaunchpadConfig(fake_lp.service_root, tmp_path / "launchpadlib", http=policy)
    with LaunchpadAdapter(config) as lp:
        lp.connect()
        yield lp
