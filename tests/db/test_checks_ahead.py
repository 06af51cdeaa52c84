"""Reads started before their turn: comment checks before the relink (ChecksAhead),
started once Gerrit is polled for the bugs a named change's footers close and written
only when linked-comments takes them; and referenced bugs' entries started by the search
that returns them (EntriesStarted), taken by the search's batch.

The database is the shared ``db_url`` one: SQLite always, PostgreSQL when configured.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from test_sync_engine import (
    FIX_PROPOSED,
    PTG_DAY,
    SETTINGS,
    T0,
    AheadLaunchpadSource,
    FakeGerritSource,
    committed,
    link_bug,
)
from test_sync_engine import change as make_change

from syncsvc.domain import (
    ActionItem,
    Bug,
    BugComments,
    BugTask,
    Change,
    Event,
    Footers,
    Ref,
    RefKind,
    Topic,
)
from syncsvc.errors import RemoteUnavailableError
from syncsvc.models.relink_pending import clear_pending, load_pending
from syncsvc.models.sync_store import SqlSyncStore
from syncsvc.sync.engine import ScopeReport, run_linked_comments, run_sync
from syncsvc.sync.tracked import ChecksAhead, EntriesStarted
from syncsvc.testing.storage import save_event

CLOSED = 1900001  # closed by the named change's footer: its check starts early
RELATED = 1900002  # only related to it: a weak edge, not started early
ELSEWHERE = 1900003  # closed by it but in no polled project and not stored: not started
START = datetime(2020, 10, 26, tzinfo=UTC)


class CheckingAheadSource(AheadLaunchpadSource):
    """Starts searches and comment checks ahead; the checks' futures hold what
    ``get_bug_comments`` (with nothing known) returns, or ``fail_ahead``'s error."""

    fail_ahead = False

    def comments_ahead(
        self, ids: Iterable[int], *, pattern: re.Pattern[str] | None = None
    ) -> dict[int, Future[BugComments]]:
        """Log the call; each future holds its bug's check or the 503."""
        ids = list(ids)
        self.calls.append(("comments-ahead", tuple(ids)))
        started: dict[int, Future[BugComments]] = {}
        for bug_id in ids:
            future: Future[BugComments] = Future()
            if self.fail_ahead:
                future.set_exception(RemoteUnavailableError("Launchpad returned 503"))
            else:
                calls, self.calls = self.calls, []  # read as the adapter would, unlogged
                [check] = super().get_bug_comments([bug_id], known={}, pattern=pattern)
                self.calls = calls
                future.set_result(check)
            started[bug_id] = future
        return started


def _bug(bug_id: int, messages: int) -> Bug:
    task = BugTask(bug_id, "manila", "In Progress", "Medium")
    return Bug(bug_id, f"bug {bug_id}", tasks=(task,), date_last_message=T0, message_count=messages)


@pytest.fixture
def sources() -> tuple[FakeGerritSource, CheckingAheadSource]:
    """Change 745300 (named by the commitment) closes CLOSED and ELSEWHERE and relates to
    RELATED; CLOSED has a Gerrit-hook comment; every call goes to one log."""
    named: Change = replace(
        make_change(745300, "openstack/manila", T0),
        footers=Footers(closes_bug=(str(CLOSED), str(ELSEWHERE)), related_bug=(str(RELATED),)),
    )
    gerrit = FakeGerritSource([named])
    fix = replace(FIX_PROPOSED, bug_id=CLOSED)
    launchpad = CheckingAheadSource([_bug(CLOSED, 2), _bug(RELATED, 1)], gerrit.calls)
    launchpad.comments = {CLOSED: [fix]}
    return gerrit, launchpad


@pytest.fixture
def store(session: Session) -> SqlSyncStore:
    """The real store on a database whose one commitment names change 745300 (committed)."""
    ref = Ref(RefKind.CHANGE, "745300", "https://review.opendev.org/745300")
    action = ActionItem(text="Land https://review.opendev.org/745300", refs=(ref,))
    topic = Topic(title="Follow-ups", day=PTG_DAY, actions=(action,))
    event = Event("manila", "wallaby", "Manila Wallaby PTG", days=(PTG_DAY,), topics=(topic,))
    save_event(session, event, source_digest="0" * 64, now=T0)
    session.commit()
    return SqlSyncStore(session)


def _first_sync(store, gerrit, launchpad, checks: ChecksAhead | None):
    return run_sync(store, bugs=launchpad, changes=gerrit, settings=SETTINGS, now=lambda: T0,
                    read_ahead=True, checks=checks)  # fmt: skip


def _assert_closed_checked(report: ScopeReport | None, engine: Engine) -> None:
    """linked-comments checked CLOSED once and stored its one comment."""
    assert report is not None
    assert (report.scope, report.fetched, report.comments.inserted) == (
        "linked-comments", 1, 1,
    )  # fmt: skip
    fix = replace(FIX_PROPOSED, bug_id=CLOSED)
    assert committed(engine)["comments"] == {CLOSED: BugComments(CLOSED, T0, (fix,), fetched=True)}


