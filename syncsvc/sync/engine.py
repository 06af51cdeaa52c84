"""The sync engine: poll Launchpad and Gerrit and store what changed.

For each source the engine (1) polls each configured project incrementally from
its cursor minus an overlap, then (2) fetches the bugs/changes that commitments
reference explicitly and that no poll covers or returned. Polling first spares a
first sync a request per referenced record that a poll returns anyway: a polled
change is stored whole, and a referenced bug a search returns has its entry read
in the search's batch (see :class:`~syncsvc.sync.tracked.Awaited`). Every write is
an upsert on the remote natural key, so overlap and re-runs never duplicate; the
store appends history rows for what really changed.

Cursors: Gerrit results are put aside in a temporary file as they come
(:mod:`syncsvc.sync.spill`), then saved oldest ``updated`` first in batches,
each batch committing its cursor in the same transaction, so a failure leaves
the cursor at the last committed batch. Launchpad's search is ordered by bug id
(stable paging), so no earlier point is safe: its cursor is the time the search
started, committed with the last batch of that project.

Bug comments (the Gerrit hook's "Fix proposed to ..." notes, evidence for links)
are kept for *tracked* bugs only: those commitments reference or are linked to
by a confirmed link. Before a Launchpad batch is written, the tracked bugs in it
whose ``date_last_message`` is later than the stored one have their comments
read (see :class:`~syncsvc.sync.tracked.Comments`), and they are saved in the
batch's transaction, so the cursor never passes a bug whose comments were not stored. A fetched bug
carries its ``date_last_message``, so an unchanged one costs no request; a
searched task does not, so a tracked bug a search returns (it changed) costs one
request to read it. Tracked bugs whose comments were never synced (a link made
after the bug was last polled, or a database from before comments were synced)
are checked once in the ``comments`` scope.

Review messages (time to first review) are read for the changes commitments are
confirmed-linked to, in the ``reviews`` scope (see :mod:`syncsvc.sync.reviews`), which
the sync service runs after the relink so that the links are fresh.

With ``open_bugs``, the ``activity`` scope then reads the Launchpad activity log of
bugs touched in a squash window (:mod:`syncsvc.sync.activity`).

A remote failure in one scope is reported and the next scope still runs.

Several workers: each scope runs inside ``claim(source, scope)``; a scope another
worker holds is skipped (:data:`HELD`). A spent request budget ends the scope in
hand without its uncommitted batch, and every later scope is skipped
(:data:`BUDGET_SPENT`): the run stops cleanly with every cursor at a committed batch.

No transaction is open while a request is in flight: reads end their transaction
(:meth:`_Run.idle`) before each remote call, and each batch's writes begin after
its requests and commit at once, so other commands can write during a sync.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TypeVar

from syncsvc.config import LOOKBACK_DAYS, OVERLAP_MINUTES
from syncsvc.domain import (
    CLOSED_CHANGE_STATUSES,
    SEARCH_STATUSES,
    UNRESOLVED_STATUSES,
    BugTask,
    Change,
    SaveCounts,
    SourceName,
)
from syncsvc.errors import BudgetExhaustedError, RemoteError, StoppedError
from syncsvc.sync.activity import ACTIVITY_GRACE, SCOPE, read_logs
from syncsvc.sync.ports import (
    ActivitySource,
    BugSource,
    ChangeSource,
    OpenBugSource,
    ReadAhead,
    ScopeClaim,
    SyncStore,
    WarmUp,
)
from syncsvc.sync.spill import Spilled
from syncsvc.sync.tracked import (
    Awaited,
    ChecksAhead,
    Comments,
    EntriesStarted,
    Write,
    bugs_to_read,
    noting,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
HELD = "held by another worker"  # ScopeReport.skipped: another worker claimed the scope
BUDGET_SPENT = "request budget spent"  # ScopeReport.skipped: left for the next run
#: A referenced change Gerrit did not return (it does not exist or is not visible to
#: us) is asked for again once this has passed, not on every run.
UNRETURNED_RETRY = timedelta(days=1)
Started = tuple[datetime | None, datetime, Future[list[BugTask]]]
"""A search started ahead of its scope's turn: since, when it was started, its result."""


