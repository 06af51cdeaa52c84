"""The sync engine against in-memory sources and an in-memory store."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from syncsvc.domain import (
    Account,
    Bug,
    BugComments,
    BugMessage,
    BugTask,
    Change,
    ChangeStatus,
    SaveCounts,
    SourceName,
)
from syncsvc.errors import RemoteUnavailableError
from syncsvc.sync.engine import SyncSettings, run_sync

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
        self.committed = {
            "changes": {}, "tasks": {}, "bugs": {}, "cursors": {}, "comments": {}, "linked": set(),
        }  # fmt: skip
        self.pending = copy.deepcopy(self.committed)
        self.commits = 0
        self.fail_on_save_call: int | None = None
        self.save_calls = 0

    def referenced_bugs(self) -> set[int]:
        return self.refs_bugs | self.committed["linked"]

    def referenced_changes(self) -> set[int]:
        return set(self.refs_changes)

    def known_changes(self, numbers: Iterable[int]) -> dict[int, tuple[str, str]]:
        got = self.committed["changes"]
        return {n: (got[n].project, str(got[n].status)) for n in numbers if n in got}

    def known_bugs(self, ids: Iterable[int]) -> dict[int, tuple[frozenset[str], bool]]:
        tasks: dict[int, dict[str, BugTask]] = {}
        for bug in self.committed["bugs"].values():  # a searched task stores its bug too
            tasks.setdefault(bug.bug_id, {}).update((t.target, t) for t in bug.tasks)
        for (bug_id, target), task in self.committed["tasks"].items():
            tasks.setdefault(bug_id, {})[target] = task
        return {
            b: (
                frozenset(tasks[b]),
                bool(tasks[b]) and all(t.is_complete for t in tasks[b].values()),
            )
            for b in ids
            if b in tasks
        }

    def earliest_event_day(self) -> datetime | None:
        return datetime(2020, 10, 26, tzinfo=UTC)

    def cursor(self, source: SourceName, scope: str) -> datetime | None:
        return self.committed["cursors"].get((source, scope))

    def comment_dates(self, ids: Iterable[int]) -> dict[int, datetime]:
        got = self.committed["comments"]
        return {b: got[b].date_last_message for b in ids if b in got and got[b].date_last_message}

    def unsynced_comment_bugs(self, ids: Iterable[int]) -> set[int]:
        stored = set(self.committed["bugs"]) | {b for b, _ in self.committed["tasks"]}
        return {b for b in ids if b in stored and b not in self.committed["comments"]}

    def save_bug_comments(self, found: Sequence[BugComments], *, observed_at) -> SaveCounts:
        counts = SaveCounts()
        for check in (c for c in found if c.visible):
            old = self.pending["comments"].get(check.bug_id)
            if check.fetched or old is None:
                self.pending["comments"][check.bug_id] = check
            if check.fetched:
                before = set(old.messages) if old else set()
                counts += SaveCounts(inserted=len(set(check.messages) - before))
        return counts

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
    """Bugs, tasks and comments held in memory; records the calls made."""

    def __init__(self, bugs: list[Bug], comments: Mapping[int, list[BugMessage]] | None = None):
        self.bugs = {b.bug_id: b for b in bugs}
        self.comments = dict(comments or {})
        self.calls: list[tuple] = []
        self.fail_comments = False

    def get_bug_comments(
        self, ids: Iterable[int], *, known: Mapping[int, datetime], pattern: re.Pattern[str] | None
    ) -> Iterator[BugComments]:
        ids = list(ids)
        self.calls.append(("comments", tuple(ids), dict(known)))
        if self.fail_comments:
            raise RemoteUnavailableError("Launchpad returned 503")
        found = []
        for bug_id in ids:
            last = self.bugs[bug_id].date_last_message
            if last is None or (bug_id in known and last <= known[bug_id]):
                found.append(BugComments(bug_id, last))
                continue
            kept = [m for m in self.comments.get(bug_id, []) if pattern is None or
                    pattern.search(m.subject) or pattern.search(m.content)]  # fmt: skip
            found.append(BugComments(bug_id, last, tuple(kept), fetched=True))
        return iter(found)

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
        # The search returned the referenced (tracked) bug: one comment check, nothing newer.
        assert launchpad.calls == [
            ("search", "manila", T0 - timedelta(minutes=10)),
            ("comments", (1855391,), {}),
        ]
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
        assert store.committed == {
            "changes": {}, "tasks": {}, "bugs": {}, "cursors": {}, "comments": {}, "linked": set(),
        }  # fmt: skip

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


FIX_PROPOSED = BugMessage(
    1855391, "hudson-openstack", T0 - timedelta(days=3), "Fix proposed to manila (master)",
    "Fix proposed to branch: master\nReview: https://review.opendev.org/745206", number=1,
)  # fmt: skip
CHAT = BugMessage(1855391, "gouthamr", T0 - timedelta(days=2), "Re: extend", "Any news?", number=2)
NO_POLL = replace(SETTINGS, launchpad_projects=())


@pytest.fixture
def commented() -> FakeLaunchpadSource:
    """Referenced bug 1855391 with two comments, and unreferenced bug 1900001 with one."""
    tracked = Bug(1855391, "extend", tasks=(BugTask(1855391, "manila", "In Progress", "Medium"),),
                  date_last_message=T0 - timedelta(days=2), message_count=3)  # fmt: skip
    other = Bug(1900001, "other", tasks=(BugTask(1900001, "manila", "New", "Low"),),
                date_last_message=T0, message_count=2)  # fmt: skip
    other_fix = replace(FIX_PROPOSED, bug_id=1900001)
    return FakeLaunchpadSource(
        [tracked, other], {1855391: [FIX_PROPOSED, CHAT], 1900001: [other_fix]}
    )


class TestComments:
    """Comments of tracked bugs: read when date_last_message moved, saved with the batch."""

    def test_first_sync_reads_tracked_bugs_once(self, commented) -> None:
        """The referenced bug's Gerrit-hook comments are kept; the untracked bug is never read."""
        store = MemoryStore(set(), {1855391})
        report = run_sync(store, bugs=commented, changes=None, settings=SETTINGS, now=lambda: T0)
        assert [c for c in commented.calls if c[0] == "comments"] == [("comments", (1855391,), {})]
        assert store.committed["comments"] == {
            1855391: BugComments(1855391, T0 - timedelta(days=2), (FIX_PROPOSED,), fetched=True)
        }
        assert [(s.scope, s.comments.inserted) for s in report.scopes] == [
            ("referenced", 1),
            ("project:manila", 0),
        ]

    def test_unchanged_date_costs_nothing_and_a_new_comment_is_read(self, commented) -> None:
        """An unmoved date_last_message costs no check; a moved one reads the comments again."""
        store = MemoryStore(set(), {1855391})
        run_sync(store, bugs=commented, changes=None, settings=NO_POLL, now=lambda: T0)
        commented.calls.clear()
        run_sync(store, bugs=commented, changes=None, settings=NO_POLL, now=lambda: T0)
        assert commented.calls == [("get", (1855391,))]
        newer = replace(FIX_PROPOSED, date=T0, number=3, subject="Fix merged to manila (master)")
        commented.comments[1855391].append(newer)
        commented.bugs[1855391] = replace(commented.bugs[1855391], date_last_message=T0)
        commented.calls.clear()
        report = run_sync(store, bugs=commented, changes=None, settings=NO_POLL, now=lambda: T0)
        assert commented.calls[1] == ("comments", (1855391,), {1855391: T0 - timedelta(days=2)})
        assert store.committed["comments"][1855391].messages == (FIX_PROPOSED, newer)
        assert report.scopes[0].comments.inserted == 1
        assert report.changed

    def test_failed_check_leaves_batch_and_cursor_uncommitted(self, commented) -> None:
        """A remote failure while reading comments fails the scope before its batch is saved."""
        store = MemoryStore(set(), {1855391})
        commented.fail_comments = True
        report = run_sync(store, bugs=commented, changes=None, settings=SETTINGS, now=lambda: T0)
        assert [s.error for s in report.scopes] == ["Launchpad returned 503"] * 2
        assert store.committed["bugs"] == store.committed["tasks"] == {}
        assert store.committed["cursors"] == {}

    def test_catch_up_checks_linked_bugs_never_synced(self, commented) -> None:
        """A closed bug linked after it was stored is checked once in the "comments" scope."""
        store = MemoryStore()
        run_sync(store, bugs=commented, changes=None, settings=SETTINGS, now=lambda: T0)
        assert commented.calls == [("search", "manila", datetime(2020, 10, 26, tzinfo=UTC))]
        store.committed["linked"] = {1900001}
        # Fixed meanwhile, so the referenced scope has no reason to read the bug again.
        task = store.committed["tasks"][1900001, "manila"]
        fixed = replace(task, status="Fix Released", is_complete=True)
        store.committed["tasks"][1900001, "manila"] = fixed
        commented.calls.clear()
        report = run_sync(store, bugs=commented, changes=None, settings=NO_POLL, now=lambda: T0)
        assert commented.calls == [("comments", (1900001,), {})]
        assert [(s.scope, s.fetched, s.comments.inserted) for s in report.scopes] == [
            ("referenced", 0, 0),
            ("comments", 1, 1),
        ]
        commented.calls.clear()
        run_sync(store, bugs=commented, changes=None, settings=NO_POLL, now=lambda: T0)
        assert commented.calls == []

    def test_dry_run_reads_but_keeps_no_comment(self, commented) -> None:
        """A dry run reports the comments it would save and commits none."""
        store = MemoryStore(set(), {1855391})
        report = run_sync(
            store, bugs=commented, changes=None, settings=SETTINGS, dry_run=True, now=lambda: T0
        )
        assert report.scopes[0].comments.inserted == 1
        assert store.committed["comments"] == {}
