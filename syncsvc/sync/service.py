"""The sync service: lock → fetch → save → relink under one lock, with one report.

`syncsvc sync` and `syncsvc demo` call :func:`sync_and_relink`; `link refresh`,
`link add/confirm/reject` and `mark` call :func:`refresh_links`. Both reach the
database only through :class:`~syncsvc.sync.ports.SyncDatabase`, so the core
never imports storage.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum

from syncsvc.config import STALL_DAYS, SUGGEST_THRESHOLD
from syncsvc.domain import SourceName
from syncsvc.errors import LockedError, StoppedError
from syncsvc.sync.blueprints import run_blueprints, start_blueprints
from syncsvc.sync.engine import (
    BUDGET_SPENT,
    ScopeReport,
    SyncReport,
    SyncSettings,
    always_claimed,
    run_linked_comments,
    run_sync,
)
from syncsvc.sync.memory import release_after
from syncsvc.sync.ports import BugSource, ChangeSource, ScopeClaim, SyncDatabase
from syncsvc.sync.relink import RelinkReport, relink
from syncsvc.sync.reviews import REVIEWS, StartedReviews, run_reviews, start_reviews
from syncsvc.sync.tracked import ChecksAhead

Sources = Callable[[], tuple[BugSource | None, ChangeSource | None]]
REVIEWS_AFTER_FAILURE = "a scope failed"  # the reviews scope's `skipped`: left for the next run


@dataclass(frozen=True, slots=True)
class RelinkSettings:
    """How the reconciler judges: the team's projects, the suggestion threshold and
    the days without activity after which open work is stalled."""

    team_projects: tuple[str, ...] = ()
    threshold: float = SUGGEST_THRESHOLD
    stall_days: int = STALL_DAYS


class LinksSkipped(StrEnum):
    """Why a sync did not refresh links and states."""

    SCOPE_FAILED = "scope-failed"
    RELINK_RUNNING = "relink-running"
    BUDGET_SPENT = "budget-spent"


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    """One sync's report: what was fetched and saved, then what the relink did (or
    would do, in a dry run), or why it did not run."""

    sync: SyncReport
    links: RelinkReport | None = None
    skipped: LinksSkipped | None = None

    @property
    def has_changes(self) -> bool:
        """Whether the sync saved (or would save) anything, links included."""
        return self.sync.changed or (self.links is not None and self.links.has_changes)


def refresh_links(
    database: SyncDatabase,
    settings: RelinkSettings,
    *,
    now: datetime,
    wait: float,
    dry_run: bool = False,
    full: bool = False,
    same_settings: bool = False,
) -> RelinkReport:
    """Learn identities, recompute links and record commitment states (one transaction).

    Holds the relink lock, so two relinks never run at once; raises LockedError
    when another relink keeps it for ``wait`` seconds. Covers only what changed
    since the last relink unless ``full`` (see :mod:`syncsvc.sync.relink`).
    ``dry_run`` writes nothing and returns the plan it would apply; ``same_settings``
    defers when the store was last relinked with other settings (see ``relink``).
    """
    with database.relink_lock(wait=wait), database.link_store(dry_run=dry_run) as store:
        return relink(
            store,
            team_projects=settings.team_projects,
            now=now,
            threshold=settings.threshold,
            stall_days=settings.stall_days,
            dry_run=dry_run,
            full=full,
            same_settings=same_settings,
        )


def sync_and_relink(
    database: SyncDatabase,
    sources: Sources,
    *,
    settings: SyncSettings,
    links: RelinkSettings,
    full: bool = False,
    dry_run: bool = False,
    wait: float,
    progress: Callable[[str], None] = lambda _msg: None,
    stop: Callable[[], bool] = lambda: False,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    claim: ScopeClaim | None = None,
) -> SyncOutcome:
    """Take the sync lock, fetch and save, then relink before the lock is released.

    With ``claim`` (several workers on one database) no sync lock is taken: each scope
    is claimed on its own and one another worker holds is skipped. A run whose request
    budget ran out skips the relink too (its data is incomplete).

    With a Launchpad source, each project's ``blueprints:<project>`` scope follows the
    other scopes (at most one paged read a day, :mod:`~syncsvc.sync.blueprints`), unless
    the budget ran out. After a relink (not in a dry run), the ``launchpad linked-comments``
    scope checks the comments of the bugs it linked (:func:`run_linked_comments`), and
    one more relink follows when that saved any, so the next run with nothing new has
    nothing left to read. Then, with a Gerrit source, the ``gerrit reviews`` scope reads
    the review messages of the linked changes that moved
    (:func:`~syncsvc.sync.reviews.run_reviews`), with the links just refreshed (or the
    stored ones, when the relink did not run); it is the last scope of the outcome's
    report, skipped when the budget was spent or a scope failed. Alone on its database
    (no ``claim``), a sync starts that read right after the relink, so that it overlaps
    the comment checks (:func:`~syncsvc.sync.reviews.start_reviews`), and (not in a dry
    run) it starts the comment checks the relink is likely to want as soon as Gerrit is
    polled, in the Launchpad reads' idle time (:class:`~syncsvc.sync.tracked.ChecksAhead`);
    the ``linked-comments`` scope takes them in its turn, and the run's end drops the rest.

    ``sources`` is called once the lock is held (a recording starts only then).
    Links and states are refreshed only from complete data: when a scope failed
    they are left as they are. A relink another process keeps running for
    ``wait`` seconds is left to the next one: what was saved stays saved. With
    ``dry_run`` the fetched data is rolled back and the reconciler runs in dry-run
    mode over the stored data, so the outcome lists the links a relink would add
    now. Raises LockedError when another sync keeps the lock for ``wait`` seconds.
    """
    lock: AbstractContextManager[None] = (
        database.sync_lock(wait=wait) if claim is None else nullcontext()
    )
    with lock, ChecksAhead() as checks:
        bugs, changes = sources()
        ahead = claim is None  # alone on the database: later scopes' reads may start early
        early = checks if ahead and not dry_run else None
        with database.sync_store() as store:
            blueprint_reads = (
                start_blueprints(store, bugs, settings=settings, full=full, now=now)
                if ahead and bugs is not None
                else {}
            )
            report = run_sync(
                store,
                bugs=bugs,
                changes=changes,
                settings=settings,
                full=full,
                dry_run=dry_run,
                now=now,
                progress=progress,
                stop=stop,
                claim=claim or always_claimed,
                read_ahead=ahead,
                checks=early,
            )
            if bugs is not None and not report.left:
                blueprints = run_blueprints(
                    store, bugs, settings=settings, full=full, dry_run=dry_run, now=now,
                    progress=progress, stop=stop, claim=claim or always_claimed,
                    started=blueprint_reads,
                )  # fmt: skip
                report = replace(report, scopes=(*report.scopes, *blueprints), finished_at=now())
        outcome = _relinked(database, report, links, now=now, wait=wait, dry_run=dry_run, stop=stop)
        started: StartedReviews | None = None
        overlap = bugs is not None and outcome.links is not None and not dry_run
        if ahead and overlap and changes is not None:  # beside Launchpad's comment checks
            with database.sync_store() as store:
                started = start_reviews(store, changes, limit=settings.batch_size)
        try:
            return _after_relink(
                database, outcome, bugs, changes, started, settings=settings, links=links,
                dry_run=dry_run, wait=wait, progress=progress, stop=stop, now=now, claim=claim,
                checks=early,
            )  # fmt: skip
        finally:
            if started is not None:  # the source takes no other call while it reads
                started.settle()


def _after_relink(
    database: SyncDatabase,
    outcome: SyncOutcome,
    bugs: BugSource | None,
    changes: ChangeSource | None,
    started: StartedReviews | None,
    *,
    settings: SyncSettings,
    links: RelinkSettings,
    dry_run: bool,
    wait: float,
    progress: Callable[[str], None],
    stop: Callable[[], bool],
    now: Callable[[], datetime],
    claim: ScopeClaim | None,
    checks: ChecksAhead | None,
) -> SyncOutcome:
    """The scopes that follow the relink (see :func:`sync_and_relink`): the linked bugs'
    comment checks, taken from ``checks`` where they were started early (and one more
    relink when they saved any), then the review messages, taken from ``started`` where
    that read was started after the relink."""
    report = outcome.sync
    if bugs is not None and outcome.links is not None and not dry_run:
        with database.sync_store() as store:
            checked = run_linked_comments(
                store, bugs, settings=settings, now=now, progress=progress, stop=stop,
                claim=claim or always_claimed, ahead=checks,
            )  # fmt: skip
        if checked is not None:
            outcome = _with_comments(database, outcome, checked, links, now=now, wait=wait)
    if changes is None:
        return outcome
    if report.left:  # the budget is spent: the review messages wait for the next run
        reviews = ScopeReport(SourceName.GERRIT, REVIEWS, skipped=BUDGET_SPENT)
    elif report.failed:  # as the relink: not from a run whose data is incomplete
        reviews = ScopeReport(SourceName.GERRIT, REVIEWS, skipped=REVIEWS_AFTER_FAILURE)
    else:
        with database.sync_store() as store:
            reviews = run_reviews(
                store, changes, settings=settings, dry_run=dry_run, now=now,
                progress=progress, stop=stop, claim=claim or always_claimed, started=started,
            )  # fmt: skip
    scopes = (*outcome.sync.scopes, reviews)
    return replace(outcome, sync=replace(outcome.sync, scopes=scopes, finished_at=now()))


def _with_comments(
    database: SyncDatabase,
    outcome: SyncOutcome,
    checked: ScopeReport,
    links: RelinkSettings,
    *,
    now: Callable[[], datetime],
    wait: float,
) -> SyncOutcome:
    """Add the ``linked-comments`` scope to the outcome; when it saved comments (evidence
    for links), relink once more and add that relink's counts to the first one's."""
    sync = replace(outcome.sync, scopes=(*outcome.sync.scopes, checked), finished_at=now())
    saved = checked.comments.inserted or checked.comments.changed
    if outcome.links is None or checked.error or not saved:
        return replace(outcome, sync=sync)
    try:
        again = refresh_links(database, links, now=now(), wait=wait)
    except LockedError:  # the comments' relink notes wait for the next relink
        return replace(outcome, sync=sync)
    first = outcome.links
    merged = replace(
        first,
        added=first.added + again.added,
        updated=first.updated + again.updated,
        transitions=first.transitions + again.transitions,
        reasons=(*first.reasons, *again.reasons),
    )
    return SyncOutcome(sync, merged)


def _relinked(
    database: SyncDatabase,
    report: SyncReport,
    links: RelinkSettings,
    *,
    now: Callable[[], datetime],
    wait: float,
    dry_run: bool,
    stop: Callable[[], bool],
) -> SyncOutcome:
    """Relink after a complete sync (see :func:`sync_and_relink`), or say why not."""
    if report.failed:
        # Links and states from half the data would record transitions at the wrong
        # time, and a later complete sync keeps them: relink only from complete data.
        return SyncOutcome(report, skipped=LinksSkipped.SCOPE_FAILED)
    if report.left:
        return SyncOutcome(report, skipped=LinksSkipped.BUDGET_SPENT)
    if stop():  # SIGTERM during the last batch: stop before the relink starts
        raise StoppedError(
            "sync stopped by SIGTERM after its last committed batch",
            hint="run it again: it continues from the committed cursors",
        )
    # What a large fetch and save freed would otherwise sit under the relink's peak.
    release_after(sum(scope.fetched for scope in report.scopes))
    try:
        relinked = refresh_links(database, links, now=now(), wait=wait, dry_run=dry_run)
    except LockedError:
        return SyncOutcome(report, skipped=LinksSkipped.RELINK_RUNNING)
    return SyncOutcome(report, relinked)