class TestChecksAhead:
    """What the linked-comments scope would check after the relink starts before it."""

    def test_started_after_the_gerrit_poll_and_written_only_when_taken(
        self, sources, store, engine, session
    ) -> None:
        """Only CLOSED's check starts (a strong footer of a named change, returned by the
        search), right after the Gerrit poll; nothing of it is written by the sync; once
        the bug is linked, linked-comments takes it instead of reading it again."""
        gerrit, launchpad = sources
        with ChecksAhead() as checks:
            _first_sync(store, gerrit, launchpad, checks)
            assert gerrit.calls == [
                ("ahead", "manila", START),
                ("poll", ("openstack/manila",), START),
                ("comments-ahead", (CLOSED,)),
            ]
            assert committed(engine)["comments"] == {}
            link_bug(session, CLOSED)
            gerrit.calls.clear()
            report = run_linked_comments(store, launchpad, settings=SETTINGS, now=lambda: T0,
                                         ahead=checks)  # fmt: skip
            assert checks.started == {}
        assert gerrit.calls == []  # taken: no request of its own
        _assert_closed_checked(report, engine)

    def test_the_same_rows_and_report_as_checks_in_turn(
        self, sources, store, engine, session
    ) -> None:
        """A run without checks started ahead reads CLOSED in the linked-comments scope and
        stores the same comments, with the same scope report."""
        gerrit, launchpad = sources
        _first_sync(store, gerrit, launchpad, None)
        assert ("comments-ahead", (CLOSED,)) not in gerrit.calls
        link_bug(session, CLOSED)
        gerrit.calls.clear()
        report = run_linked_comments(store, launchpad, settings=SETTINGS, now=lambda: T0)
        assert gerrit.calls == [("comments", (CLOSED,), {})]
        _assert_closed_checked(report, engine)

    def test_a_check_not_wanted_is_dropped_unwritten(self, sources, store, engine) -> None:
        """The relink did not link CLOSED: linked-comments has nothing to check, and the
        check started ahead is dropped when the run ends, its comments never stored."""
        gerrit, launchpad = sources
        with ChecksAhead() as checks:
            _first_sync(store, gerrit, launchpad, checks)
            report = run_linked_comments(store, launchpad, settings=SETTINGS, now=lambda: T0,
                                         ahead=checks)  # fmt: skip
            assert report is None
            assert list(checks.started) == [CLOSED]
        assert checks.started == {}
        assert committed(engine)["comments"] == {}

    def test_a_failed_check_fails_linked_comments_in_its_turn(
        self, sources, store, engine, session
    ) -> None:
        """A check that failed ahead fails nothing during the sync; linked-comments, which
        takes it, reports the error and marks nothing, as a failed read in turn does."""
        gerrit, launchpad = sources
        launchpad.fail_ahead = True
        with ChecksAhead() as checks:
            sync = _first_sync(store, gerrit, launchpad, checks)
            assert not sync.failed
            link_bug(session, CLOSED)
            report = run_linked_comments(store, launchpad, settings=SETTINGS, now=lambda: T0,
                                         ahead=checks)  # fmt: skip
        assert report is not None
        assert (report.scope, report.error) == ("linked-comments", "Launchpad returned 503")
        assert committed(engine)["comments"] == {}

    def test_already_checked_bugs_are_not_started(self, sources, store, engine, session) -> None:
        """A second sync starts nothing: CLOSED's comments were synced by the first."""
        gerrit, launchpad = sources
        with ChecksAhead() as checks:
            _first_sync(store, gerrit, launchpad, checks)
            link_bug(session, CLOSED)
            run_linked_comments(store, launchpad, settings=SETTINGS, now=lambda: T0, ahead=checks)
        gerrit.calls.clear()
        with ChecksAhead() as checks:
            _first_sync(store, gerrit, launchpad, checks)
            assert checks.started == {}
        assert [c for c in gerrit.calls if c[0] == "comments-ahead"] == []
        assert committed(engine)["linked"] == {CLOSED}

    def test_only_changes_the_relink_will_look_at_are_read(
        self, sources, store, engine, session
    ) -> None:
        """Once a relink has covered change 745300 (its note deleted) and it did not move, the
        next sync starts no check, though CLOSED's comments were never checked: the relink
        has nothing new to link there."""
        gerrit, launchpad = sources
        with ChecksAhead() as checks:
            _first_sync(store, gerrit, launchpad, checks)
            assert list(checks.started) == [CLOSED]
        clear_pending(session, load_pending(session))  # what the relink does
        session.commit()
        gerrit.calls.clear()
        with ChecksAhead() as checks:
            _first_sync(store, gerrit, launchpad, checks)
            assert checks.started == {}
        assert [c for c in gerrit.calls if c[0] == "comments-ahead"] == []
        assert committed(engine)["comments"] == {}


