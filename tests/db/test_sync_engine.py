"""The sync engine against in-memory sources and the real store (SqlSyncStore).

The database is the shared ``db_url`` one: SQLite always, PostgreSQL when configured.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from syncsvc.domain import (
    Account,
    ActionItem,
    Bug,
    BugComments,
    BugMessage,
    BugTask,
    Change,
    ChangeStatus,
    Day,
    Event,
    LinkKind,
    LinkStatus,
    Ref,
    RefKind,
    SaveCounts,
    SourceName,
    Topic,
)
from syncsvc.errors import RemoteUnavailableError
from syncsvc.models.comment_store import stored_messages
from syncsvc.models.link_store import confirmed_ids, set_link_status
from syncsvc.models.repo import list_actions
from syncsvc.models.sync_store import SqlSyncStore, get_bug
from syncsvc.models.sync_tables import BugRow, BugTaskRow, ChangeRow, SyncStateRow
from syncsvc.sync.engine import SyncSettings, run_sync
from syncsvc.testing.storage import save_event

T0 = datetime(2020, 11, 2, 12, 0, tzinfo=UTC)
PTG_DAY = Day("Day 1 - Oct 26, 2020, Mon", date(2020, 10, 26))


def change(number: int, project: str, updated: datetime, status: str = "NEW") -> Change:
    """A minimal change record."""
    return Change(
        number=number, project=project, branch="master", subject=f"change {number}",
        status=ChangeStatus(status), owner=Account(1, "tbarron"), created=updated, updated=updated,
    )  # fmt: skip


def committed(engine: Engine) -> dict[str, Any]:
    """What the database holds as committed, read through a session of its own.

    changes, bugs and tasks by their keys; cursors by (source, scope); comments as
    the check they were synced from (bug id → ``BugComments(..., fetched=True)``);
    linked: the bug ids an action has a confirmed link to.
    """
    with Session(engine) as session:
        bugs = {row.bug_id: row for row in session.scalars(select(BugRow))}
        tasks = {(t.bug_id, t.target): t.to_record() for t in session.scalars(select(BugTaskRow))}
        messages: dict[int, list[BugMessage]] = {}
        for message in stored_messages(session):
            messages.setdefault(message.bug_id, []).append(message)
        return {
            "changes": {row.number: row.to_record() for row in session.scalars(select(ChangeRow))},
            "tasks": tasks,
            "bugs": {b: get_bug(session, b) for b in bugs},
            "cursors": {
                (row.source, row.scope): row.last_seen_updated
                for row in session.scalars(select(SyncStateRow))
            },
            "comments": {
                b: BugComments(b, row.date_last_message, tuple(messages.get(b, ())), fetched=True)
                for b, row in bugs.items()
                if row.comments_synced_at is not None
            },
            "linked": confirmed_ids(session, LinkKind.BUG),
        }


class FailingStore(SqlSyncStore):
    """The real store, whose ``fail_on_save_call``-th ``save_changes`` call fails."""

    def __init__(self, session: Session, fail_on_save_call: int) -> None:
        super().__init__(session)
        self.fail_on_save_call, self.save_calls = fail_on_save_call, 0

    def save_changes(self, changes: Sequence[Change], *, observed_at: datetime) -> SaveCounts:
        """Count the call; fail the chosen one before anything is written."""
        self.save_calls += 1
        if self.save_calls == self.fail_on_save_call:
            raise RemoteUnavailableError("simulated failure while saving")
        return super().save_changes(changes, observed_at=observed_at)


@pytest.fixture
def store_for(session: Session) -> Callable[..., SqlSyncStore]:
    """The real store on a database holding one event dated 2020-10-26, whose one action
    references the given change numbers and bug ids (committed)."""

    def make(
        changes_ref: Iterable[int] = (),
        bugs_ref: Iterable[int] = (),
        *,
        fail_on_save_call: int | None = None,
    ) -> SqlSyncStore:
        refs = [Ref(RefKind.CHANGE, str(n), f"https://review.opendev.org/{n}") for n in changes_ref]
        refs += [Ref(RefKind.BUG, str(b), f"https://bugs.launchpad.net/bugs/{b}") for b in bugs_ref]
        action = ActionItem(text="Follow up on the listed reviews and bugs", refs=tuple(refs))
        topic = Topic(title="Follow-ups", day=PTG_DAY, actions=(action,))
        event = Event("manila", "wallaby", "Manila Wallaby PTG", days=(PTG_DAY,), topics=(topic,))
        save_event(session, event, source_digest="0" * 64, now=T0)
        session.commit()
        if fail_on_save_call is not None:
            return FailingStore(session, fail_on_save_call)
        return SqlSyncStore(session)

    return make


def link_bug(session: Session, bug_id: int) -> None:
    """Confirm a link from the event's action to ``bug_id`` by hand (committed)."""
    [action] = list_actions(session)
    set_link_status(session, action.id, LinkKind.BUG, str(bug_id), LinkStatus.CONFIRMED, now=T0)
    session.commit()


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

    def test_first_sync(self, gerrit, launchpad, store_for, engine) -> None:
        """A first sync fetches referenced artifacts and polls from the earliest event day."""
        store = store_for({758868}, {1855391})
        report = run_sync(store, bugs=launchpad, changes=gerrit, settings=SETTINGS, now=lambda: T0)
        assert set(committed(engine)["changes"]) == {758868, *range(745200, 745205)}
        assert committed(engine)["cursors"][(SourceName.GERRIT, "projects:openstack/manila")] == (
            T0 + timedelta(hours=4)
        )
        assert committed(engine)["cursors"][(SourceName.LAUNCHPAD, "project:manila")] == T0
        # Polls first, then what no poll returned (the governance change).
        assert gerrit.calls == [
            ("poll", ("openstack/manila",), datetime(2020, 10, 26, tzinfo=UTC)),
            ("get", (758868,)),
        ]
        assert [(s.source, s.scope, s.fetched, s.counts.inserted) for s in report.scopes] == [
            ("gerrit", "projects:openstack/manila", 5, 5),
            ("gerrit", "referenced", 1, 1),
            # The search returned the referenced bug: read whole in its batch.
            ("launchpad", "project:manila", 1, 1),
            ("launchpad", "referenced", 0, 0),
        ]
        assert (report.failed, report.changed) == (False, True)

    def test_resync_fetches_only_what_changed(self, gerrit, launchpad, store_for, engine) -> None:
        """A re-sync skips known referenced artifacts and polls from cursor - overlap."""
        store = store_for({758868}, {1855391})
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
        assert report.scopes[1].skipped == "all known or polled"
        assert report.changed is False

    def test_failure_keeps_cursor_at_last_committed_batch(self, gerrit, store_for, engine) -> None:
        """A failure in the third batch leaves the cursor at the second batch's newest change."""
        store = store_for(fail_on_save_call=3)
        report = run_sync(store, bugs=None, changes=gerrit, settings=SETTINGS, now=lambda: T0)
        assert report.failed
        assert "simulated failure" in report.scopes[0].error
        assert committed(engine)["cursors"][(SourceName.GERRIT, "projects:openstack/manila")] == (
            T0 + timedelta(hours=3)
        )
        assert set(committed(engine)["changes"]) == set(range(745200, 745204))

    def test_remote_error_in_one_scope_does_not_stop_the_next(
        self, gerrit, launchpad, store_for, engine
    ) -> None:
        """Gerrit failing is reported; Launchpad still syncs."""
        gerrit.fail = True
        store = store_for(set(), {1855391})
        report = run_sync(store, bugs=launchpad, changes=gerrit, settings=SETTINGS, now=lambda: T0)
        assert [s.error for s in report.scopes] == ["Gerrit returned 503", None, None, None]
        assert set(committed(engine)["bugs"]) == {1855391}

    def test_dry_run_writes_nothing(self, gerrit, launchpad, store_for, engine) -> None:
        """A dry run reports what would change and keeps nothing."""
        store = store_for({758868}, {1855391})
        report = run_sync(
            store, bugs=launchpad, changes=gerrit, settings=SETTINGS, dry_run=True, now=lambda: T0
        )
        assert report.changed
        assert report.dry_run
        assert committed(engine) == {
            "changes": {}, "tasks": {}, "bugs": {}, "cursors": {}, "comments": {}, "linked": set(),
        }  # fmt: skip

    def test_full_ignores_cursors(self, gerrit, launchpad, store_for, engine) -> None:
        """--full polls from the start of history and refetches referenced artifacts."""
        store = store_for({758868}, {1855391})
        run_sync(store, bugs=launchpad, changes=gerrit, settings=SETTINGS, now=lambda: T0)
        gerrit.calls.clear()
        run_sync(store, bugs=None, changes=gerrit, settings=SETTINGS, full=True, now=lambda: T0)
        assert gerrit.calls == [
            ("poll", ("openstack/manila",), datetime(2020, 10, 26, tzinfo=UTC)),
            ("get", (758868,)),
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

    def test_first_sync_reads_tracked_bugs_once(self, commented, store_for, engine) -> None:
        """The referenced bug's Gerrit-hook comments are kept; the untracked bug is never read."""
        store = store_for(set(), {1855391})
        report = run_sync(store, bugs=commented, changes=None, settings=SETTINGS, now=lambda: T0)
        assert [c for c in commented.calls if c[0] == "comments"] == [("comments", (1855391,), {})]
        assert committed(engine)["comments"] == {
            1855391: BugComments(1855391, T0 - timedelta(days=2), (FIX_PROPOSED,), fetched=True)
        }
        assert [(s.scope, s.comments.inserted) for s in report.scopes] == [
            ("project:manila", 1),
            ("referenced", 0),
        ]

    def test_unchanged_date_costs_nothing_and_a_new_comment_is_read(
        self, commented, store_for, engine
    ) -> None:
        """An unmoved date_last_message costs no check; a moved one reads the comments again."""
        store = store_for(set(), {1855391})
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
        assert committed(engine)["comments"][1855391].messages == (FIX_PROPOSED, newer)
        assert report.scopes[0].comments.inserted == 1
        assert report.changed

    def test_failed_check_leaves_batch_and_cursor_uncommitted(
        self, commented, store_for, engine
    ) -> None:
        """A remote failure while reading comments fails the scope before its batch is saved."""
        store = store_for(set(), {1855391})
        commented.fail_comments = True
        report = run_sync(store, bugs=commented, changes=None, settings=SETTINGS, now=lambda: T0)
        assert [s.error for s in report.scopes] == ["Launchpad returned 503"] * 2
        assert committed(engine)["bugs"] == committed(engine)["tasks"] == {}
        assert committed(engine)["cursors"] == {}

    def test_catch_up_checks_linked_bugs_never_synced(
        self, commented, store_for, engine, session
    ) -> None:
        """A closed bug linked after it was stored is checked once in the "comments" scope."""
        store = store_for()
        run_sync(store, bugs=commented, changes=None, settings=SETTINGS, now=lambda: T0)
        assert commented.calls == [("search", "manila", datetime(2020, 10, 26, tzinfo=UTC))]
        link_bug(session, 1900001)
        # Fixed meanwhile, so the referenced scope has no reason to read the bug again.
        task = committed(engine)["tasks"][1900001, "manila"]
        fixed = replace(task, status="Fix Released", is_complete=True)
        store.save_bug_tasks([fixed], observed_at=T0)
        store.commit()
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

    def test_dry_run_reads_but_keeps_no_comment(self, commented, store_for, engine) -> None:
        """A dry run reports the comments it would save and commits none."""
        store = store_for(set(), {1855391})
        report = run_sync(
            store, bugs=commented, changes=None, settings=SETTINGS, dry_run=True, now=lambda: T0
        )
        assert report.scopes[0].comments.inserted == 1
        assert committed(engine)["comments"] == {}


class EntryLaunchpadSource(FakeLaunchpadSource):
    """A source that can also read bug entries alone (as the Launchpad adapter can)."""

    def get_bug_entries(self, ids: Iterable[int]) -> Iterator[Bug]:
        ids = list(ids)
        self.calls.append(("entries", tuple(ids)))
        return iter([replace(self.bugs[i], tasks=()) for i in ids])

    def search_tasks(
        self, project, *, modified_since, tags=(), statuses=(), omit_duplicates=True
    ) -> Iterator[BugTask]:
        return super().search_tasks(project, modified_since=modified_since, tags=tags)


MANILA_TASK = BugTask(1855391, "manila", "In Progress", "Medium", assignee="haixin")
CLIENT_TASK = BugTask(1855391, "python-manilaclient", "New", "Low")


@pytest.fixture
def entries() -> EntryLaunchpadSource:
    """Bug 1855391 with a manila task and a task in a project nobody polls."""
    bug = Bug(
        1855391, "extend", tags=("api",), tasks=(MANILA_TASK, CLIENT_TASK),
        date_last_message=T0 - timedelta(days=1), message_count=1,
    )  # fmt: skip
    return EntryLaunchpadSource([bug])


class TestPollFirst:
    """What a poll returned is not fetched again by the referenced scope."""

    def test_referenced_change_a_poll_returned_is_not_asked_for(
        self, gerrit, store_for, engine
    ) -> None:
        """Only the referenced change outside the polled projects is asked for by number."""
        store = store_for({745202, 758868})
        run_sync(store, bugs=None, changes=gerrit, settings=SETTINGS, now=lambda: T0)
        assert gerrit.calls == [
            ("poll", ("openstack/manila",), datetime(2020, 10, 26, tzinfo=UTC)),
            ("get", (758868,)),
        ]
        assert committed(engine)["changes"][745202] == gerrit.changes[745202]

    def test_referenced_bug_a_search_returned_costs_its_entry(
        self, entries, store_for, engine
    ) -> None:
        """The bug's entry is read in the search's batch (its fields and comment date), not
        the bug and its tasks; the task in the unpolled project is left out."""
        store = store_for(set(), {1855391})
        report = run_sync(store, bugs=entries, changes=None, settings=SETTINGS, now=lambda: T0)
        assert entries.calls == [
            ("search", "manila", datetime(2020, 10, 26, tzinfo=UTC)),
            ("entries", (1855391,)),
        ]
        stored = committed(engine)["bugs"][1855391]
        assert (stored.title, stored.tags, stored.tasks) == ("extend", ("api",), (MANILA_TASK,))
        assert stored.date_last_message == T0 - timedelta(days=1)
        assert committed(engine)["comments"] == {
            1855391: BugComments(1855391, T0 - timedelta(days=1), (), fetched=True)
        }
        assert [
            (s.scope, s.fetched, s.counts.inserted, s.counts.changed) for s in report.scopes
        ] == [
            ("project:manila", 1, 1, 1),
            ("referenced", 0, 0, 0),
        ]

    def test_full_reads_the_whole_bug_in_the_search_batch(self, entries, store_for, engine) -> None:
        """--full reads the bug with all its tasks, once, where the search returned it."""
        store = store_for(set(), {1855391})
        run_sync(store, bugs=entries, changes=None, settings=SETTINGS, full=True, now=lambda: T0)
        assert entries.calls == [
            ("search", "manila", datetime(2020, 10, 26, tzinfo=UTC)),
            ("get", (1855391,)),
        ]
        tasks = committed(engine)["bugs"][1855391].tasks
        assert sorted((t.target, t.status) for t in tasks) == [
            ("manila", "In Progress"),
            ("python-manilaclient", "New"),
        ]


class AheadLaunchpadSource(FakeLaunchpadSource):
    """Starts each search ahead (ReadAhead): the search runs when asked and its future
    holds its tasks, or ``failing``'s error; calls go to a log shared with Gerrit."""

    def __init__(self, bugs: list[Bug], log: list[tuple], failing: str | None = None) -> None:
        super().__init__(bugs)
        self.calls = log
        self.failing = failing

    def search_tasks_ahead(
        self, project: str, *, modified_since: datetime | None
    ) -> Future[list[BugTask]]:
        self.calls.append(("ahead", project, modified_since))
        future: Future[list[BugTask]] = Future()
        if project == self.failing:
            future.set_exception(RemoteUnavailableError("Launchpad returned 503"))
        else:
            future.set_result(
                [t for b in self.bugs.values() for t in b.tasks if t.target == project]
            )
        return future

    def blueprints_ahead(self, project: str) -> None:
        """Blueprints are not the engine's: never started here."""
        raise AssertionError("the engine starts no blueprint read")


TWO_PROJECTS = replace(SETTINGS, launchpad_projects=("manila", "python-manilaclient"))


class TestReadAhead:
    """run_sync(read_ahead=True): every project's search starts before Gerrit is polled."""

    @pytest.fixture
    def both(self, gerrit) -> tuple[FakeGerritSource, AheadLaunchpadSource]:
        """Gerrit and a Launchpad source with a bug in each project, sharing one call log."""
        manila = BugTask(1855391, "manila", "In Progress", "Medium", assignee="haixin")
        client = BugTask(1900001, "python-manilaclient", "New", "Low")
        gerrit.calls = []
        bugs = [Bug(1855391, "extend", tasks=(manila,)), Bug(1900001, "client", tasks=(client,))]
        return gerrit, AheadLaunchpadSource(bugs, gerrit.calls)

    def test_searches_start_before_the_gerrit_poll_and_store_the_same(
        self, both, store_for, engine
    ) -> None:
        """Both searches start first (from each scope's cursor); the rows, cursors and scope
        reports are those of a sync that searches in each scope's turn."""
        gerrit, launchpad = both
        store = store_for({758868}, {1855391})
        report = run_sync(store, bugs=launchpad, changes=gerrit, settings=TWO_PROJECTS,
                          now=lambda: T0, read_ahead=True)  # fmt: skip
        start = datetime(2020, 10, 26, tzinfo=UTC)
        assert gerrit.calls == [
            ("ahead", "manila", start),
            ("ahead", "python-manilaclient", start),
            ("poll", ("openstack/manila",), start),
            ("get", (758868,)),
            ("get", (1855391,)),  # the referenced bug, read in its search's batch
        ]
        held = committed(engine)
        assert sorted(held["tasks"]) == [(1855391, "manila"), (1900001, "python-manilaclient")]
        assert held["cursors"][(SourceName.LAUNCHPAD, "project:manila")] == T0
        assert held["cursors"][(SourceName.LAUNCHPAD, "project:python-manilaclient")] == T0
        assert [(s.scope, s.fetched, s.counts.inserted, s.error) for s in report.scopes] == [
            ("projects:openstack/manila", 5, 5, None),
            ("referenced", 1, 1, None),
            ("project:manila", 1, 1, None),
            ("project:python-manilaclient", 1, 1, None),
            ("referenced", 0, 0, None),
        ]

    def test_a_failed_search_fails_its_scope_in_turn(self, both, store_for, engine) -> None:
        """The first project's search failed ahead: its scope reports the error and keeps
        no cursor; the next project is saved as usual, and the referenced bug the failed
        search would have returned is fetched whole, as after a search failed in turn."""
        gerrit, launchpad = both
        launchpad.failing = "manila"
        store = store_for(set(), {1855391})
        report = run_sync(store, bugs=launchpad, changes=gerrit, settings=TWO_PROJECTS,
                          now=lambda: T0, read_ahead=True)  # fmt: skip
        errors = {s.scope: s.error for s in report.scopes}
        assert errors["project:manila"] == "Launchpad returned 503"
        assert errors["project:python-manilaclient"] is None
        held = committed(engine)
        assert (SourceName.LAUNCHPAD, "project:manila") not in held["cursors"]
        assert sorted(held["tasks"]) == [(1855391, "manila"), (1900001, "python-manilaclient")]
        assert [c for c in gerrit.calls if c[0] == "get"] == [("get", (1855391,))]

    def test_without_read_ahead_each_search_waits_for_its_turn(
        self, both, store_for, engine
    ) -> None:
        """read_ahead off (a claimed or budgeted run): the searches follow the Gerrit poll."""
        gerrit, launchpad = both
        store = store_for(set(), set())
        run_sync(store, bugs=launchpad, changes=gerrit, settings=TWO_PROJECTS, now=lambda: T0)
        assert [c[0] for c in gerrit.calls] == ["poll", "search", "search"]
        assert sorted(committed(engine)["tasks"]) == [
            (1855391, "manila"),
            (1900001, "python-manilaclient"),
        ]
