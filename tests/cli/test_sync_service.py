"""Sync and relink as one service: the team's projects judge bugs, dry runs reach the
reconciler (issue 11)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from syncsvc.cli.app import app
from syncsvc.domain import Bug, BugTask
from syncsvc.models.db import open_engine
from syncsvc.models.sync_store import SqlSyncStore

BUG = 4242


def cli(db_url, cfg, *args: str):
    """Run syncsvc with the team config ``cfg`` against ``db_url``."""
    return CliRunner().invoke(app, ["--db", db_url, "--config", str(cfg), *args])


def store_bug(db_url: str, *tasks: BugTask) -> None:
    """Store bug :data:`BUG` with ``tasks``, as a sync would have saved it."""
    now = datetime.now(UTC)
    engine = open_engine(db_url)
    try:
        with Session(engine) as session:
            store = SqlSyncStore(session)
            bug = Bug(BUG, "Share type quotas", tasks=tasks, date_last_updated=now - timedelta(1))
            store.save_bugs([bug], observed_at=now)
            store.commit()
    finally:
        engine.dispose()


@pytest.fixture
def manila_cfg(tmp_path):
    """A team config whose Launchpad project is manila alone (no Gerrit project)."""
    path = tmp_path / "syncsvc.toml"
    path.write_text('[launchpad]\nprojects = ["manila"]\n', encoding="utf-8")
    return path


def test_another_projects_open_task_does_not_keep_a_commitment_in_progress(
    imported, manila_cfg
) -> None:
    """A bug fixed on manila whose only open task is on nova makes the commitment done."""
    released = datetime.now(UTC) - timedelta(days=2)
    store_bug(
        imported,
        BugTask(BUG, "manila", "Fix Released", "High", date_fix_released=released,
                is_complete=True),
        BugTask(BUG, "nova", "In Progress", "Medium"),
    )  # fmt: skip
    added = cli(imported, manila_cfg, "link", "add", "3", f"bug:{BUG}")
    assert added.exit_code == 0, added.stderr
    shown = json.loads(cli(imported, manila_cfg, "show", "3", "--format", "json").stdout)
    assert shown["progress"] == "done"
