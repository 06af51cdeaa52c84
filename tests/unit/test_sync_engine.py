"""The sync engine against in-memory sources and an in-memory store."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta

import pytest

from syncsvc.domain import Account, Bug, BugTask, Change, ChangeStatus
from syncsvc.errors import RemoteUnavailableError
from syncsvc.sync import SyncSettings, run_sync
from syncsvc.sync_contracts import SaveCounts, SourceName

T0 = datetime(2020, 11, 2, 12, 0, tzinfo=UTC)


def change(number: int, project: str, updated: datetime, status: str = "NEW") -> Change:
    """A minimal change record."""
    return Change(
        number=number, project=project, branch="master", subject=f"change {number}",
        status=ChangeStatus(status), owner=Account(1, "tbarron"), created=updated, updated=updated,
    )  # fmt: skip


class MemoryStore:
    """A SyncStore that keeps committed and pending state in dicts."""

    def __init__(self, changes_ref: set[int] = frozenset(), bugs_ref: set[int] = frozenset()):
        self.refs_changes, self.refs_bugs = set(changes_ref), set(bugs_ref)
        self.committed = {"changes": {}, "tasks": {}, "bugs": {}, "cursors": {}}
        self.pending = copy.deepcopy(self.committed)
        self.commits = 0
        self.fail_on_save_call: int | None = None
        self.save_calls = 0

    def referenced_bugs(self) -> set[int]:
        return set(self.refs_bugs)

    def referenced_changes(self) -> set[int]:
        return set(self.refs_changes)

    def known_changes(self, numbers: Iterable[int]) -> dict[int, tuple[str, str]]:
        got = self.committed["changes"]
        return {n: (got[n].project, str(got[n].status)) for n in numbers if n in got}

    def known_bugs(self, ids: Iterable[int]) -> dict[int, tuple[frozenset[str], bool]]:
        got = self.committed["bugs"]
        return {
            b: (frozenset(t.target for t in got[b].tasks), all(t.is_complete for t in got[b].tasks))
            for b in ids
            if b in got
        }

    def earliest_event_day(self) -> datetime | None:
        return datetime(2020, 10, 26, tzinfo=UTC)

    def cursor(self, source: SourceName, scope: str) -> datetime | None:
        return self.committed["cursors"].get((source, scope))

    def _save(self, table: str, items: dict) -> SaveCounts:
        self.save_calls += 1
        if self.save_calls == self.fail_on_save_call:
            raise RemoteUnavailableError("simulated failure while saving")
        counts = SaveCounts()
        for key, item in items.items():
            old = self.pending[table].get(key)
            self.pending[table][key] = item
            counts += SaveCounts(inserted=old is None, changed=old not in (None, item),
                                 unchanged=old == item)  # fmt: skip
        return counts

    def save_bugs(self, bugs: Sequence[Bug], *, observed_at: datetime) -> SaveCounts:
        return self._save("bugs", {b.bug_id: b for b in bugs})

    def save_bug_tasks(self, tasks: Sequence[BugTask], *, observed_at: datetime) -> SaveCounts:
        return self._save("tasks", {(t.bug_id, t.target): t for t in tasks})

    def save_changes(self, changes: Sequence[Change], *, observed_at: datetime) -> SaveCounts:
        return self._save("changes", {c.number: c for c in changes})

    def set_cursor(self, source, scope, last_seen, *, ran_at) -> None:
        self.pending["cursors"][(source, scope)] = last_seen

    def commit(self) -> None:
        self.committed = copy.deepcopy(self.pending)
        self.commits += 1

    def rollback(self) -> None:
        self.pending = copy.deepcopy(self.committed)


class FakeGerritSource:
    """Changes held in memory; records the calls made."""

    def __init__(self, changes: list[Change]):
        self.changes = {c.number: c for c in changes}
        self.calls: list[tuple] = []
        self.fail = False

    def get_changes(self, numbers: Iterable[int], *, batch: int = 50) -> Iterator[Change]:
        numbers = list(numbers)
        self.calls.append(("get", tuple(numbers)))
        return iter([self.changes[n] for n in numbers if n in self.changes])

    def changes_updated_since(self, projects: Sequence[str], since: datetime) -> Iterator[Change]:
        self.calls.append(("poll", tuple(projects), since))
        if self.fail:
            raise RemoteUnavailableError("Gerrit returned 503")
        found = [c for c in self.changes.values() if c.project in projects and c.updated >= since]
        return iter(sorted(found, key=lambda c: c.updated, reverse=True))


class FakeLaunchpadSource:
    """Bugs and tasks held in memory; records the calls made."""

    def __init__(self, bugs: list[Bug]):
        self.bugs = {b.bug_id: b for b in bugs}
        self.calls: list[tuple] = []

    def get_bugs(self, ids: Iterable[int]) -> Iterator[Bug]:
        ids = list(ids)
        self.calls.append(("get", tuple(ids)))
        return iter([self.bugs.get(i, Bug(i, visible=False)) for i in ids])

    def search_tasks(self, project, *, modified_since, tags=()) -> Iterator[BugTask]:
        self.calls.append(("search", project, modified_since))
        return iter([t for b in self.bugs.values() for t in b.tasks if t.target == project])


SETTINGS = SyncSettings(
    launchpad_projects=("manila",),
    gerrit_projects=("openstack/manila",),
    overlap=timedelta(minutes=10),
    batch_size=2,
)


@pytest.fixture
def gerrit() -> FakeGerritSource:
    """Five manila changes an hour apart and one governance change (referenced)."""
    manila = [change(745200 + i, "openstack/manila", T0 + timedelta(hours=i)) for i in range(5)]
    return FakeGerritSource([*manila, change(758868, "openstack/governance", T0, "MERGED")])


@pytest.fixture
def launchpad() -> FakeLaunchpadSource:
    """Bug 1855391 with one manila task."""
    task = BugTask(1855391, "manila", "In Progress", "Medium", assignee="haixin")
    return FakeLaunchpadSource([Bug(1855391, "extend", tasks=(task,))])


class TestRunSync:
    """run_sync's fetch → save → cursor flow."""

    def test_first_sync(self, gerrit, launchpad) -> None:
        """A first sync fetches referenced artifacts and polls from the earliest event day."""
        store = MemoryStore({758868}, {1855391})
        report = run_sync(store, bugs=launchpad, changes=gerrit, settings=SETTINGS, now=lambda: T0)
        assert set(store.committed["changes"]) == {758868, *range(745200, 745205)}
        assert store.committed["cursors"][(SourceName.GERRIT, "projects:openstack/manila")] == (
            T0 + timedelta(hours=4)
        )
        assert store.committed["cursors"][(SourceName.LAUNCHPAD, "project:manila")] == T0
        assert gerrit.calls[1] == (
            "poll", ("openstack/manila",), datetime(2020, 10, 26, tzinfo=UTC),
        )  # fmt: skip
        assert [(s.source, s.scope, s.fetched, s.counts.inserted) for s in report.scopes] == [
            ("gerrit", "referenced", 1, 1),
            ("gerrit", "projects:openstack/manila", 5, 5),
            ("launchpad", "referenced", 1, 1),
            ("launchpad", "project:manila", 1, 1),
        ]
        assert (report.failed, report.changed) == (False, True)

    def test_resync_fetches_only_what_changed(self, gerrit, launchpad) -> None:
        """A re-sync skips known referenced artifacts and polls from cursor - overlap."""
        store = MemoryStore({758868}, {1855391})
        run_sync(store, bugs=launchpad, changes=gerrit, settings=SETTINGS, now=lambda: T0)
        gerrit.calls.clear()
        launchpad.calls.clear()
        later = T0 + timedelta(days=1)
        report = run_sync(
            store, bugs=launchpad, changes=gerrit, settings=SETTINGS, now=lambda: later
        )
        assert gerrit.calls == [
            ("poll", ("openstack/manila",), T0 + timedelta(hours=4) - timedelta(minutes=10))
        ]
        assert launchpad.calls == [("search", "manila", T0 - timedelta(minutes=10))]
        assert report.scopes[0].skipped == "all known or polled"
        assert report.changed is False

    def test_failure_keeps_cursor_at_last_committed_batch(self, gerrit) -> None:
        """A failure in the third batch leaves the cursor at the second batch's newest change."""
        store = MemoryStore()
        store.fail_on_save_call = 3
        report = run_sync(store, bugs=None, changes=gerrit, settings=SETTINGS, now=lambda: T0)
        assert report.failed
        assert "simulated failure" in report.scopes[1].error
        assert store.committed["cursors"][(SourceName.GERRIT, "projects:openstack/manila")] == (
            T0 + timedelta(hours=3)
        )
        assert set(store.committed["changes"]) == set(range(745200, 745204))

    def test_remote_error_in_one_scope_does_not_stop_the_next(self, gerrit, launchpad) -> None:
        """Gerrit failing is reported; Launchpad still syncs."""
        gerrit.fail = True
        store = MemoryStore(set(), {1855391})
        report = run_sync(store, bugs=launchpad, changes=gerrit, settings=SETTINGS, now=lambda: T0)
        assert [s.error for s in report.scopes] == [None, "Gerrit returned 503", None, None]
        assert set(store.committed["bugs"]) == {1855391}

    def test_dry_run_writes_nothing(self, gerrit, launchpad) -> None:
        """A dry run reports what would change and keeps nothing."""
        store = MemoryStore({758868}, {1855391})
        report = run_sync(
            store, bugs=launchpad, changes=gerrit, settings=SETTINGS, dry_run=True, now=lambda: T0
        )
        assert report.changed
        assert report.dry_run
        assert store.committed == {"changes": {}, "tasks": {}, "bugs": {}, "cursors": {}}

    def test_full_ignores_cursors(self, gerrit, launchpad) -> None:
        """--full polls from the start of history and refetches referenced artifacts."""
        store = MemoryStore({758868}, {1855391})
        run_sync(store, bugs=launchpad, changes=gerrit, settings=SETTINGS, now=lambda: T0)
        gerrit.calls.clear()
        run_sync(store, bugs=None, changes=gerrit, settings=SETTINGS, full=True, now=lambda: T0)
        assert gerrit.calls == [
            ("get", (758868,)),
            ("poll", ("openstack/manila",), datetime(2020, 10, 26, tzinfo=UTC)),
        ]
