"""The sync engine: poll Launchpad and Gerrit and store what changed.

For each source the engine (1) fetches the bugs/changes that commitments
reference explicitly and that project polling will not cover, then (2) polls
each configured project incrementally from its cursor minus an overlap.
Every write is an upsert on the remote natural key, so overlap and re-runs
never duplicate; the store appends history rows for what really changed.

Cursors: Gerrit results are sorted by ``updated`` here and saved in batches,
each batch committing its cursor in the same transaction, so a failure leaves
the cursor at the last committed batch. Launchpad's search is ordered by bug id
(stable paging), so no earlier point is safe: its cursor is the time the search
started, committed with the last batch of that project.

A remote failure in one scope is reported and the next scope still runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from syncsvc.errors import RemoteError
from syncsvc.sync_contracts import (
    BugSource,
    ChangeSource,
    SaveCounts,
    SourceName,
    SyncStore,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

CLOSED_CHANGE = frozenset({"MERGED", "ABANDONED"})


@dataclass(frozen=True, slots=True)
class SyncSettings:
    """What to poll and how far back."""

    launchpad_projects: tuple[str, ...] = ()
    gerrit_projects: tuple[str, ...] = ()
    overlap: timedelta = timedelta(minutes=10)
    lookback: timedelta = timedelta(days=90)
    batch_size: int = 100


@dataclass(frozen=True, slots=True)
class ScopeReport:
    """The outcome of one (source, scope): fetched, saved counts, or the error."""

    source: SourceName
    scope: str
    fetched: int = 0
    counts: SaveCounts = field(default_factory=SaveCounts)
    since: datetime | None = None
    error: str | None = None
    skipped: str | None = None


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
        return any(s.counts.inserted or s.counts.changed for s in self.scopes)


@dataclass
class _Run:
    store: SyncStore
    settings: SyncSettings
    full: bool
    dry_run: bool
    now: Callable[[], datetime]
    progress: Callable[[str], None]
    reports: list[ScopeReport] = field(default_factory=list)

    def finish_batch(self) -> None:
        if self.dry_run:
            self.store.rollback()
        else:
            self.store.commit()

    def start_of_history(self) -> datetime:
        earliest = self.store.earliest_event_day()
        return earliest if earliest is not None else self.now() - self.settings.lookback

    def since(self, source: SourceName, scope: str) -> datetime:
        cursor = None if self.full else self.store.cursor(source, scope)
        return cursor - self.settings.overlap if cursor else self.start_of_history()

    def guarded(self, source: SourceName, scope: str, work: Callable[[], ScopeReport]) -> None:
        self.progress(f"{source} {scope}")
        try:
            report = work()
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
) -> SyncReport:
    """Poll the given sources into ``store``; return what happened per scope.

    ``bugs``/``changes`` of ``None`` skip that source. ``full`` ignores cursors
    (polls from the earliest event day, or ``settings.lookback`` ago) and refetches
    every referenced artifact. ``dry_run`` fetches and diffs but rolls back every
    batch. Remote errors are caught per scope and reported; storage errors
    propagate (after the store's transaction is rolled back by the caller).
    """
    run = _Run(store, settings, full, dry_run, now, progress)
    started = now()
    if changes is not None:
        _sync_gerrit(run, changes)
    if bugs is not None:
        _sync_launchpad(run, bugs)
    return SyncReport(started, now(), tuple(run.reports), dry_run)


def _sync_gerrit(run: _Run, source: ChangeSource) -> None:
    polled = set(run.settings.gerrit_projects)
    referenced = run.store.referenced_changes()
    known = run.store.known_changes(referenced)
    todo = sorted(
        n
        for n in referenced
        if run.full
        or n not in known
        or (known[n][0] not in polled and known[n][1] not in CLOSED_CHANGE)
    )

    _fetch_referenced(run, SourceName.GERRIT, todo, source.get_changes, run.store.save_changes)
    if not polled:
        return
    scope = "projects:" + ",".join(sorted(polled))

    def poll() -> ScopeReport:
        since = run.since(SourceName.GERRIT, scope)
        found = sorted(source.changes_updated_since(sorted(polled), since), key=lambda c: c.updated)
        counts = _save_batches(
            run,
            found,
            run.store.save_changes,
            cursor=lambda batch: (SourceName.GERRIT, scope, max(c.updated for c in batch)),
        )
        return ScopeReport(SourceName.GERRIT, scope, len(found), counts, since)

    run.guarded(SourceName.GERRIT, scope, poll)


def _sync_launchpad(run: _Run, source: BugSource) -> None:
    polled = set(run.settings.launchpad_projects)
    referenced = run.store.referenced_bugs()
    known = run.store.known_bugs(referenced)
    todo = sorted(
        b
        for b in referenced
        if run.full or b not in known or (not known[b][0] & polled and not known[b][1])
    )

    _fetch_referenced(run, SourceName.LAUNCHPAD, todo, source.get_bugs, run.store.save_bugs)
    for project in sorted(polled):
        scope = f"project:{project}"

        def poll(project: str = project, scope: str = scope) -> ScopeReport:
            since = run.since(SourceName.LAUNCHPAD, scope)
            searched_at = run.now()
            found = list(source.search_tasks(project, modified_since=since))
            counts = _save_batches(
                run,
                found,
                run.store.save_bug_tasks,
                cursor=None,
                last_cursor=(SourceName.LAUNCHPAD, scope, searched_at),
            )
            return ScopeReport(SourceName.LAUNCHPAD, scope, len(found), counts, since)

        run.guarded(SourceName.LAUNCHPAD, scope, poll)


def _fetch_referenced(
    run: _Run,
    source: SourceName,
    todo: Sequence[int],
    fetch: Callable[[Sequence[int]], Iterable[T]],
    save: Callable[..., SaveCounts],
) -> None:
    """The "referenced" scope: fetch and save what commitments name that polling misses."""

    def work() -> ScopeReport:
        if not todo:
            return ScopeReport(source, "referenced", skipped="all known or polled")
        found = list(fetch(todo))
        return ScopeReport(
            source, "referenced", len(found), _save_batches(run, found, save, cursor=None)
        )

    run.guarded(source, "referenced", work)


def _save_batches(
    run: _Run,
    items: Sequence[T],
    save: Callable[..., SaveCounts],
    *,
    cursor: Callable[[Sequence[T]], tuple[SourceName, str, datetime]] | None,
    last_cursor: tuple[SourceName, str, datetime] | None = None,
) -> SaveCounts:
    """Save ``items`` in batches, committing each with its cursor."""
    total = SaveCounts()
    batches = list(_chunks(items, run.settings.batch_size)) or [[]]
    for index, batch in enumerate(batches):
        observed = run.now()
        if batch:
            total += save(batch, observed_at=observed)
        mark = cursor(batch) if cursor is not None and batch else None
        if last_cursor is not None and index == len(batches) - 1:
            mark = last_cursor
        if mark is not None:
            run.store.set_cursor(*mark, ran_at=observed)
        run.finish_batch()
    return total


def _chunks(items: Iterable[T], size: int) -> Iterable[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