@contextmanager
def always_claimed(_source: SourceName, _scope: str) -> Iterator[bool]:
    """The claim of a run that is alone on its database (it holds the sync lock)."""
    yield True


@dataclass(frozen=True, slots=True)
class SyncSettings:
    """What to poll and how far back."""

    launchpad_projects: tuple[str, ...] = ()
    gerrit_projects: tuple[str, ...] = ()
    overlap: timedelta = timedelta(minutes=OVERLAP_MINUTES)
    lookback: timedelta = timedelta(days=LOOKBACK_DAYS)
    batch_size: int = 100
    #: Also keep every open bug of the Launchpad projects, with its bug-level fields
    #: (``[squash] open_bugs``): the data bug-squash lists need.
    open_bugs: bool = False
    # Gerrit's poll scopes: one per group of projects (a team's); () is one group of all.
    gerrit_groups: tuple[tuple[str, ...], ...] = ()
    # Projects other runs poll (the other teams' with `sync --team`): a referenced item
    # known to be in one of them is left to that poll, as if this run polled it.
    polled_elsewhere: tuple[str, ...] = ()
    activity_grace: timedelta = ACTIVITY_GRACE


@dataclass(frozen=True, slots=True)
class ScopeReport:
    """The outcome of one (source, scope): fetched, saved counts, or the error.

    ``comments`` counts the bug comments saved with the scope's batches.
    """

    source: SourceName
    scope: str
    fetched: int = 0
    counts: SaveCounts = field(default_factory=SaveCounts)
    since: datetime | None = None
    error: str | None = None
    skipped: str | None = None
    comments: SaveCounts = field(default_factory=SaveCounts)


@dataclass(frozen=True, slots=True)
class SyncReport:
    """Everything a sync run did, scope by scope."""

    started_at: datetime
    finished_at: datetime
    scopes: tuple[ScopeReport, ...] = ()
    dry_run: bool = False

    @property
    def failed(self) -> bool:
        """Whether any scope failed."""
        return any(s.error for s in self.scopes)

    @property
    def changed(self) -> bool:
        """Whether anything was (or, in a dry run, would be) inserted or changed."""
        return any(c.inserted or c.changed for s in self.scopes for c in (s.counts, s.comments))

    @property
    def left(self) -> tuple[ScopeReport, ...]:
        """The scopes the request budget left for the next run."""
        return tuple(s for s in self.scopes if s.skipped == BUDGET_SPENT)

    @property
    def held(self) -> tuple[ScopeReport, ...]:
        """The scopes skipped because another worker held them."""
        return tuple(s for s in self.scopes if s.skipped == HELD)


@dataclass
class _Run:
    store: SyncStore
    settings: SyncSettings
    full: bool
    dry_run: bool
    now: Callable[[], datetime]
    progress: Callable[[str], None]
    stop: Callable[[], bool]
    claim: ScopeClaim = always_claimed
    reports: list[ScopeReport] = field(default_factory=list)
    spent: bool = False  # the request budget ran out: skip every later scope
    checks: ChecksAhead | None = None  # started once Gerrit is polled (run_sync's)
    entries: EntriesStarted | None = None  # started by the searches started ahead

    def finish_batch(self) -> None:
        if self.dry_run:
            self.store.rollback()
        else:
            self.store.commit()
        self.stop_if_asked()

    def stop_if_asked(self) -> None:
        """Raise StoppedError when ``stop()`` says so (between batches only)."""
        if self.stop():
            raise StoppedError(
                "sync stopped by SIGTERM after its last committed batch",
                hint="run it again: it continues from the committed cursors",
            )

    def start_of_history(self) -> datetime:
        earliest = self.store.earliest_event_day()
        return earliest if earliest is not None else self.now() - self.settings.lookback

    def idle(self) -> None:
        """End the store's read transaction before a request: no database lock or
        snapshot is held while a request is in flight. Called only between batches,
        when nothing is pending."""
        self.store.rollback()

    def since(self, source: SourceName, scope: str) -> datetime:
        cursor = None if self.full else self.store.cursor(source, scope)
        return cursor - self.settings.overlap if cursor else self.start_of_history()

    def guarded(self, source: SourceName, scope: str, work: Callable[[], ScopeReport]) -> None:
        self.stop_if_asked()
        if self.spent:
            self.reports.append(ScopeReport(source, scope, skipped=BUDGET_SPENT))
            return
        self.progress(f"{source} {scope}")
        with self.claim(source, scope) as claimed:
            if not claimed:
                self.reports.append(ScopeReport(source, scope, skipped=HELD))
                return
            try:
                report = work()
            except BudgetExhaustedError as exc:
                self.store.rollback()  # the batch in hand; committed ones keep their cursor
                log.warning("%s %s stopped: %s", source, scope, exc)
                self.spent = True
                report = ScopeReport(source, scope, skipped=BUDGET_SPENT)
            except RemoteError as exc:
                self.store.rollback()
                log.warning("%s %s failed: %s", source, scope, exc)
                report = ScopeReport(source, scope, error=str(exc))
        self.reports.append(report)


