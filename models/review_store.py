"""Review messages of linked changes: what a sync must read, saving them, reading them.

The sync's review step (:mod:`syncsvc.sync.reviews`) asks :func:`reviews_due` which
linked changes' messages to read and saves what it read with :func:`save_reviews`;
the retrospective reads them back with :func:`review_events` and :func:`reviews_read`.
Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from syncsvc.domain import CLOSED_CHANGE_STATUSES, LinkKind, SaveCounts
from syncsvc.domain.reviews import ChangeReviews, ReviewEvent
from syncsvc.models.base import in_chunks, require_aware
from syncsvc.models.link_store import confirmed_ids
from syncsvc.models.review_tables import ReviewEventRow, ReviewReadRow
from syncsvc.models.sync_tables import ChangeRow


def reviews_due(session: Session) -> dict[int, tuple[datetime, str]]:
    """The stored changes a current action has a confirmed link to whose messages must be
    read: never read, or read open and updated since. Number → (stored updated, status).

    A change read merged or abandoned is never read again; nor is one whose stored
    ``updated`` is not later than the ``updated`` its messages were read as of.
    """
    linked = confirmed_ids(session, LinkKind.CHANGE)
    due: dict[int, tuple[datetime, str]] = {}
    for chunk in in_chunks(linked):
        stmt = (
            select(ChangeRow.number, ChangeRow.updated, ChangeRow.status, ReviewReadRow)
            .outerjoin(ReviewReadRow, ReviewReadRow.change_number == ChangeRow.number)
            .where(ChangeRow.number.in_(chunk))
        )
        for number, updated, status, read in session.execute(stmt):
            if read is None or (
                read.change_status not in CLOSED_CHANGE_STATUSES and read.change_updated < updated
            ):
                due[number] = (updated, str(status))
    return due


def save_reviews(
    session: Session, found: Sequence[ChangeReviews], *, observed_at: datetime
) -> SaveCounts:
    """Upsert the events on (change, message id) and mark each change read as of its
    ``updated`` and ``status``. Counts events: inserted, changed (a stored event that
    differs, e.g. a vote's author renamed) and unchanged. Idempotent; never commits."""
    observed_at = require_aware(observed_at, "observed_at")
    latest = {c.number: c for c in found}
    rows: dict[tuple[int, str], ReviewEventRow] = {}
    reads: dict[int, ReviewReadRow] = {}
    for chunk in in_chunks(latest):
        events = select(ReviewEventRow).where(ReviewEventRow.change_number.in_(chunk))
        rows.update(((r.change_number, r.message_id), r) for r in session.scalars(events))
        marks = select(ReviewReadRow).where(ReviewReadRow.change_number.in_(chunk))
        reads.update((r.change_number, r) for r in session.scalars(marks))
    inserted = changed = unchanged = 0
    for reviews in latest.values():
        for event in {e.message_id: e for e in reviews.events}.values():
            values = ReviewEventRow.columns_of(event)
            row = rows.get((reviews.number, event.message_id))
            if row is None:
                session.add(
                    ReviewEventRow(
                        change_number=reviews.number,
                        message_id=event.message_id,
                        fetched_at=observed_at,
                        **values,
                    )
                )
                inserted += 1
            elif any(getattr(row, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(row, key, value)
                changed += 1
            else:
                unchanged += 1
        read = reads.get(reviews.number)
        if read is None:
            read = ReviewReadRow(change_number=reviews.number)
            session.add(read)
        read.change_updated, read.change_status = reviews.updated, reviews.status
        read.read_at = observed_at
    session.flush()
    return SaveCounts(inserted=inserted, changed=changed, unchanged=unchanged)


def review_events(session: Session, numbers: Collection[int]) -> list[ReviewEvent]:
    """The stored review events of ``numbers``, by change and then time."""
    found: list[ReviewEvent] = []
    for chunk in in_chunks(set(numbers)):
        stmt = select(ReviewEventRow).where(ReviewEventRow.change_number.in_(chunk))
        found.extend(row.to_record() for row in session.scalars(stmt))
    return sorted(found, key=lambda e: (e.change_number, e.at, e.message_id))


def reviews_read(session: Session, numbers: Collection[int]) -> dict[int, datetime]:
    """For those of ``numbers`` whose messages were read: number → when last read."""
    found: dict[int, datetime] = {}
    for chunk in in_chunks(set(numbers)):
        stmt = select(ReviewReadRow.change_number, ReviewReadRow.read_at).where(
            ReviewReadRow.change_number.in_(chunk)
        )
        found.update((number, read_at) for number, read_at in session.execute(stmt))
    return found
