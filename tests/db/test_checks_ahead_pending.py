"""Comment checks started ahead for bugs that a search still under way returns: the
checks start when the search returns them (on the thread that finished it), once each,
never after the run ended or from a failed search, and a search that ends while the
checks are being started is not missed.

The database is the shared ``db_url`` one: SQLite always, PostgreSQL when configured.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import replace

import pytest
from sqlalchemy.orm import Session
from test_checks_ahead import CLOSED, ELSEWHERE, RELATED, CheckingAheadSource, _bug
from test_sync_engine import PTG_DAY, SETTINGS, T0
from test_sync_engine import change as make_change

from syncsvc.domain import ActionItem, BugTask, Event, Footers, Ref, RefKind, Topic
from syncsvc.errors import RemoteUnavailableError
from syncsvc.models.sync_store import SqlSyncStore
from syncsvc.sync.engine import _Run
from syncsvc.sync.tracked import ChecksAhead
from syncsvc.testing.storage import save_event


@pytest.fixture
def run(session: Session) -> _Run:
    """A run on a store whose commitment names change 745300, saved (and so noted for the
    next relink): its footers close CLOSED and ELSEWHERE and relate to RELATED."""
    ref = Ref(RefKind.CHANGE, "745300", "https://review.opendev.org/745300")
    action = ActionItem(text="Land https://review.opendev.org/745300", refs=(ref,))
    topic = Topic(title="Follow-ups", day=PTG_DAY, actions=(action,))
    event = Event("manila", "wallaby", "Manila Wallaby PTG", days=(PTG_DAY,), topics=(topic,))
    save_event(session, event, source_digest="0" * 64, now=T0)
    store = SqlSyncStore(session)
    named = replace(
        make_change(745300, "openstack/manila", T0),
        footers=Footers(closes_bug=(str(CLOSED), str(ELSEWHERE)), related_bug=(str(RELATED),)),
    )
    store.save_changes([named], observed_at=T0)
    store.commit()
    return _Run(
        store=store, settings=SETTINGS, full=False, dry_run=False, now=lambda: T0,
        progress=lambda _m: None, stop=lambda: False,
    )  # fmt: skip


@pytest.fixture
def source() -> CheckingAheadSource:
    """Starts comment checks ahead, each logged; CLOSED and RELATED exist, neither stored."""
    return CheckingAheadSource([_bug(CLOSED, 2), _bug(RELATED, 1)], [])


def _tasks(*bug_ids: int) -> list[BugTask]:
    return [BugTask(b, "manila", "In Progress", "Medium") for b in bug_ids]


def test_the_check_starts_when_the_search_returns_the_bug(run, source) -> None:
    """No check starts while the search is under way (CLOSED is not stored); when it returns
    CLOSED and RELATED, CLOSED's check starts (a strong footer), RELATED's does not."""
    search: Future[list[BugTask]] = Future()
    with ChecksAhead() as checks:
        checks.start(run, source, [], [search])
        assert (source.calls, checks.started) == ([], {})
        search.set_result(_tasks(CLOSED, RELATED))
        assert source.calls == [("comments-ahead", (CLOSED,))]
        assert list(checks.started) == [CLOSED]
        assert checks.take([CLOSED], {})[CLOSED].result().bug_id == CLOSED  # its result


def test_two_searches_returning_the_bug_start_one_check(run, source) -> None:
    """A bug two searches return (one done before the start, one after) is checked once."""
    done: Future[list[BugTask]] = Future()
    done.set_result(_tasks(CLOSED))
    later: Future[list[BugTask]] = Future()
    with ChecksAhead() as checks:
        checks.start(run, source, [], [done, later])
        later.set_result(_tasks(CLOSED))
        assert source.calls == [("comments-ahead", (CLOSED,))]
        assert list(checks.started) == [CLOSED]


def test_a_failed_search_starts_nothing(run, source) -> None:
    """A search that failed names no bug: no check starts (its scope reports the error)."""
    search: Future[list[BugTask]] = Future()
    with ChecksAhead() as checks:
        checks.start(run, source, [], [search])
        search.set_exception(RemoteUnavailableError("Launchpad returned 503"))
        assert (source.calls, checks.started) == ([], {})


def test_a_search_that_returns_after_the_run_starts_nothing(run, source) -> None:
    """Once the run's checks are closed (the source may be closed next), a search that
    returns late starts no read."""
    search: Future[list[BugTask]] = Future()
    with ChecksAhead() as checks:
        checks.start(run, source, [], [search])
    search.set_result(_tasks(CLOSED))
    assert (source.calls, checks.started, checks.closed) == ([], {}, True)


def test_a_tracked_bug_is_not_started(run, source) -> None:
    """A bug the sync already tracks is checked during the sync, not ahead."""
    search: Future[list[BugTask]] = Future()
    with ChecksAhead() as checks:
        checks.start(run, source, [CLOSED], [search])
        search.set_result(_tasks(CLOSED))
        assert (source.calls, checks.started) == ([], {})


class _EndsWhileLookedAt(Future):  # type: ignore[type-arg]
    """A search that ends just after start() first asks whether it is done: done()
    answers False once, though the result is already set."""

    def __init__(self, tasks: list[BugTask]) -> None:
        super().__init__()
        self.set_result(tasks)
        self.asked = 0

    def done(self) -> bool:
        self.asked += 1
        return self.asked > 1 and super().done()


def test_a_search_ending_while_start_looks_is_not_missed(run, source) -> None:
    """A search that ends while start() sorts the searches is caught by its callback
    (run at once on a finished future): CLOSED's check starts, once."""
    search = _EndsWhileLookedAt(_tasks(CLOSED))
    with ChecksAhead() as checks:
        checks.start(run, source, [], [search])
        assert source.calls == [("comments-ahead", (CLOSED,))]
        assert list(checks.started) == [CLOSED]
