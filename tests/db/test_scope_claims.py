"""Per-scope claims for several workers, and a spent request budget, in the sync engine.

Advisory-lock tests need PostgreSQL (``SYNCSVC_TEST_DATABASE_URL``); the engine tests run
on the shared ``db_url`` (SQLite always, PostgreSQL when configured).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from syncsvc.domain import (
    Account,
    ActionItem,
    Bug,
    BugTask,
    Change,
    ChangeStatus,
    Day,
    Event,
    Ref,
    RefKind,
    SourceName,
    Topic,
)
from syncsvc.errors import BudgetExhaustedError
from syncsvc.models.db import open_engine
from syncsvc.models.scope_lock import ScopeClaims, scope_claims, scope_key
from syncsvc.models.sync_store import SqlSyncStore
from syncsvc.models.sync_tables import ChangeRow, SyncStateRow
from syncsvc.sync.engine import BUDGET_SPENT, HELD, SyncSettings, run_sync
from syncsvc.testing.storage import save_event

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def pg_engine(postgresql_url: str) -> Iterator[Engine]:
    """An engine on a private PostgreSQL schema (no tables needed for advisory locks)."""
    engine = open_engine(postgresql_url)
    yield engine
    engine.dispose()


class TestAdvisoryClaims:
    def test_key_is_a_stable_hash_of_source_and_scope(self) -> None:
        """The key is the signed first 8 bytes of BLAKE2b("source:scope")."""
        digest = hashlib.blake2b(b"gerrit:projects:openstack/nova", digest_size=8).digest()
        expected = int.from_bytes(digest, "big", signed=True)
        assert scope_key("gerrit", "projects:openstack/nova") == expected
        assert scope_key("gerrit", "projects:openstack/nova", "other") != expected

    def test_a_held_scope_is_refused_to_another_worker(self, pg_engine: Engine) -> None:
        """While one session holds a scope, another gets false at once; other scopes are free."""
        with ScopeClaims(pg_engine) as first, ScopeClaims(pg_engine) as second:
            with first.claim(SourceName.GERRIT, "projects:a") as mine:
                with second.claim(SourceName.GERRIT, "projects:a") as theirs:
                    assert (mine, theirs) == (True, False)
                with second.claim(SourceName.GERRIT, "projects:b") as other:
                    assert other is True
            with second.claim(SourceName.GERRIT, "projects:a") as after:
                assert after is True

    def test_released_when_the_scope_raises(self, pg_engine: Engine) -> None:
        """A scope that fails releases its claim."""
        with ScopeClaims(pg_engine) as first, ScopeClaims(pg_engine) as second:
            with pytest.raises(RuntimeError), first.claim(SourceName.LAUNCHPAD, "project:x"):
                raise RuntimeError("scope failed")
            with second.claim(SourceName.LAUNCHPAD, "project:x") as claimed:
                assert claimed is True

    def test_sqlite_keeps_the_file_lock(self, sqlite_url: str) -> None:
        """SQLite has no scope claims: one sync at a time under the file lock."""
        engine = open_engine(sqlite_url)
        try:
            assert scope_claims(engine) is None
        finally:
            engine.dispose()


def _change(number: int, project: str, updated: datetime) -> Change:
    return Change(
        number=number, project=project, branch="master", subject=f"change {number}",
        status=ChangeStatus.NEW, owner=Account(1, "owner"), created=updated, updated=updated,
    )  # fmt: skip


class _Gerrit:
    """Changes in memory; polling ``refuse`` raises BudgetExhaustedError; records fetches."""

    def __init__(self, changes: Sequence[Change], refuse: str | None = None) -> None:
        self.changes, self.refuse = list(changes), refuse
        self.fetched: list[int] = []

    def get_changes(self, numbers: Iterable[int], *, batch: int = 50) -> Iterator[Change]:
        wanted = list(numbers)
        self.fetched += wanted
        return iter([c for c in self.changes if c.number in wanted])

    def changes_updated_since(self, projects: Sequence[str], since: datetime) -> Iterator[Change]:
        if self.refuse in projects:
            raise BudgetExhaustedError("request budget of 3 requests spent")
        return iter([c for c in self.changes if c.project in projects and c.updated >= since])


class _Launchpad:
    """One task per project; records the searches made."""

    def __init__(self) -> None:
        self.searched: list[str] = []

    def get_bugs(self, ids: Iterable[int]) -> Iterator[Bug]:
        return iter(())

    def get_bug_comments(self, ids: Iterable[int], **_kwargs: object) -> Iterator[object]:
        return iter(())

    def search_tasks(
        self, project: str, *, modified_since: datetime | None, tags: Sequence[str] = ()
    ) -> Iterator[BugTask]:
        self.searched.append(project)
        return iter(())


SETTINGS = SyncSettings(
    launchpad_projects=("cinder",),
    gerrit_projects=("openstack/cinder", "openstack/nova"),
    gerrit_groups=(("openstack/cinder",), ("openstack/nova",)),
    overlap=timedelta(minutes=10),
)
CHANGES = [_change(1, "openstack/cinder", T0), _change(2, "openstack/nova", T0 + timedelta(1))]


def _cursors(engine: Engine) -> dict[tuple[str, str], datetime]:
    with Session(engine) as session:
        rows = session.scalars(select(SyncStateRow))
        return {(r.source, r.scope): r.last_seen_updated.replace(tzinfo=UTC) for r in rows}


def _numbers(engine: Engine) -> list[int]:
    with Session(engine) as session:
        return sorted(session.scalars(select(ChangeRow.number)))


class TestEngineScopes:
    def test_each_team_group_is_its_own_gerrit_scope(self, engine: Engine) -> None:
        """Two Gerrit groups poll as two scopes, each with its own cursor."""
        with Session(engine, expire_on_commit=False) as session:
            report = run_sync(
                SqlSyncStore(session), bugs=None, changes=_Gerrit(CHANGES),
                settings=SETTINGS, now=lambda: T0,
            )  # fmt: skip
        assert [(s.scope, s.fetched) for s in report.scopes] == [
            ("projects:openstack/cinder", 1),
            ("projects:openstack/nova", 1),
            ("referenced", 0),
        ]
        assert _cursors(engine) == {
            ("gerrit", "projects:openstack/cinder"): T0,
            ("gerrit", "projects:openstack/nova"): T0 + timedelta(1),
        }

    def test_a_scope_held_elsewhere_is_skipped_not_failed(self, engine: Engine) -> None:
        """A claim another worker holds: the scope is reported as held and left alone."""

        @contextmanager
        def claim(source: SourceName, scope: str) -> Iterator[bool]:
            yield scope != "projects:openstack/nova"

        with Session(engine, expire_on_commit=False) as session:
            report = run_sync(
                SqlSyncStore(session), bugs=None, changes=_Gerrit(CHANGES),
                settings=SETTINGS, now=lambda: T0, claim=claim,
            )  # fmt: skip
        assert not report.failed
        assert [(s.scope, s.skipped) for s in report.held] == [("projects:openstack/nova", HELD)]
        assert _numbers(engine) == [1]
        assert list(_cursors(engine)) == [("gerrit", "projects:openstack/cinder")]

    def test_spent_budget_stops_cleanly_and_lists_what_is_left(self, engine: Engine) -> None:
        """The budget runs out in the second Gerrit scope: the first keeps its data and cursor,
        the rest are left (no cursor, no search sent) and nothing is an error."""
        launchpad = _Launchpad()
        with Session(engine, expire_on_commit=False) as session:
            report = run_sync(
                SqlSyncStore(session), bugs=launchpad,
                changes=_Gerrit(CHANGES, refuse="openstack/nova"),
                settings=SETTINGS, now=lambda: T0,
            )  # fmt: skip
        assert not report.failed
        assert [(s.source, s.scope, s.skipped) for s in report.left] == [
            (SourceName.GERRIT, "projects:openstack/nova", BUDGET_SPENT),
            (SourceName.GERRIT, "referenced", BUDGET_SPENT),
            (SourceName.LAUNCHPAD, "project:cinder", BUDGET_SPENT),
            (SourceName.LAUNCHPAD, "referenced", BUDGET_SPENT),
        ]
        assert launchpad.searched == []
        assert _numbers(engine) == [1]
        assert _cursors(engine) == {("gerrit", "projects:openstack/cinder"): T0}

    def test_referenced_items_in_other_teams_projects_are_left_to_them(
        self, engine: Engine
    ) -> None:
        """With `--team cinder`, an open change a commitment names in nova's project (polled
        by nova's run) is not fetched again; without it, it is. A run that polls nova itself
        stores it from the poll and never asks for it by number."""
        day = Day("Day 1", T0.date())
        action = ActionItem(
            text="Review the change",
            refs=(Ref(RefKind.CHANGE, "2", "https://review.opendev.org/2"),),
        )
        event = Event(
            "cinder", "2024.1", "Cinder PTG", days=(day,),
            topics=(Topic(title="Reviews", day=day, actions=(action,)),),
        )  # fmt: skip
        cinder = replace_settings(polled_elsewhere=())
        with Session(engine, expire_on_commit=False) as session:
            save_event(session, event, source_digest="0" * 64, now=T0)
            session.commit()
            store = SqlSyncStore(session)
            first = _Gerrit(CHANGES)
            run_sync(store, bugs=None, changes=first, settings=SETTINGS, now=lambda: T0)
            alone, shared = _Gerrit(CHANGES), _Gerrit(CHANGES)
            run_sync(store, bugs=None, changes=alone, settings=cinder, now=lambda: T0)
            elsewhere = replace_settings(polled_elsewhere=("openstack/nova",))
            run_sync(store, bugs=None, changes=shared, settings=elsewhere, now=lambda: T0)
        assert (first.fetched, alone.fetched, shared.fetched) == ([], [2], [])


def replace_settings(**changes: object) -> SyncSettings:
    """Cinder's team alone: its Gerrit project only, with ``changes``."""
    return dataclasses.replace(
        SETTINGS,
        gerrit_projects=("openstack/cinder",),
        gerrit_groups=(("openstack/cinder",),),
        **changes,  # type: ignore[arg-type]
    )