def run_sync(
    store: SyncStore,
    *,
    bugs: BugSource | None,
    changes: ChangeSource | None,
    settings: SyncSettings,
    full: bool = False,
    dry_run: bool = False,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    progress: Callable[[str], None] = lambda _msg: None,
    stop: Callable[[], bool] = lambda: False,
    claim: ScopeClaim = always_claimed,
    read_ahead: bool = False,
    checks: ChecksAhead | None = None,
) -> SyncReport:
    """Poll the given sources into ``store``; return what happened per scope.

    ``bugs``/``changes`` of ``None`` skip that source. ``full`` ignores cursors
    (polls from the earliest event day, or ``settings.lookback`` ago) and refetches
    every referenced artifact. ``dry_run`` fetches and diffs but rolls back every
    batch. Remote errors are caught per scope and reported; storage errors
    propagate (after the store's transaction is rolled back by the caller).
    ``stop`` is asked after every batch and before every scope: when it returns
    true the run raises :class:`StoppedError`, with every batch so far committed.
    ``claim`` is held around each scope (see :data:`HELD` and :data:`BUDGET_SPENT`).
    A Launchpad source that can warm up (:class:`~syncsvc.sync.ports.WarmUp`) logs in
    while Gerrit is polled; every write stays on this thread, in the same order.
    With ``read_ahead`` (only for a run alone on its database: a claimed scope's reads
    must wait for its claim), a source that can (:class:`~syncsvc.sync.ports.ReadAhead`)
    starts every Launchpad project's search at once, before Gerrit is polled (each then
    starts the entries it returned, :class:`EntriesStarted`), and each scope takes its
    result in its turn; the source declines when a request budget keeps reads in call
    order. ``checks`` starts the checks the relink will want (:class:`ChecksAhead`)."""
    run = _Run(store, settings, full, dry_run, now, progress, stop, claim, checks=checks)
    started = now()
    if changes is not None and isinstance(bugs, WarmUp):
        bugs.connect_soon()  # Launchpad's login overlaps the Gerrit polls
    ahead: dict[str, Started] = {}
    if read_ahead and bugs is not None:  # the searches too, and the entries they return
        run.entries = EntriesStarted.of(run, bugs, frozenset(bugs_to_read(run)[1]))
        ahead = _searches_ahead(run, bugs, sorted(set(settings.launchpad_projects)))
    if changes is not None:
        _sync_gerrit(run, changes)
    if bugs is not None:
        _sync_launchpad(run, bugs, ahead)
    return SyncReport(started, now(), tuple(run.reports), dry_run)


