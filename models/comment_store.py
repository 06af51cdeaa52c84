"""Bug comments: which bugs' comments are kept, their sync marks, upserts and reads.

The sync engine reaches these through :class:`~.sync_store.SqlSyncStore`; the
reconciler reads :func:`stored_messages` through :class:`~.relink_store.SqlLinkStore`.
Functions take a caller-owned ``Session`` and never commit. Comment text is
stored as Launchpad gave it (see :class:`~.sync_tables.BugMessageRow`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from syncsvc.domain import Bug, BugComments, BugMessage, PendingKind, SaveCounts
from syncsvc.models.base import in_chunks, require_aware
from syncsvc.models.relink_pending import mark_pending
from syncsvc.models.sync_tables import BugMessageRow, BugRow


def comment_dates(session: Session, ids: Iterable[int]) -> dict[int, datetime]:
    """For the stored bugs among ``ids`` whose comments were synced with a date: bug id →
    the ``date_last_message`` they were synced to."""
    found: dict[int, datetime] = {}
    for chunk in in_chunks(set(ids)):
        stmt = select(BugRow.bug_id, BugRow.date_last_message).where(
            BugRow.bug_id.in_(chunk),
            BugRow.comments_synced_at.is_not(None),
            BugRow.date_last_message.is_not(None),
        )
        found.update((bug_id, when) for bug_id, when in session.execute(stmt) if when)
    return found


def unsynced_comment_bugs(session: Session, ids: Iterable[int]) -> set[int]:
    """The stored, visible bugs among ``ids`` whose comments were never synced."""
    found: set[int] = set()
    for chunk in in_chunks(set(ids)):
        stmt = select(BugRow.bug_id).where(
            BugRow.bug_id.in_(chunk),
            BugRow.visible.is_(True),
            BugRow.comments_synced_at.is_(None),
        )
        found.update(session.scalars(stmt))
    return found


def save_bug_comments(
    session: Session, found: Sequence[BugComments], *, observed_at: datetime
) -> SaveCounts:
    """Record comment checks; see ``SyncStore.save_bug_comments``.

    Invisible bugs are skipped. A check that read the comments (``fetched``) sets
    the bug's ``date_last_message`` and replaces its stored comments: upserts on
    (bug id, number), deletes the ones no longer there (each counted as changed).
    A check that read nothing only marks a never-synced bug as synced. A bug not
    stored yet gets a placeholder row, as a searched task does. The last check of
    a bug in ``found`` wins. Raises ValueError for a comment without a number or
    of another bug, before any write.
    """
    now = require_aware(observed_at, "observed_at")
    latest = {c.bug_id: c for c in found if c.visible}
    for check in latest.values():
        for message in check.messages:
            if message.number is None or message.bug_id != check.bug_id:
                raise ValueError(
                    f"bug {check.bug_id}: comment {message.number} of bug {message.bug_id}"
                    " cannot be stored there"
                )
    bugs = _bug_rows(session, latest)
    fetched = [b for b, check in latest.items() if check.fetched]
    stored = {(row.bug_id, row.number): row for row in _message_rows(session, fetched)}
    if missing := [b for b in latest if b not in bugs]:
        for bug_id in missing:  # flushed first: comment rows refer to them
            bugs[bug_id] = BugRow(bug_id=bug_id, fetched_at=now, **BugRow.columns_of(Bug(bug_id)))
            session.add(bugs[bug_id])
        session.flush()
    counts = SaveCounts()
    touched: list[tuple[PendingKind, int]] = []
    for bug_id, check in latest.items():
        bug = bugs[bug_id]
        if check.fetched:
            replaced = _replace(session, bug_id, check.messages, stored, now)
            if replaced.inserted or replaced.changed:
                touched.append((PendingKind.BUG, bug_id))
            counts += replaced
            if bug.date_last_message != check.date_last_message or bug.comments_synced_at is None:
                bug.date_last_message, bug.comments_synced_at = check.date_last_message, now
        elif bug.comments_synced_at is None:
            bug.date_last_message, bug.comments_synced_at = check.date_last_message, now
    session.flush()
    mark_pending(session, touched)
    return counts


def _replace(
    session: Session,
    bug_id: int,
    messages: Sequence[BugMessage],
    stored: dict[tuple[int, int], BugMessageRow],
    now: datetime,
) -> SaveCounts:
    """Make bug ``bug_id``'s stored comments equal ``messages``; count what that took."""
    counts = SaveCounts()
    wanted = {m.number: m for m in messages if m.number is not None}
    for number, message in wanted.items():
        values = BugMessageRow.columns_of(message)
        row = stored.get((bug_id, number))
        if row is None:
            session.add(BugMessageRow(bug_id=bug_id, number=number, fetched_at=now, **values))
            counts += SaveCounts(inserted=1)
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.fetched_at = now
            counts += SaveCounts(changed=1)
        else:
            counts += SaveCounts(unchanged=1)
    gone = [n for (b, n) in stored if b == bug_id and n not in wanted]
    if gone:
        session.execute(
            delete(BugMessageRow).where(
                BugMessageRow.bug_id == bug_id, BugMessageRow.number.in_(gone)
            )
        )
        counts += SaveCounts(changed=len(gone))
    return counts


def _bug_rows(session: Session, ids: Iterable[int]) -> dict[int, BugRow]:
    found: dict[int, BugRow] = {}
    for chunk in in_chunks(set(ids)):
        stmt = select(BugRow).where(BugRow.bug_id.in_(chunk))
        found.update((row.bug_id, row) for row in session.scalars(stmt))
    return found


def _message_rows(session: Session, bug_ids: Iterable[int]) -> list[BugMessageRow]:
    found: list[BugMessageRow] = []
    for chunk in in_chunks(set(bug_ids)):
        found.extend(session.scalars(select(BugMessageRow).where(BugMessageRow.bug_id.in_(chunk))))
    return found


def stored_messages(session: Session, bug_ids: Iterable[int] | None = None) -> list[BugMessage]:
    """Every stored comment, or those of ``bug_ids``, by bug and number."""
    stmt = select(BugMessageRow).order_by(BugMessageRow.bug_id, BugMessageRow.number)
    if bug_ids is None:
        return [row.to_record() for row in session.scalars(stmt)]
    return [
        row.to_record()
        for chunk in in_chunks(sorted(set(bug_ids)))
        for row in session.scalars(stmt.where(BugMessageRow.bug_id.in_(chunk)))
    ]
