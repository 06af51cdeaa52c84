"""The ``gerrit reviews`` scope: the review messages of the changes commitments are
confirmed-linked to (time to first review), read after the relink.

A linked change is read once, again only when its stored ``updated`` moved while it
was open, never once it was read merged or abandoned, so a sync where nothing moved
reads none. Guarded like the engine's other scopes; a source that cannot read
messages (a replayed recording) is skipped.

A sync alone on its database starts the read of the first batch early
(:func:`start_reviews`), right after the relink, so that Gerrit's round trips overlap
the Launchpad comment checks that follow it; the scope takes that result in its turn,
and reads the rest (and any change that became due meanwhile) in its turn, a batch at a
time, so that a large first read never holds more than one batch in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, wait
from dataclasses import dataclass
from datetime import UTC, datetime

from syncsvc.domain import ChangeStatus, SaveCounts, SourceName
from syncsvc.domain.reviews import ChangeReviews
from syncsvc.sync.engine import ScopeReport, SyncSettings, _chunks, _Run, always_claimed
from syncsvc.sync.ports import ChangeSource, ReviewsAhead, ReviewSource, ScopeClaim, SyncStore

REVIEWS = "reviews"  # the scope that reads linked changes' review messages
NO_REVIEW_SOURCE = "source cannot read review messages"  # a replayed recording


@dataclass(frozen=True, slots=True)
class StartedReviews:
    """A read started by :func:`start_reviews`: the changes asked for, and its result."""

    asked: frozenset[int]
    read: Future[list[ChangeReviews]]

    def settle(self) -> None:
        """Wait until the read has ended (the source takes no other call before)."""
        wait([self.read])


def start_reviews(store: SyncStore, source: object, *, limit: int) -> StartedReviews | None:
    """Start reading the messages of the first ``limit`` changes due now (by number;
    :meth:`SyncStore.reviews_due`) on the source's own thread
    (:class:`~syncsvc.sync.ports.ReviewsAhead`), for :func:`run_reviews` to take in its
    turn; ``None`` when none is due or the source cannot or declines (a request budget).
    The rest are read in the scope's turn, a batch at a time, so a read started ahead
    holds at most one batch. Only for a run alone on its database: a claimed scope's
    reads wait for its claim. Ends the store's read transaction."""
    if not isinstance(source, ReviewsAhead):
        return None
    due = sorted(store.reviews_due())[:limit]
    store.rollback()  # no read transaction open while the read is in flight
    if not due:
        return None
    read = source.reviews_ahead(due)
    return None if read is None else StartedReviews(frozenset(due), read)


def run_reviews(
    store: SyncStore,
    source: ChangeSource,
    *,
    settings: SyncSettings,
    dry_run: bool = False,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    progress: Callable[[str], None] = lambda _msg: None,
    stop: Callable[[], bool] = lambda: False,
    claim: ScopeClaim = always_claimed,
    started: StartedReviews | None = None,
) -> ScopeReport:
    """The ``gerrit reviews`` scope: read and save the messages of the linked changes the
    store says are due (:meth:`SyncStore.reviews_due`), ``settings.batch_size`` changes
    per committed batch (the adapter asks 50 per request). The due changes ``started``
    asked for are taken from its result (which raises here what its read raised); the
    others are read in this turn.

    ``fetched`` counts the changes read, ``counts`` the events saved. A change Gerrit
    does not return is marked read as stored, so it is not asked for on every run.
    Guarded like :func:`run_sync`'s scopes: a remote failure is the report's ``error``,
    a spent budget its ``skipped``; a source that cannot read messages is skipped.
    """
    if not isinstance(source, ReviewSource):
        return ScopeReport(SourceName.GERRIT, REVIEWS, skipped=NO_REVIEW_SOURCE)
    reader: ReviewSource = source
    run = _Run(store, settings, full=False, dry_run=dry_run, now=now, progress=progress,
               stop=stop, claim=claim)  # fmt: skip

    def work() -> ScopeReport:
        due = run.store.reviews_due()
        early: dict[int, ChangeReviews] = {}
        if started is not None:
            run.idle()
            early = {r.number: r for r in started.read.result()}
        if not due:
            return ScopeReport(SourceName.GERRIT, REVIEWS, skipped="no linked change moved")
        asked = started.asked if started is not None else frozenset()
        fetched, total = 0, SaveCounts()
        for batch in _chunks(sorted(n for n in due if n in asked), run.settings.batch_size):
            found = {n: early[n] for n in batch if n in early}
            fetched += len(found)
            total += _save(run, batch, found, due)
        for batch in _chunks(sorted(n for n in due if n not in asked), run.settings.batch_size):
            run.idle()
            found = {r.number: r for r in reader.get_reviews(batch)}
            fetched += len(found)
            total += _save(run, batch, found, due)
        return ScopeReport(SourceName.GERRIT, REVIEWS, fetched, total)

    run.guarded(SourceName.GERRIT, REVIEWS, work)
    return run.reports[-1]


def _save(
    run: _Run,
    batch: Sequence[int],
    found: dict[int, ChangeReviews],
    due: Mapping[int, tuple[datetime, str]],
) -> SaveCounts:
    """Save one batch's reviews and commit it; a change Gerrit did not return is marked
    read as stored."""
    for n in batch:
        found.setdefault(n, ChangeReviews(n, due[n][0], ChangeStatus(due[n][1])))
    counts = run.store.save_reviews(list(found.values()), observed_at=run.now())
    run.finish_batch()
    return counts