def _sync_gerrit(run: _Run, source: ChangeSource) -> None:
    polled = set(run.settings.gerrit_projects)
    covered = polled | set(run.settings.polled_elsewhere)
    referenced = run.store.referenced_changes()
    known = run.store.known_changes(referenced)
    todo = sorted(
        n
        for n in referenced
        if run.full
        or n not in known
        or (known[n][0] not in covered and known[n][1] not in CLOSED_CHANGE_STATUSES)
    )

    if not run.full:  # asked lately and not returned: not every run (`--full` asks again)
        lately = run.store.unreturned_changes(todo, asked_after=run.now() - UNRETURNED_RETRY)
        todo = [n for n in todo if n not in lately]

    def fetch(numbers: Sequence[int]) -> Iterator[Change]:
        returned: set[int] = set()
        for change in source.get_changes(numbers):
            returned.add(change.number)
            yield change
        if not run.dry_run and (unreturned := set(numbers) - returned):
            run.store.record_unreturned_changes(unreturned, asked_at=run.now())

    # Poll first: a referenced change a poll returned is stored whole (the same query
    # options), so only the ones no poll returned are asked for by number.
    polled_now: set[int] = set()
    for group in run.settings.gerrit_groups or ((tuple(polled),) if polled else ()):
        if group:
            _poll_gerrit(run, source, sorted(set(group)), polled_now)
    todo = [n for n in todo if n not in polled_now]
    _fetch_referenced(run, SourceName.GERRIT, todo, fetch, run.store.save_changes)


def _poll_gerrit(run: _Run, source: ChangeSource, projects: list[str], saved: set[int]) -> None:
    """Poll one group of projects; add the numbers of the changes it saved to ``saved``."""
    scope = "projects:" + ",".join(projects)

    def note(batch: Sequence[Change]) -> Write:
        return noting(saved, {c.number for c in batch})

    def poll() -> ScopeReport:
        since = run.since(SourceName.GERRIT, scope)
        run.idle()
        # Put aside, not listed: a poll of 200,000 changes would hold them all in memory.
        with Spilled(source.changes_updated_since(projects, since), _updated) as found:
            counts, _ = _save_batches(
                run,
                found,
                run.store.save_changes,
                cursor=lambda batch: (SourceName.GERRIT, scope, max(c.updated for c in batch)),
                prepare=note,
            )
        return ScopeReport(SourceName.GERRIT, scope, len(found), counts, since)

    run.guarded(SourceName.GERRIT, scope, poll)


def _sync_launchpad(run: _Run, source: BugSource, ahead: dict[str, Started]) -> None:
    polled = set(run.settings.launchpad_projects)
    referenced, todo = bugs_to_read(run)
    comments = Comments(run, source, frozenset(referenced))
    if run.checks is not None:
        run.checks.start(run, source, referenced, [search for _, _, search in ahead.values()])
    # Poll first: a referenced bug a search returns is read in the search's batch (see
    # _Awaited); only the ones no search returned are fetched whole afterwards.
    awaited = Awaited(run, source, comments, frozenset(todo), entries=run.entries)
    for project in sorted(polled):
        scope = f"project:{project}"

        def poll(project: str = project, scope: str = scope) -> ScopeReport:
            started = ahead.pop(project, None)
            if started is not None:
                since, searched_at, search = started
                run.idle()
                found = search.result()  # raises, in this scope's turn, what the search did
            else:
                since = run.since(SourceName.LAUNCHPAD, scope)
                searched_at = run.now()
                run.idle()
                found = list(source.search_tasks(project, modified_since=since))
            awaited.bug_counts = SaveCounts()
            counts, saved = _save_batches(
                run,
                found,
                run.store.save_bug_tasks,
                cursor=None,
                last_cursor=(SourceName.LAUNCHPAD, scope, searched_at),
                prepare=awaited.of_tasks,
            )
            counts += awaited.bug_counts
            report = ScopeReport(SourceName.LAUNCHPAD, scope, len(found), counts, since)
            return replace(report, comments=saved)

        run.guarded(SourceName.LAUNCHPAD, scope, poll)
    rest = [b for b in todo if b not in awaited.done]
    _fetch_referenced(
        run, SourceName.LAUNCHPAD, rest, source.get_bugs, run.store.save_bugs, comments.of_bugs
    )
    if run.settings.open_bugs:
        _sync_open_bugs(run, source, sorted(polled))
        _sync_activity(run, source)
    _catch_up_comments(run, comments)


