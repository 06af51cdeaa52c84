"""A sync killed at any point, then rerun, loses and doubles nothing; SIGTERM stops cleanly."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from reliability_kit import fault_free_dump, frozen, portable_dump, prepared, sync_and_signal
from sqlalchemy import func, select

from syncsvc.models.db import open_engine
from syncsvc.models.sync_tables import ChangeRow, SyncStateRow
from syncsvc.testing.demo_servers import SampleServers


def gerrit_cursor_within_data(db_url: str) -> bool:
    """Whether every Gerrit cursor is at or before the newest change stored."""
    engine = open_engine(db_url)
    with engine.connect() as connection:
        newest = connection.scalar(select(func.max(ChangeRow.updated)))
        cursors = connection.scalars(
            select(SyncStateRow.last_seen_updated).where(SyncStateRow.source == "gerrit")
        ).all()
    engine.dispose()
    return all(newest is not None and cursor <= newest for cursor in cursors)


@pytest.mark.parametrize("after", [2, 3, 6, 10, 13])
def test_sigkill_then_rerun_equals_an_uninterrupted_sync(
    after: int, db_url: str, twin_db_url: str, busy: SampleServers, cfg: Path, tmp_path: Path
) -> None:
    """SIGKILL as request N arrives, then a rerun: every table equals a sync that was never
    killed (no row lost or doubled, history not doubled); cursors are never ahead of data."""
    killed = prepared(db_url, tmp_path / "a")
    child = sync_and_signal(killed, cfg, busy, tmp_path, after=after, signum=signal.SIGKILL)
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert gerrit_cursor_within_data(killed)
    assert frozen(killed, cfg, "sync")[0] == 0
    assert portable_dump(killed, busy) == fault_free_dump(twin_db_url, cfg, busy, tmp_path / "b")


def test_sigterm_stops_after_the_current_batch_with_exit_143(
    db_url: str, twin_db_url: str, busy: SampleServers, cfg: Path, tmp_path: Path
) -> None:
    """SIGTERM during the Gerrit poll: the batch in hand is committed, the run exits 143 with
    one line, and a rerun equals an uninterrupted sync."""
    stopped = prepared(db_url, tmp_path / "a")
    # The Gerrit poll is one request (n=500): signal as it arrives. Launchpad's login and
    # its first reads run beside it, so count Gerrit's requests alone.
    child = sync_and_signal(
        stopped, cfg, busy, tmp_path, after=1, signum=signal.SIGTERM, gerrit_only=True
    )
    assert child.returncode == 143, child.stderr
    assert "stopped by SIGTERM after its last committed batch" in child.stderr
    assert len(child.stderr.strip().splitlines()) == 1, child.stderr
    engine = open_engine(stopped)
    with engine.connect() as connection:
        saved = connection.scalar(select(func.count()).select_from(ChangeRow))
    engine.dispose()
    assert saved == 100  # one batch of the poll
    assert frozen(stopped, cfg, "sync")[0] == 0
    assert portable_dump(stopped, busy) == fault_free_dump(twin_db_url, cfg, busy, tmp_path / "b")
