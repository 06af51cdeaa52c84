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
    assert shown["branches"][0]["branch"] == "master"
    assert shown["branches"][0]["state"] == "done"


@pytest.fixture
def fakes_cfg(tmp_path, servers):
    """A team config pointing at the fakes, with manila's projects."""
    path = tmp_path / "fakes.toml"
    path.write_text(
        f'[launchpad]\nservice_root = "{servers.launchpad_service_root}"\n'
        'projects = ["manila"]\n'
        f'[gerrit]\nurl = "{servers.gerrit_url}"\nprojects = ["openstack/manila"]\n',
        encoding="utf-8",
    )
    return path


def stored_links(db_url: str, cfg) -> dict[int, list[str]]:
    """Each action's stored links as "kind:id", from `actions --format json`."""
    listed = json.loads(cli(db_url, cfg, "actions", "--format", "json").stdout)
    return {a["id"]: [f"{v['kind']}:{v['id']}" for v in a["links"]] for a in listed if a["links"]}


def test_sync_dry_run_lists_the_links_it_would_add_and_keeps_nothing(imported, fakes_cfg):
    """`sync --dry-run` runs the reconciler in dry-run mode: it lists the links a relink
    would add, exits 1, and the database keeps no link."""
    result = cli(imported, fakes_cfg, "sync", "--dry-run")
    assert result.exit_code == 1, result.stderr
    assert "dry run, links not saved:" in result.stdout
    assert "  + #6 change:758868 [confirmed, explicit]" in result.stdout.splitlines()
    assert stored_links(imported, fakes_cfg) == {}


def test_sync_relinks_under_its_lock_and_reports_once(imported, fakes_cfg):
    """A sync saves, then relinks before releasing its lock: one run prints both reports and
    the explicit links are stored."""
    result = cli(imported, fakes_cfg, "sync")
    assert result.exit_code == 0, result.stderr
    assert [line for line in result.stdout.splitlines() if line.startswith("links: ")] != []
    assert "change:758868" in stored_links(imported, fakes_cfg)[6]
    again = cli(imported, fakes_cfg, "sync", "--dry-run")
    assert "dry run, links not saved: 0 new, 0 updated" in again.stdout
