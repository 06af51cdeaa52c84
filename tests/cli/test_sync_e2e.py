"""`syncsvc sync` end to end: real launchpadlib and python-gerritclient against the fakes."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from syncsvc.cli.app import app
from syncsvc.models.db import open_engine
from syncsvc.models.lock import sync_lock
from syncsvc.models.sync_store import artifact_states
from syncsvc.models.sync_tables import BugTaskRow, ChangeRow
from syncsvc.testing.demo_servers import apply_sample_movement, sample_servers
from syncsvc.testing.fake_gerrit import make_change
from syncsvc.testing.fake_launchpad import FakeTask

EXAMPLE = resources.files("syncsvc.data").joinpath("example-summary.html").read_bytes()
LP_PROJECTS = '["manila", "python-manilaclient", "manila-ui"]'
GERRIT_PROJECTS = (
    '["openstack/manila", "openstack/manila-specs", "openstack/python-manilaclient", '
    '"openstack/manila-ui", "openstack/manila-tempest-plugin"]'
)


@pytest.fixture
def servers(monkeypatch, tmp_path):
    """The sample fakes; launchpadlib's own retry sleeps and caches kept in tmp."""
    monkeypatch.setattr("lazr.restfulclient._browser.sleep", lambda _s: None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("SYNCSVC_GERRIT_PASSWORD", raising=False)
    with sample_servers(gerrit_users={"syncbot": "s3cret-http-pw"}) as s:
        yield s


def config(tmp_path: Path, servers, extra: str = "", gerrit_extra: str = "") -> Path:
    """A team config pointing at the fakes."""
    path = tmp_path / "syncsvc.toml"
    path.write_text(
        f'[launchpad]\nservice_root = "{servers.launchpad_service_root}"\nprojects = {LP_PROJECTS}\n'
        f'[gerrit]\nurl = "{servers.gerrit_url}"\nprojects = {GERRIT_PROJECTS}\n{gerrit_extra}\n'
        f"{extra}"
    )
    return path


def cli(db_url: str, cfg: Path, *args: str):
    """Run syncsvc with --db and --config."""
    return CliRunner().invoke(app, ["--db", db_url, "--config", str(cfg), *args])


def requests_made(servers) -> tuple[int, int]:
    """(Launchpad, Gerrit) requests since the last reset; then reset."""
    counts = (len(servers.launchpad.requests), len(servers.gerrit.requests))
    servers.launchpad.clear_requests()
    servers.gerrit.requests.clear()
    return counts


@pytest.fixture
def imported(db_url, tmp_path):
    """The database with the bundled example imported."""
    src = tmp_path / "example.html"
    src.write_bytes(EXAMPLE)
    result = CliRunner().invoke(app, ["--db", db_url, "import", str(src)])
    assert result.exit_code == 0, result.stderr
    return db_url


def states(db_url: str, cfg: Path) -> dict[str, str]:
    """Each referenced artifact's stored state, read through the store API."""
    engine = open_engine(db_url)
    with Session(engine) as session:
        got = artifact_states(
            session, ["change:758868", "change:745206", "change:729292", "bug:1855391"]
        )
    engine.dispose()
    return got


class TestSyncEndToEnd:
    """First sync, no-change re-sync and re-sync after movement, with request counts."""

    def test_first_sync_then_resync_then_movement(self, imported, servers, tmp_path) -> None:
        """Counts requests per run; only what changed is fetched the second and third time."""
        cfg = config(tmp_path, servers)
        first = cli(imported, cfg, "sync")
        assert first.exit_code == 0, first.stderr
        # Launchpad: WADL + root, bug + tasks, 3 searches; Gerrit: referenced + poll.
        assert requests_made(servers) == (7, 2)
        assert states(imported, cfg) == {
            "change:758868": "MERGED",
            "change:745206": "MERGED",
            "change:729292": "MERGED",
            "bug:1855391": "Fix Released",
        }
        again = cli(imported, cfg, "sync")
        assert again.exit_code == 0, again.stderr
        assert requests_made(servers) == (3, 1)  # warm WADL cache; referenced all known
        assert "0 │ 0" in again.stdout or "│ 0       │ 0   │" in again.stdout
        apply_sample_movement(servers)
        moved = cli(imported, cfg, "sync")
        assert moved.exit_code == 0, moved.stderr
        assert requests_made(servers) == (3, 1)
        history = json.loads(
            CliRunner().invoke(app, ["--db", imported, "events", "--format", "json"]).stdout
        )
        assert history[0]["actions"] == 20

    def test_paging_over_several_pages(self, imported, servers, tmp_path) -> None:
        """160 more changes and 160 more tasks are read page by page, then not again."""
        start = datetime(2021, 1, 4, tzinfo=UTC)
        for i in range(160):
            when = start + timedelta(hours=i)
            servers.gerrit.add_change(make_change(790000 + i, created=when, updated=when))
            servers.launchpad.add_bug(
                1950000 + i, f"sample bug {i}", tasks=[FakeTask("manila")], date_last_updated=when
            )
        cfg = config(tmp_path, servers)
        result = cli(imported, cfg, "sync")
        assert result.exit_code == 0, result.stderr
        polls = [r for r in servers.gerrit.requests if "project:" in " ".join(r.params["q"])]
        searches = [
            r.path for r in servers.launchpad.requests if r.query.get("ws.op") == ["searchTasks"]
        ]
        # Gerrit: 27 + 160 changes at 100 a page; Launchpad manila: 7 + 160 tasks at 75 a page.
        assert [r.params.get("S") for r in polls] == [None, ["100"]]
        assert sorted(searches) == [
            "/devel/manila", "/devel/manila", "/devel/manila", "/devel/manila-ui",
            "/devel/python-manilaclient",
        ]  # fmt: skip
        engine = open_engine(imported)
        with Session(engine) as session:
            changes = session.scalar(select(func.count()).select_from(ChangeRow))
            tasks = session.scalar(select(func.count()).select_from(BugTaskRow))
        engine.dispose()
        # 27 polled + 160 new + 758868 (referenced, in a project not polled);
        # tasks: manila 7 + 160, manila-ui 1, python-manilaclient 2.
        assert (changes, tasks) == (188, 170)
        again = cli(imported, cfg, "sync")
        assert again.exit_code == 0, again.stderr
        assert "│ 0   │ 0       │" in again.stdout

    def test_dry_run_exits_1_and_keeps_nothing(self, imported, servers, tmp_path) -> None:
        """--dry-run with work to do exits 1 and stores no artifact."""
        cfg = config(tmp_path, servers)
        result = cli(imported, cfg, "sync", "--dry-run")
        assert result.exit_code == 1, result.stderr
        assert "dry run: nothing was saved" in result.stdout
        assert states(imported, cfg) == {}

    def test_authenticated_gerrit(self, imported, servers, tmp_path, monkeypatch) -> None:
        """With a username and password the /a/ API is used, and the password is never printed."""
        monkeypatch.setenv("SYNCSVC_GERRIT_PASSWORD", "s3cret-http-pw")
        cfg = config(tmp_path, servers, gerrit_extra='username = "syncbot"')
        result = cli(imported, cfg, "sync", "--source", "gerrit")
        assert result.exit_code == 0, result.stderr
        assert {r.path.split("?")[0] for r in servers.gerrit.requests} == {"/a/changes/"}
        assert {r.user for r in servers.gerrit.requests} == {"syncbot"}
        assert "s3cret" not in result.stdout + result.stderr

    def test_gerrit_outage_is_exit_3_and_launchpad_still_syncs(
        self, imported, servers, tmp_path
    ) -> None:
        """A Gerrit that keeps answering 503 fails its scopes; Launchpad data is still saved."""
        servers.gerrit.add_fault(status=503, times=None)
        cfg = config(tmp_path, servers)
        result = cli(imported, cfg, "sync")
        assert result.exit_code == 3
        assert "error: gerrit referenced:" in result.stderr
        assert states(imported, cfg) == {"bug:1855391": "Fix Released"}

    def test_launchpad_503_is_retried(self, imported, servers, tmp_path) -> None:
        """Two 503s from Launchpad are retried and the sync succeeds."""
        servers.launchpad.fail(503, times=2, match="searchTasks")
        cfg = config(tmp_path, servers)
        result = cli(imported, cfg, "sync", "--source", "launchpad")
        assert result.exit_code == 0, result.stderr
        assert states(imported, cfg)["bug:1855391"] == "Fix Released"

    def test_concurrent_sync_exits_6(self, imported, servers, tmp_path) -> None:
        """A second sync while the lock is held waits --wait seconds, then exits 6."""
        cfg = config(tmp_path, servers)
        engine = open_engine(imported)
        held, release = threading.Event(), threading.Event()

        def hold() -> None:
            with sync_lock(engine, wait=1):
                held.set()
                release.wait(10)

        holder = threading.Thread(target=hold)
        holder.start()
        held.wait(5)
        try:
            result = cli(imported, cfg, "sync", "--wait", "0.3")
        finally:
            release.set()
            holder.join()
            engine.dispose()
        assert result.exit_code == 6
        assert "another syncsvc sync is running" in result.stderr

    def test_host_not_allowed_contacts_nothing(self, imported, servers, tmp_path) -> None:
        """A configured host outside allowed_hosts is refused before any request."""
        cfg = config(tmp_path, servers, extra='[sync]\nallowed_hosts = ["review.opendev.org"]\n')
        result = cli(imported, cfg, "sync")
        assert result.exit_code == 2
        assert "127.0.0.1 is not in [sync] allowed_hosts" in result.stderr
        assert requests_made(servers) == (0, 0)
