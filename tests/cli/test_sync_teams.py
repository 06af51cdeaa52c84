"""OpenStack scale on one database: several teams, several workers, a request budget (issue 14).

The simulation runs 60 teams with 4 workers (threads, each with its own adapters, budget
and scope claims) on PostgreSQL against the local fakes; it skips without
``SYNCSVC_TEST_DATABASE_URL``. The command-line tests run on both backends.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import cli, fakes_config, session_on, upgrade_postgresql
from sqlalchemy import func, select

from syncsvc.cli.options import SourceChoice
from syncsvc.cli.sources import remote_sources
from syncsvc.cli.stores import SqlDatabase
from syncsvc.cli.wiring import relink_settings, request_budget, sync_settings
from syncsvc.config import load_config
from syncsvc.domain import SourceName
from syncsvc.models.db import open_engine
from syncsvc.models.scope_lock import ScopeClaims, scope_claims
from syncsvc.models.sync_tables import BugTaskRow, ChangeRow, SyncStateRow
from syncsvc.sync.engine import HELD
from syncsvc.sync.ports import ScopeClaim
from syncsvc.sync.service import SyncOutcome, sync_and_relink
from syncsvc.testing.fake_gerrit import FakeGerrit, make_change
from syncsvc.testing.fake_launchpad import FakeLaunchpad, FakeTask

TEAMS = 60
WORKERS = 4


def _cursors(db_url: str) -> dict[tuple[str, str], datetime]:
    with session_on(db_url) as session:
        rows = session.scalars(select(SyncStateRow))
        return {(r.source, r.scope): r.last_seen_updated.replace(tzinfo=UTC) for r in rows}


class TestTeamsOnTheCommandLine:
    def test_unknown_team_is_one_line_and_exit_2(self, db_url, servers, tmp_path) -> None:
        """`sync --team nova` with no such team: exit 2, one line naming the teams known."""
        cfg = fakes_config(tmp_path, servers, extra='[teams.cinder]\ngerrit_projects = ["x/y"]')
        result = cli(db_url, cfg, "sync", "--team", "nova")
        assert result.exit_code == 2
        assert result.stderr.strip().splitlines() == [
            (
                "error: unknown team 'nova' (configured teams: cinder, default) "
                "(hint: add a [teams.NAME] table to the config, or check --team)"
            )
        ]
        assert len(servers.gerrit.requests) == 0

    def test_one_team_syncs_its_own_scopes(self, db_url, servers, tmp_path) -> None:
        """`--team manila` polls manila's projects only; the other team's are untouched."""
        cfg = fakes_config(
            tmp_path,
            servers,
            launchpad_projects=(),
            gerrit_projects=(),
            extra='[teams.manila]\nlaunchpad_projects = ["manila"]\n'
            'gerrit_projects = ["openstack/manila"]\n'
            '[teams.ui]\nlaunchpad_projects = ["manila-ui"]\n'
            'gerrit_projects = ["openstack/manila-ui"]\n',
        )
        result = cli(db_url, cfg, "sync", "--team", "manila", "--format", "json")
        assert result.exit_code == 0, result.stderr
        scopes = [(s["source"], s["scope"]) for s in json.loads(result.stdout)["scopes"]]
        assert ("gerrit", "projects:openstack/manila") in scopes
        assert ("launchpad", "project:manila") in scopes
        assert not [s for s in scopes if "manila-ui" in s[1]]
        # Gerrit keeps a cursor only once a poll found something (nothing in 90 days here).
        assert set(_cursors(db_url)) <= {
            ("gerrit", "projects:openstack/manila"),
            ("launchpad", "project:manila"),
            ("launchpad", "blueprints:manila"),
        }
        assert ("launchpad", "project:manila") in _cursors(db_url)

    def test_spent_budget_exits_8_and_lists_the_scopes_left(
        self, db_url, servers, tmp_path
    ) -> None:
        """A budget of 3 requests: exit 8, one line listing the scopes left, no relink, and
        a rerun with a larger budget completes from the committed cursors."""
        cfg = fakes_config(tmp_path, servers, extra="[http]\nmax_requests_per_run = 3")
        result = cli(db_url, cfg, "sync")
        assert result.exit_code == 8, result.stderr
        left = [line for line in result.stderr.splitlines() if "request budget spent" in line]
        assert len(left) == 1
        assert "launchpad project:manila" in left[0]
        assert "links not refreshed: the request budget ran out" in result.stderr
        assert ("launchpad", "project:manila") not in _cursors(db_url)
        sent = len(servers.gerrit.requests) + len(servers.launchpad.requests)
        assert sent <= 3
        again = fakes_config(tmp_path, servers, extra="[http]\nmax_requests_per_run = 500")
        rerun = cli(db_url, again, "sync")
        assert rerun.exit_code == 0, rerun.stderr
        assert ("launchpad", "project:manila") in _cursors(db_url)

    def test_scope_locks_skip_a_scope_another_worker_holds(self, db_url, servers, tmp_path) -> None:
        """With [sync] scope_locks on PostgreSQL, a scope held elsewhere is shown as held and
        left alone (exit 0); on SQLite the setting changes nothing (file lock)."""
        cfg = fakes_config(tmp_path, servers, extra="[sync]\nscope_locks = true")
        engine = open_engine(db_url)
        try:
            with ExitStack() as stack:
                claims = scope_claims(engine)  # None on SQLite
                if claims is not None:
                    other = stack.enter_context(claims)
                    assert stack.enter_context(other.claim(SourceName.LAUNCHPAD, "project:manila"))
                result = cli(db_url, cfg, "sync", "--format", "json")
        finally:
            engine.dispose()
        assert result.exit_code == 0, result.stderr
        scopes = {s["scope"]: s for s in json.loads(result.stdout)["scopes"]}
        expected = HELD if db_url.startswith("postgresql") else None
        assert scopes["project:manila"]["skipped"] == expected
        assert (("launchpad", "project:manila") in _cursors(db_url)) is (expected is None)
        assert ("launchpad", "project:manila-ui") in _cursors(db_url)


# --- 60 teams, 4 workers, one PostgreSQL database ------------------------------------------


@pytest.fixture
def many_teams(quiet_clients: None) -> Iterator[tuple[FakeGerrit, FakeLaunchpad]]:
    """Fakes holding one change and one bug task for each of 60 teams' projects."""
    recent = datetime.now(UTC) - timedelta(days=1)
    changes = [
        make_change(700000 + n, project=f"openstack/team{n:02d}", updated=recent + timedelta(n))
        for n in range(TEAMS)
    ]
    with FakeGerrit(changes=changes) as gerrit, FakeLaunchpad() as launchpad:
        for n in range(TEAMS):
            launchpad.add_bug(
                2000000 + n, f"bug of team {n}", tasks=[FakeTask(f"team{n:02d}", date_created=recent)],
                date_created=recent, date_last_updated=recent,
            )  # fmt: skip
        yield gerrit, launchpad