def _searches_ahead(run: _Run, source: BugSource, projects: Sequence[str]) -> dict[str, Started]:
    """Start every project's search at once (:class:`~syncsvc.sync.ports.ReadAhead`); empty
    when the source cannot or declines. Each cursor is read first and the read
    transaction ended, so none is open while the searches are in flight; the time a
    search was started is its scope's cursor, as in a search started in its turn. Each
    search then starts the run's ``entries`` it returns, before its result is handed over."""
    if not isinstance(source, ReadAhead):
        return {}
    since = {p: run.since(SourceName.LAUNCHPAD, f"project:{p}") for p in projects}
    run.idle()
    started: dict[str, Started] = {}
    for project in projects:
        at = run.now()
        then = {} if run.entries is None else {"then": run.entries.returned}
        search = source.search_tasks_ahead(project, modified_since=since[project], **then)
        if search is None:  # reads in call order (a request budget): each in its turn
            break
        started[project] = (since[project], at, search)
    return started


# The first open-bug sync of a project reads what is still open; later ones every
# status, so a bug closed meanwhile is seen closing.
_OPEN = tuple(s for s in SEARCH_STATUSES if s in UNRESOLVED_STATUSES)


def _sync_open_bugs(run: _Run, source: BugSource, projects: Sequence[str]) -> None:
    """The ``open-bugs:<project>`` scopes: one paged search per project (duplicates
    included), then one request per bug it returned for the bug's own fields (tags,
    message count, dates, duplicate-ness). The first run searches the open statuses
    with no date; later runs only bugs modified since the cursor (minus the
    overlap), so a run where nothing changed costs one request per project."""
    if not isinstance(source, OpenBugSource):  # a replayed recording has no bug entries
        for project in projects:
            run.reports.append(
                ScopeReport(
                    SourceName.LAUNCHPAD,
                    f"open-bugs:{project}",
                    skipped="source cannot read bug entries",
                )
            )
        return
    reader: OpenBugSource = source
    for project in projects:
        scope = f"open-bugs:{project}"

        def poll(project: str = project, scope: str = scope) -> ScopeReport:
            cursor = None if run.full else run.store.cursor(SourceName.LAUNCHPAD, scope)
            since = cursor - run.settings.overlap if cursor is not None else None
            statuses = SEARCH_STATUSES if since is not None else _OPEN
            searched_at = run.now()
            run.idle()
            found = list(
                reader.search_tasks(
                    project, modified_since=since, statuses=statuses, omit_duplicates=False
                )
            )

            def entries(batch: Sequence[BugTask]) -> Write:
                bugs = list(reader.get_bug_entries(sorted({t.bug_id for t in batch})))
                return lambda observed: run.store.save_bugs(bugs, observed_at=observed)

            counts, bugs = _save_batches(
                run,
                found,
                run.store.save_bug_tasks,
                cursor=None,
                last_cursor=(SourceName.LAUNCHPAD, scope, searched_at),
                prepare=entries,
            )
            return ScopeReport(SourceName.LAUNCHPAD, scope, len(found), counts + bugs, since)

        run.guarded(SourceName.LAUNCHPAD, scope, poll)


def _sync_activity(run: _Run, source: BugSource) -> None:
    """The ``activity`` scope, when a squash window wants logs read (:mod:`.activity`)."""
    due = run.store.activity_due(now=run.now(), grace=run.settings.activity_grace)
    if not due or not isinstance(source, ActivitySource):  # a recording has no logs
        return
    read = partial(read_logs, run.store, source, due, batch_size=run.settings.batch_size)

    def work() -> ScopeReport:
        counts = read(before_requests=run.idle, after_batch=run.finish_batch)
        return ScopeReport(SourceName.LAUNCHPAD, SCOPE, len(due), counts)

    run.guarded(SourceName.LAUNCHPAD, SCOPE, work)


