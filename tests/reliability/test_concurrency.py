"""Writes and reads while a sync is talking to the servers (issue 10, defect 3)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from reliability_kit import cli
from typer.testing import CliRunner

from syncsvc.cli.app import app
from syncsvc.domain import ActionState
from syncsvc.models import db, repo
from syncsvc.models.db import open_engine
from syncsvc.testing.demo_servers import SampleServers
from syncsvc.testing.fake_gerrit import RecordedRequest


def test_writes_during_a_sync_request_commit_at_once(
    imported: str, servers: SampleServers, cfg: Path, request: pytest.FixtureRequest
) -> None:
    """A mark and a read made while each Gerrit request is in flight succeed at once, and the
    sync still saves everything."""
    if imported.startswith("sqlite"):
        reason = "issue 10 defect 3: a sync holds a SQLite transaction across network calls"
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))
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
    assert outcomes == ["ok", "ok"]  # referenced + poll
    assert result.exit_code == 0, result.stderr
    listed = CliRunner().invoke(app, ["--db", imported, "actions", "--format", "json"])
    actions = json.loads(listed.stdout)
    assert actions[0]["state"] == "done"
    linked = {link["id"] for action in actions for link in action["links"]}
    assert {"758868", "745206", "729292", "1855391"} <= linked
