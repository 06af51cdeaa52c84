"""Storage fixtures: stored events to query."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from syncsvc.testing.storage import save_event

NOW = datetime(2020, 11, 2, 12, 0, tzinfo=UTC)
DIGEST = "0" * 64


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
