"""What the drift rules (:mod:`syncsvc.reconcile.drift`) read: changes and bug tasks.

Functions take a caller-owned ``Session`` and never commit.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from syncsvc.domain import BugTask, BugTaskStatus, Change
from syncsvc.models.base import in_chunks
from syncsvc.models.sync_tables import BugRow, BugTaskRow, ChangeRow


def drift_changes(session: Session) -> list[Change]:
    """Every stored change, by number (one query)."""
    return [
        row.to_record() for row in session.scalars(select(ChangeRow).order_by(ChangeRow.number))
    ]


def drift_tasks(session: Session, bug_ids: Collection[int]) -> list[BugTask]:
    """Tasks of visible bugs: those of ``bug_ids`` plus every Fix Released one, by bug
    and target. One query plus one per chunk of bugs."""
    base = (
        select(BugTaskRow)
        .join(BugRow, BugRow.bug_id == BugTaskRow.bug_id)
        .where(BugRow.visible.is_(True))
    )
    stmts = [base.where(BugTaskRow.status == BugTaskStatus.FIX_RELEASED)]
    stmts += [base.where(BugTaskRow.bug_id.in_(chunk)) for chunk in in_chunks(set(bug_ids))]
    found: dict[tuple[int, str], BugTask] = {}
    for stmt in stmts:
        for row in session.scalars(stmt):
            found[(row.bug_id, row.target)] = row.to_record()
    return [found[key] for key in sorted(found)]
