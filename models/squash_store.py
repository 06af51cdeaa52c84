"""Storage of bug-squash events: create and find events, append snapshots, keep
sign-ups, and read the task history of a window.

Functions take a caller-owned ``Session`` and never commit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from syncsvc.domain import (
    UNRESOLVED_STATUSES,
    SquashBug,
    SquashEvent,
    SquashSnapshot,
    TaskChange,
)
from syncsvc.errors import InputError
from syncsvc.models.base import require_aware
from syncsvc.models.squash_queries import bug_tasks
from syncsvc.models.squash_tables import SquashEventRow, SquashSignupRow, SquashSnapshotRow
from syncsvc.models.sync_records import ArtifactKind
from syncsvc.models.sync_tables import ArtifactHistoryRow

_TRACKED = ("status", "importance", "assignee")


def _record(row: SquashEventRow) -> SquashEvent:
    return SquashEvent(
        name=row.name,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        tag=row.tag,
        projects=tuple(row.projects),
        goals=tuple((str(k), int(v)) for k, v in row.goals.items()),
        id=row.id,
    )


def create_event(session: Session, event: SquashEvent, *, now: datetime) -> SquashEvent:
    """Store a new event; InputError (exit 2) when the name is taken."""
    if session.scalar(select(SquashEventRow).where(SquashEventRow.name == event.name)):
        raise InputError(
            f"a squash named {event.name!r} exists", hint="choose another NAME for the event"
        )
    row = SquashEventRow(
        name=event.name,
        starts_at=require_aware(event.starts_at, "starts_at"),
        ends_at=require_aware(event.ends_at, "ends_at"),
        tag=event.tag,
        projects=list(event.projects),
        goals=dict(event.goals),
        created_at=now,
    )
    session.add(row)
    session.flush()
    return _record(row)


def get_event(session: Session, name: str) -> SquashEvent | None:
    """The event named ``name``, if any."""
    row = session.scalar(select(SquashEventRow).where(SquashEventRow.name == name))
    return None if row is None else _record(row)


def events_on(session: Session, projects: Collection[str] = ()) -> list[SquashEvent]:
    """Every event, oldest first, that covers one of ``projects`` (Launchpad names, any
    case) or names no project; every event when ``projects`` is empty."""
    names = {p.rpartition("/")[2].lower() for p in projects}
    rows = session.scalars(
        select(SquashEventRow).order_by(SquashEventRow.starts_at, SquashEventRow.id)
    )
    found = [_record(row) for row in rows]
    return [
        e for e in found if not names or not e.projects or names & {p.lower() for p in e.projects}
    ]


def previous_event(session: Session, event: SquashEvent) -> SquashEvent | None:
    """The latest event that ended before ``event`` started, if any."""
    row = session.scalar(
        select(SquashEventRow)
        .where(SquashEventRow.ends_at <= event.starts_at)
        .order_by(SquashEventRow.ends_at.desc(), SquashEventRow.id.desc())
        .limit(1)
    )
    return None if row is None else _record(row)


def snapshot_counts(bugs: Iterable[SquashBug], tag: str | None = None) -> dict[str, int]:
    """``open``, ``unassigned``, ``status:<S>`` and ``importance:<I>`` counts of the open,
    not duplicate tasks (with ``tag`` only, when given)."""
    counts: Counter[str] = Counter()
    for bug in bugs:
        if bug.duplicate_of is not None or bug.status not in UNRESOLVED_STATUSES:
            continue
        if tag is not None and tag not in bug.tags:
            continue
        counts["open"] += 1
        counts[f"status:{bug.status}"] += 1
        counts[f"importance:{bug.importance}"] += 1
        counts["unassigned"] += bug.assignee is None
    counts.setdefault("open", 0)
    counts.setdefault("unassigned", 0)
    return dict(sorted(counts.items()))


def add_snapshots(session: Session, *, now: datetime) -> int:
    """Append a snapshot of the stored open tasks to every event whose window holds
    ``now``; return how many were appended."""
    rows = session.scalars(
        select(SquashEventRow)
        .where(SquashEventRow.starts_at <= now, SquashEventRow.ends_at >= now)
        .order_by(SquashEventRow.id)
    ).all()
    for row in rows:
        counts = snapshot_counts(bug_tasks(session, row.projects, open_only=True))
        session.add(SquashSnapshotRow(event_id=row.id, taken_at=now, counts=counts))
    return len(rows)


def snapshots(session: Session, event_id: int) -> list[SquashSnapshot]:
    """The event's snapshots, oldest first."""
    stmt = (
        select(SquashSnapshotRow)
        .where(SquashSnapshotRow.event_id == event_id)
        .order_by(SquashSnapshotRow.taken_at, SquashSnapshotRow.id)
    )
    return [
        SquashSnapshot(r.taken_at, tuple((str(k), int(v)) for k, v in sorted(r.counts.items())))
        for r in session.scalars(stmt)
    ]


def save_signups(session: Session, event_id: int, signups: Iterable[tuple[int, str]]) -> int:
    """Record (bug id, person) sign-ups, one person per bug (the last given wins);
    return how many rows were written or changed."""
    stored = {
        r.bug_id: r
        for r in session.scalars(
            select(SquashSignupRow).where(SquashSignupRow.event_id == event_id)
        )
    }
    written = 0
    for bug_id, person in dict(signups).items():
        row = stored.get(bug_id)
        if row is None:
            session.add(SquashSignupRow(event_id=event_id, bug_id=bug_id, person=person))
            written += 1
        elif row.person != person:
            row.person = person
            written += 1
    return written


def signups(session: Session, event_id: int) -> dict[int, str]:
    """Bug id → the person who signed up for it."""
    stmt = select(SquashSignupRow).where(SquashSignupRow.event_id == event_id)
    return {r.bug_id: r.person for r in session.scalars(stmt)}


def task_changes(
    session: Session, start: datetime, end: datetime, projects: Collection[str] = ()
) -> list[TaskChange]:
    """Stored status, importance and assignee changes of bug tasks dated (by their remote
    timestamps) in ``[start, end]``, oldest first; only ``projects`` when given."""
    stmt = (
        select(ArtifactHistoryRow)
        .where(ArtifactHistoryRow.artifact_kind == ArtifactKind.BUG_TASK)
        .where(ArtifactHistoryRow.field.in_(_TRACKED))
        .where(ArtifactHistoryRow.changed_at >= start, ArtifactHistoryRow.changed_at <= end)
        .order_by(ArtifactHistoryRow.changed_at, ArtifactHistoryRow.id)
    )
    found = []
    for row in session.scalars(stmt):
        head, _, target = row.artifact_key.partition("/")
        bug_id = int(head.removeprefix("bug:"))
        if projects and target not in projects:
            continue
        found.append(
            TaskChange(bug_id, target, row.field, row.old_value, row.new_value, row.changed_at)
        )
    return found
