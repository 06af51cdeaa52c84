"""Storage of bug activity logs: which bugs a squash window needs read, the lines
read, and the lines a report reads.

Functions take a caller-owned ``Session`` and never commit.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from syncsvc.domain import ActivityEntry, BugActivityLog, LogDue, SaveCounts
from syncsvc.models.base import in_chunks, require_aware
from syncsvc.models.squash_tables import BugActivityRow, SquashEventRow
from syncsvc.models.sync_tables import BugRow, BugTaskRow


def activity_due(session: Session, *, now: datetime, grace: timedelta) -> dict[int, LogDue]:
    """Bug id → what to read of the visible bugs whose activity log is wanted and not
    read at their stored ``date_last_updated`` yet.

    Wanted: a task in the projects of a squash event (every project when it names
    none) whose window has started and ended no more than ``grace`` before ``now``,
    and a ``date_last_updated`` at or after that window's start (the bug moved since).
    Its comments are wanted too when Launchpad's ``date_last_message`` (as last read)
    is at or after the start of such a window (the same holds at every later read, so
    the stored comment lines are never dropped by a read without them).
    """
    now = require_aware(now, "now")
    events = session.scalars(
        select(SquashEventRow).where(
            SquashEventRow.starts_at <= now, SquashEventRow.ends_at >= now - grace
        )
    ).all()
    due: dict[int, LogDue] = {}
    for event in events:
        stmt = (
            select(BugRow.bug_id, BugRow.date_last_updated, BugRow.remote_last_message)
            .join(BugTaskRow, BugTaskRow.bug_id == BugRow.bug_id)
            .where(BugRow.visible.is_(True))
            .where(BugRow.date_last_updated >= event.starts_at)
            .where(
                or_(
                    BugRow.activity_synced_to.is_(None),
                    BugRow.activity_synced_to < BugRow.date_last_updated,
                )
            )
        )
        if event.projects:
            stmt = stmt.where(BugTaskRow.target.in_(sorted(event.projects)))
        for bug_id, updated, message in session.execute(stmt):
            if updated is None:  # dropped by the date filter; the check narrows the type
                continue
            said = message is not None and message >= event.starts_at
            earlier = due.get(bug_id)
            due[bug_id] = LogDue(updated, said or (earlier is not None and earlier.comments))
    return dict(sorted(due.items()))


def save_bug_activity(
    session: Session,
    logs: Sequence[BugActivityLog],
    *,
    synced_to: Mapping[int, datetime],
) -> SaveCounts:
    """Store each visible bug's log, upserted on (bug id, place in the log), lines beyond
    the log's end removed; mark every bug of ``logs`` as read at ``synced_to[bug_id]``
    (an invisible one too, so it is not asked again until it changes). Counts lines.
    """
    inserted = changed = unchanged = 0
    latest = {log.bug_id: log for log in logs}
    bugs = {
        row.bug_id: row
        for chunk in in_chunks(latest)
        for row in session.scalars(select(BugRow).where(BugRow.bug_id.in_(chunk)))
    }
    stored: dict[tuple[int, int], BugActivityRow] = {}
    for chunk in in_chunks([b for b, log in latest.items() if log.visible]):
        rows = session.scalars(select(BugActivityRow).where(BugActivityRow.bug_id.in_(chunk)))
        stored.update(((r.bug_id, r.position), r) for r in rows)
    for bug_id, log in latest.items():
        if bug_id in bugs and bug_id in synced_to:
            bugs[bug_id].activity_synced_to = require_aware(synced_to[bug_id], "synced_to")
        if not log.visible or bug_id not in bugs:
            continue
        for position, entry in enumerate(log.entries):
            values = _columns(entry)
            row = stored.get((bug_id, position))
            if row is None:
                session.add(BugActivityRow(bug_id=bug_id, position=position, **values))
                inserted += 1
            elif any(getattr(row, k) != v for k, v in values.items()):
                for name, value in values.items():
                    setattr(row, name, value)
                changed += 1
            else:
                unchanged += 1
        session.execute(
            delete(BugActivityRow).where(
                BugActivityRow.bug_id == bug_id, BugActivityRow.position >= len(log.entries)
            )
        )
    session.flush()
    return SaveCounts(inserted=inserted, changed=changed, unchanged=unchanged)


def activity_synced(session: Session, bug_ids: Collection[int]) -> dict[int, datetime]:
    """Those of ``bug_ids`` whose activity log has been read: the ``date_last_updated``
    it was read at (the log covers the bug's changes up to then)."""
    found: dict[int, datetime] = {}
    for chunk in in_chunks(set(bug_ids)):
        stmt = select(BugRow.bug_id, BugRow.activity_synced_to).where(
            BugRow.bug_id.in_(chunk), BugRow.activity_synced_to.is_not(None)
        )
        found.update((b, when) for b, when in session.execute(stmt) if when is not None)
    return found


def activity_lines(
    session: Session, bug_ids: Collection[int], start: datetime, end: datetime
) -> list[ActivityEntry]:
    """The stored activity lines of ``bug_ids`` dated in ``[start, end]``, oldest first
    (lines of one moment in log order)."""
    rows: list[BugActivityRow] = []
    for chunk in in_chunks(set(bug_ids)):
        stmt = (
            select(BugActivityRow)
            .where(BugActivityRow.bug_id.in_(chunk))
            .where(BugActivityRow.changed_at >= start, BugActivityRow.changed_at <= end)
        )
        rows.extend(session.scalars(stmt))
    rows.sort(key=lambda r: (r.changed_at, r.bug_id, r.position))
    return [
        ActivityEntry(r.bug_id, r.changed_at, r.person, r.what, r.old_value, r.new_value)
        for r in rows
    ]


def _columns(entry: ActivityEntry) -> dict[str, object]:
    return {
        "changed_at": entry.changed_at,
        "person": entry.person,
        "what": entry.what,
        "old_value": entry.old_value,
        "new_value": entry.new_value,
    }
