"""Several syncs at once, and the daily commands while a sync runs (issue 10, defect 3)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from helpers import EXAMPLE, cli
from reliability_kit import (
    dump,
    frozen,
    prepared,
    start_sync,
    wait_for_requests,
)

from syncsvc.testing.demo_servers import SampleServers


@pytest.mark.parametrize("runs", [2, 4])
def test_concurrent_syncs_run_one_at_a_time_and_equal_one_sync(
    runs: int, db_url: str, twin_db_url: str, busy: SampleServers, cfg: Path, tmp_path: Path
) -> None:
    """N syncs started together all succeed, one after the other, and leave every table as one
    sync leaves it."""
    target, clean = prepared(db_url, tmp_path / "a"), prepared(twin_db_url, tmp_path / "b")
    children = [start_sync(target, cfg, busy, tmp_path, "--wait", "120") for _ in range(runs)]
    outcomes = [
        (child.wait(timeout=180), child.stderr.read() if child.stderr else "") for child in children
    ]
    for child in children:
        for stream in (child.stdout, child.stderr):
            if stream:
                stream.close()
    assert [code for code, _ in outcomes] == [0] * runs, outcomes
    busy.gerrit.faults.clear()
    busy.launchpad.clear_faults()
    assert frozen(clean, cfg, "sync")[0] == 0
    assert dump(target) == dump(clean)


def test_a_second_sync_that_cannot_wait_exits_6(
    db_url: str, busy: SampleServers, cfg: Path, tmp_path: Path
) -> None:
    """Two syncs with --wait 0: one succeeds, the other exits 6 with one line."""
    target = prepared(db_url, tmp_path / "a")
    release = threading.Event()
    busy.gerrit.on_request(lambda _request: release.wait(60))  # the first sync holds the lock
    first = start_sync(target, cfg, busy, tmp_path, "--wait", "0")
    wait_for_requests(busy, 1, first, gerrit_only=True)  # sent with the lock held
    second = start_sync(target, cfg, busy, tmp_path, "--wait", "0")
    try:
        _, second_err = second.communicate(timeout=120)
    finally:
        release.set()
    _, first_err = first.communicate(timeout=120)
    assert (first.returncode, second.returncode) == (0, 6), (first_err, second_err)
    assert "another syncsvc sync is running on this database" in second_err


def test_import_mark_and_status_during_a_sync(
    db_url: str, busy: SampleServers, cfg: Path, tmp_path: Path
) -> None:
    """While a sync is fetching, an import of another summary, a mark and status all succeed
    at once, and the sync still finishes."""
    target = prepared(db_url, tmp_path / "a")
    release = threading.Event()
    busy.gerrit.on_request(lambda _request: release.wait(60))  # the sync waits on Gerrit
    child = start_sync(target, cfg, busy, tmp_path)
    wait_for_requests(busy, 1, child, gerrit_only=True)
    try:
        other = tmp_path / "other.html"
        other.write_bytes(EXAMPLE.replace(b"Extending shares", b"Extending shares (follow-up)"))
        imported = cli(target, cfg, "import", str(other))
        marked = cli(target, cfg, "mark", "2", "dropped", "--wait", "0")
        status = cli(target, cfg, "status", "--since", "2020-11-05", "--format", "json")
        still_running = child.poll() is None
    finally:
        release.set()
    _, err = child.communicate(timeout=120)
    assert still_running  # the commands above really ran during the sync
    assert imported.exit_code == 0, imported.stderr
    assert marked.exit_code == 0, marked.stderr
    assert "#2 marked dropped" in marked.stdout
    assert status.exit_code == 0, status.stderr
    assert "groups" in json.loads(status.stdout)
    assert child.returncode == 0, err
    assert "saved event " in imported.stdout
