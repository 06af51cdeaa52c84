"""Writes and reads while a sync is talking to the servers (issue 10, defect 3)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import cli
from typer.testing import CliRunner

from syncsvc.cli.app import app
from syncsvc.domain import ActionState
from syncsvc.models import db, repo
from syncsvc.models.db import open_engine
from syncsvc.models.lock import RELINK_LOCK, sync_lock
from syncsvc.testing.demo_servers import SampleServers
from syncsvc.testing.fake_gerrit import RecordedRequest


def test_writes_during_a_sync_request_commit_at_once(
    imported: str, servers: SampleServers, cfg: Path
) -> None:
    """A mark and a read made while each Gerrit request is in flight succeed at once, and the
    sync still saves everything."""
    engine = open_engine(imported, timeout=1.0)  # a lock held across the request fails in 1 s
    outcomes: list[str] = []

    def meanwhile(_request: RecordedRequest) -> None:
        try:
            with db.session_scope(engine) as session:
                actions = repo.list_actions(session)
            with db.session_scope(engine) as session:
                repo.set_state(session, actions[0].id, ActionState.DONE, now=datetime.now(UTC))
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001  # the outcome is the assertion
            outcomes.append(type(exc).__name__)

    servers.gerrit.on_request(meanwhile)
    try:
        result = cli(imported, cfg, "sync")
    finally:
        engine.dispose()
    assert outcomes == ["ok", "ok", "ok"]  # poll + referenced + the linked changes' reviews
    assert result.exit_code == 0, result.stderr
    listed = CliRunner().invoke(app, ["--db", imported, "actions", "--format", "json"])
    actions = json.loads(listed.stdout)
    assert actions[0]["state"] == "done"
    linked = {link["id"] for action in actions for link in action["links"]}
    assert {"758868", "745206", "729292", "1855391"} <= linked


@contextmanager
def held(db_url: str, name: str) -> Iterator[None]:
    """Hold the lock ``name`` of ``db_url`` from another thread for the block."""
    engine = open_engine(db_url)
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with sync_lock(engine, name, wait=1):
            taken.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    assert taken.wait(5)
    try:
        yield
    finally:
        release.set()
        holder.join()
        engine.dispose()


def test_mark_during_a_relink_is_saved_and_leaves_the_relink(imported: str, cfg: Path) -> None:
    """`mark` while another relink holds the relink lock stores the state, exits 0 and says
    the next relink takes it up."""
    with held(imported, RELINK_LOCK):
        result = cli(imported, cfg, "mark", "3", "dropped", "--wait", "0")
    assert result.exit_code == 0, result.stderr
    assert "#3 marked dropped" in result.stdout
    assert "links:" not in result.stdout
    assert "links not refreshed: another relink is running" in result.stderr
    shown = json.loads(cli(imported, cfg, "show", "3", "--format", "json").stdout)
    assert shown["state"] == "dropped"


def test_link_refresh_during_a_relink_exits_6(imported: str, cfg: Path) -> None:
    """`link refresh` while another relink holds the lock waits --wait seconds, then exits 6."""
    with held(imported, RELINK_LOCK):
        result = cli(imported, cfg, "link", "refresh", "--wait", "0")
    assert result.exit_code == 6
    assert "another relink is running on this database" in result.stderr


def test_relink_does_not_wait_for_a_sync_holding_the_fetch_lock(imported: str, cfg: Path) -> None:
    """The relink lock is not the sync's fetch lock: `link refresh` runs while a sync fetches."""
    with held(imported, "sync"):
        result = cli(imported, cfg, "link", "refresh", "--wait", "0")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("links: ")


def test_sqlite_databases_use_write_ahead_logging(imported: str) -> None:
    """A SQLite database syncsvc opens is in WAL mode, so readers never block a writer."""
    if not imported.startswith("sqlite"):
        pytest.skip("a SQLite setting")
    engine = open_engine(imported)
    with engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    engine.dispose()
    assert mode == "wal"