LINKED_COMMENTS = "linked-comments"  # the comments scope that follows the relink


def run_linked_comments(
    store: SyncStore,
    source: BugSource,
    *,
    settings: SyncSettings,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    progress: Callable[[str], None] = lambda _msg: None,
    stop: Callable[[], bool] = lambda: False,
    claim: ScopeClaim = always_claimed,
    ahead: ChecksAhead | None = None,
) -> ScopeReport | None:
    """The ``linked-comments`` scope, run after a relink: check the comments of the tracked
    bugs whose comments were never synced (the bugs the relink just linked), so the next
    run with nothing new has none left to check, taking the checks ``ahead`` started.
    ``None`` when there were none; guarded like :func:`run_sync`'s scopes."""
    run = _Run(store, settings, full=False, dry_run=False, now=now, progress=progress,
               stop=stop, claim=claim)  # fmt: skip
    comments = Comments(run, source, frozenset(store.referenced_bugs()), ahead=ahead)
    _catch_up_comments(run, comments, scope=LINKED_COMMENTS)
    return run.reports[-1] if run.reports else None


def _catch_up_comments(run: _Run, comments: Comments, *, scope: str = "comments") -> None:
    """The ``comments`` scope: tracked bugs whose comments were never synced."""
    pending = sorted(run.store.unsynced_comment_bugs(comments.tracked) - comments.checked)
    if not pending:
        return

    def work() -> ScopeReport:
        total = SaveCounts()
        for batch in _chunks(pending, run.settings.batch_size):
            write = comments.of_ids(batch)
            total += write(run.now())
            run.finish_batch()
        return ScopeReport(SourceName.LAUNCHPAD, scope, len(pending), comments=total)

    run.guarded(SourceName.LAUNCHPAD, scope, work)


def _fetch_referenced(
    run: _Run,
    source: SourceName,
    todo: Sequence[int],
    fetch: Callable[[Sequence[int]], Iterable[T]],
    save: Callable[..., SaveCounts],
    prepare: Callable[[Sequence[T]], Write] | None = None,
) -> None:
    """The "referenced" scope: fetch and save what commitments name that polling misses."""

    def work() -> ScopeReport:
        if not todo:
            return ScopeReport(source, "referenced", skipped="all known or polled")
        run.idle()
        found = list(fetch(todo))
        counts, saved = _save_batches(run, found, save, cursor=None, prepare=prepare)
        return ScopeReport(source, "referenced", len(found), counts, comments=saved)

    run.guarded(source, "referenced", work)


def _save_batches(
    run: _Run,
    items: Iterable[T],
    save: Callable[..., SaveCounts],
    *,
    cursor: Callable[[Sequence[T]], tuple[SourceName, str, datetime]] | None,
    last_cursor: tuple[SourceName, str, datetime] | None = None,
    prepare: Callable[[Sequence[T]], Write] | None = None,
) -> tuple[SaveCounts, SaveCounts]:
    """Save ``items`` in batches, committing each with its cursor; return the counts
    of the items and of what ``prepare`` wrote.

    ``prepare(batch)`` runs before any write of its batch (its requests hold no
    transaction open) and returns a writer called after ``save``, so a remote
    failure in it leaves the batch and the cursor uncommitted.
    """
    total, extra = SaveCounts(), SaveCounts()
    batches = iter(_chunks(items, run.settings.batch_size))
    following: list[T] | None = next(batches, [])  # no items: one empty batch, the last
    while following is not None:
        batch, following = following, next(batches, None)
        write = prepare(batch) if prepare is not None and batch else None
        observed = run.now()
        if batch:
            total += save(batch, observed_at=observed)
        if write is not None:
            extra += write(observed)
        mark = cursor(batch) if cursor is not None and batch else None
        if last_cursor is not None and following is None:
            mark = last_cursor
        if mark is not None:
            run.store.set_cursor(*mark, ran_at=observed)
        run.finish_batch()
    return total, extra


def _updated(change: Change) -> datetime:
    return change.updated


def _chunks(items: Iterable[T], size: int) -> Iterable[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