def test_a_bug_two_searches_return_has_its_entry_started_once() -> None:
    """A bug whose tasks two searches return has one entry read, even when the second
    search ends after the first one's batch took it."""
    source = EntriesAheadSource([_bug(CLOSED, 1)], [])
    entries = EntriesStarted(source, frozenset({CLOSED}))
    task = BugTask(CLOSED, "manila", "In Progress", "Medium")
    entries.returned([task])
    taken = entries.take([CLOSED])
    entries.returned([replace(task, target="python-manilaclient")])
    assert source.calls == [("entries-ahead", (CLOSED,))]
    assert (list(taken), entries.started) == ([CLOSED], {})


def test_known_dates_keep_a_check_from_being_taken() -> None:
    """take() hands over only checks of bugs with no known date (how they were started)."""
    started: dict[int, Future[BugComments]] = {1: Future(), 2: Future()}
    checks = ChecksAhead(dict(started))
    taken = checks.take([1, 2, 3], {2: T0 - timedelta(days=1)})
    assert list(taken) == [1]
    assert list(checks.started) == [2]


class EntriesAheadSource(CheckingAheadSource):
    """Also reads bug entries alone, and starts them ahead (EntriesAhead); a search started
    ahead hands its tasks to ``then`` before its future holds them."""

    def get_bug_entries(self, ids: Iterable[int]) -> Iterator[Bug]:
        """Log the call; each bug without its tasks (an entry does not carry them)."""
        ids = list(ids)
        self.calls.append(("entries", tuple(ids)))
        return iter([replace(self.bugs[i], tasks=()) for i in ids])

    def entries_ahead(self, ids: Iterable[int]) -> dict[int, Future[Bug]]:
        """Log the call; each future holds the bug's entry."""
        ids = list(ids)
        self.calls.append(("entries-ahead", tuple(ids)))
        started: dict[int, Future[Bug]] = {}
        for bug_id in ids:
            started[bug_id] = Future()
            started[bug_id].set_result(replace(self.bugs[bug_id], tasks=()))
        return started

    def search_tasks_ahead(self, project, *, modified_since, then=None) -> Future[list[BugTask]]:
        """Start the search; ``then`` sees its tasks first."""
        search = super().search_tasks_ahead(project, modified_since=modified_since)
        if then is not None and search.exception() is None:
            then(search.result())
        return search

    def search_tasks(
        self, project, *, modified_since, tags=(), statuses=(), omit_duplicates=True
    ) -> Iterator[BugTask]:
        """Search as the base fake does (the open-bug options are accepted)."""
        return super().search_tasks(project, modified_since=modified_since, tags=tags)


class TestEntriesStarted:
    """A referenced bug a search started ahead returns has its entry started by the search."""

    @pytest.mark.parametrize("ahead", [True, False])
    def test_the_entry_starts_with_the_search_and_the_batch_takes_it(
        self, sources, session, engine, ahead
    ) -> None:
        """The commitment names bug CLOSED: the manila search started ahead starts its entry
        before the Gerrit poll, and the search's batch saves it without reading it; the
        rows and the report are those of a sync that reads the entry in the batch."""
        gerrit, _ = sources
        launchpad = EntriesAheadSource([_bug(CLOSED, 2), _bug(RELATED, 1)], gerrit.calls)
        ref = Ref(RefKind.BUG, str(CLOSED), f"https://bugs.launchpad.net/bugs/{CLOSED}")
        action = ActionItem(text=f"Fix bug {CLOSED}", refs=(ref,))
        topic = Topic(title="Bugs", day=PTG_DAY, actions=(action,))
        event = Event("manila", "wallaby", "Manila Wallaby PTG", days=(PTG_DAY,), topics=(topic,))
        save_event(session, event, source_digest="1" * 64, now=T0)
        session.commit()
        store = SqlSyncStore(session)
        report = run_sync(store, bugs=launchpad, changes=gerrit, settings=SETTINGS,
                          now=lambda: T0, read_ahead=ahead)  # fmt: skip
        poll = ("poll", ("openstack/manila",), START)
        comments = ("comments", (CLOSED,), {})  # its entry says it has comments
        assert gerrit.calls == (
            [("ahead", "manila", START), ("entries-ahead", (CLOSED,)), poll, comments]
            if ahead
            else [poll, ("search", "manila", START), ("entries", (CLOSED,)), comments]
        )
        held = committed(engine)
        stored = held["bugs"][CLOSED]
        assert (stored.title, stored.date_last_message, stored.tasks) == (
            f"bug {CLOSED}", T0, (BugTask(CLOSED, "manila", "In Progress", "Medium"),),
        )  # fmt: skip
        assert [(s.scope, s.fetched, s.counts.inserted, s.error) for s in report.scopes] == [
            ("projects:openstack/manila", 1, 1, None),
            ("referenced", 0, 0, None),
            ("project:manila", 2, 2, None),
            ("referenced", 0, 0, None),
        ]