class _Watch:
    """Wraps each worker's claims: records who syncs what, and any scope synced twice at once."""

    def __init__(self) -> None:
        self.guard = threading.Lock()
        self.active: set[tuple[str, str]] = set()
        self.overlaps: list[tuple[str, str]] = []
        self.synced: Counter[tuple[str, str]] = Counter()

    def around(self, claims: ScopeClaims) -> ScopeClaim:
        @contextmanager
        def claim(source: SourceName, scope: str) -> Iterator[bool]:
            key = (str(source), scope)
            with claims.claim(source, scope) as claimed:
                if not claimed:
                    yield False
                    return
                with self.guard:
                    if key in self.active:
                        self.overlaps.append(key)
                    self.active.add(key)
                    self.synced[key] += 1
                try:
                    yield True
                finally:
                    with self.guard:
                        self.active.discard(key)

        return claim


def test_sixty_teams_four_workers_one_database(
    postgresql_url: str,
    many_teams: tuple[FakeGerrit, FakeLaunchpad],
    tmp_path: Path,
    record_property: Callable[[str, object], None],
) -> None:
    """4 workers sync 60 teams at once: no scope is synced by two at the same time, every
    scope ends with its cursor, every change and task is stored once, and the requests
    the workers' budgets counted (the total reported) equal what the servers received."""
    gerrit, launchpad = many_teams
    db_url = upgrade_postgresql(postgresql_url)
    teams = "".join(
        f'[teams.team{n:02d}]\nlaunchpad_projects = ["team{n:02d}"]\n'
        f'gerrit_projects = ["openstack/team{n:02d}"]\n'
        for n in range(TEAMS)
    )
    path = tmp_path / "syncsvc.toml"
    path.write_text(
        f'[launchpad]\nservice_root = "{launchpad.service_root}"\n'
        f'[gerrit]\nurl = "{gerrit.url}"\n[sync]\nscope_locks = true\n'
        f"[http]\nmax_requests_per_run = 1000\n{teams}",
        encoding="utf-8",
    )
    cfg = load_config(path)
    engine = open_engine(db_url)
    watch, start = _Watch(), threading.Barrier(WORKERS)

    def worker(n: int) -> tuple[SyncOutcome, int]:
        with ExitStack() as stack:
            claims = stack.enter_context(ScopeClaims(engine))
            budget = request_budget(cfg)
            pair = remote_sources(stack, cfg, SourceChoice.ALL, tmp_path / f"c{n}", budget)
            start.wait(timeout=30)
            outcome = sync_and_relink(
                SqlDatabase(engine), lambda: pair, settings=sync_settings(cfg),
                links=relink_settings(cfg), wait=30, claim=watch.around(claims),
            )  # fmt: skip
            return outcome, budget.sent

    try:
        with ThreadPoolExecutor(WORKERS) as pool:
            results = list(pool.map(worker, range(WORKERS), timeout=120))
    finally:
        engine.dispose()

    assert len(results) == WORKERS
    assert watch.overlaps == []
    assert not any(outcome.sync.failed or outcome.sync.left for outcome, _ in results)
    expected = {("gerrit", f"projects:openstack/team{n:02d}") for n in range(TEAMS)}
    expected |= {("launchpad", f"project:team{n:02d}") for n in range(TEAMS)}
    expected |= {("launchpad", f"blueprints:team{n:02d}") for n in range(TEAMS)}
    assert expected <= set(watch.synced)
    cursors = _cursors(db_url)
    assert set(cursors) == expected
    for number, change in gerrit._changes.items():
        scope = ("gerrit", f"projects:{change['project']}")
        assert cursors[scope].strftime("%Y-%m-%d %H:%M:%S") == change["updated"][:19], number
    with session_on(db_url) as session:
        assert session.scalar(select(func.count()).select_from(ChangeRow)) == TEAMS
        assert session.scalar(select(func.count()).select_from(BugTaskRow)) == TEAMS
    held = sum(len(outcome.sync.held) for outcome, _ in results)
    assert all(s.skipped == HELD for outcome, _ in results for s in outcome.sync.held)
    total = sum(sent for _, sent in results)
    received = len(gerrit.requests) + len(launchpad.requests)
    record_property("requests", total)  # in the JUnit report; 385 when written
    record_property("scopes_held", held)
    assert total == received > 0
