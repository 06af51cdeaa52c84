"""The ``gerrit reviews`` scope: the review messages of the changes commitments are
confirmed-linked to (time to first review), read after the relink.

A linked change is read once, again only when its stored ``updated`` moved while it
was open, never once it was read merged or abandoned, so a sync where nothing moved
reads none. Guarded like the engine's other scopes; a source that cannot read
messages (a replayed recording) is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from syncsvc.domain import ChangeStatus, SaveCounts, SourceName
from syncsvc.domain.reviews import ChangeReviews
from syncsvc.sync.engine import ScopeReport, SyncSettings, _chunks, _Run, always_claimed
from syncsvc.sync.ports import ChangeSource, ReviewSource, ScopeClaim, SyncStore

REVIEWS = "reviews"  # the scope that reads linked changes' review messages
NO_REVIEW_SOURCE = "source cannot read review messages"  # a replayed recording


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
) -> ScopeReport:
    """The ``gerrit reviews`` scope: read and save the messages of the linked changes the
    store says are due (:meth:`SyncStore.reviews_due`), ``settings.batch_size`` changes
    per committed batch (the adapter asks 50 per request).

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
        if not due:
            return ScopeReport(SourceName.GERRIT, REVIEWS, skipped="no linked change moved")
        fetched, total = 0, SaveCounts()
        for batch in _chunks(sorted(due), run.settings.batch_size):
            run.idle()
            found = {r.number: r for r in reader.get_reviews(batch)}
            fetched += len(found)
            for n in batch:
                found.setdefault(n, ChangeReviews(n, due[n][0], ChangeStatus(due[n][1])))
            total += run.store.save_reviews(list(found.values()), observed_at=run.now())
            run.finish_batch()
        return ScopeReport(SourceName.GERRIT, REVIEWS, fetched, total)

    run.guarded(SourceName.GERRIT, REVIEWS, work)
    return run.reports[-1]
