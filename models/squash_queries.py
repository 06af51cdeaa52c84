"""What the squash lists (:mod:`syncsvc.squash`) read: open bug tasks and open changes.

Functions take a caller-owned ``Session`` and never commit.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from syncsvc.domain import UNRESOLVED_STATUSES, ChangeStatus, SquashBug, SquashChange
from syncsvc.models.sync_tables import BugRow, BugTaskRow, ChangeRow

CODE_REVIEW = "Code-Review"


def open_bug_tasks(session: Session, projects: Collection[str] = ()) -> list[SquashBug]:
    """The unresolved project tasks (series tasks left out) of visible bugs, with their
    bugs' fields, by bug id then project; only ``projects`` when given. One query."""
    return bug_tasks(session, projects, open_only=True)


def bug_tasks(
    session: Session,
    projects: Collection[str] = (),
    *,
    open_only: bool,
    bug_ids: Collection[int] | None = None,
) -> list[SquashBug]:
    """Project tasks (series tasks left out) of visible bugs with their bugs' fields, by
    bug id then project: unresolved ones only with ``open_only``; only ``projects`` and
    ``bug_ids`` when given. One query."""
    stmt = (
        select(BugTaskRow, BugRow)
        .join(BugRow, BugRow.bug_id == BugTaskRow.bug_id)
        .where(BugRow.visible.is_(True))
        .where(BugTaskRow.target.not_like("%/%"))
        .order_by(BugTaskRow.bug_id, BugTaskRow.target)
    )
    if open_only:
        stmt = stmt.where(BugTaskRow.status.in_(sorted(UNRESOLVED_STATUSES)))
    if projects:
        stmt = stmt.where(BugTaskRow.target.in_(sorted(projects)))
    if bug_ids is not None:
        stmt = stmt.where(BugTaskRow.bug_id.in_(sorted(bug_ids)))
    return [
        SquashBug(
            bug_id=bug.bug_id,
            title=bug.title,
            project=task.target,
            status=task.status,
            importance=task.importance,
            assignee=task.assignee,
            milestone=task.milestone,
            tags=tuple(bug.tags),
            url=task.url or bug.url,
            private=bug.private,
            duplicate_of=bug.duplicate_of,
            message_count=bug.message_count,
            date_created=bug.date_created or task.date_created,
            date_triaged=task.date_triaged,
            date_incomplete=task.date_incomplete,
            date_in_progress=task.date_in_progress,
            date_fix_committed=task.date_fix_committed,
            date_last_updated=bug.date_last_updated,
            date_last_message=bug.remote_last_message or bug.date_last_message,
            has_patch=bug.latest_patch_uploaded is not None,
        )
        for task, bug in session.execute(stmt)
    ]


def open_closing_changes(session: Session) -> list[SquashChange]:
    """Open changes whose commit message closes at least one bug, by number. One query."""
    stmt = select(ChangeRow).where(ChangeRow.status == ChangeStatus.NEW).order_by(ChangeRow.number)
    found = []
    for row in session.scalars(stmt):
        closes = tuple(int(b) for b in row.closes_bug if str(b).isdigit())
        if not closes:
            continue
        votes = {str(label): int(value) for label, value in row.votes}
        found.append(
            SquashChange(
                number=row.number,
                project=row.project,
                owner=row.owner_username,
                closes=closes,
                code_review=votes.get(CODE_REVIEW, 0),
                updated=row.updated,
                url=row.url,
            )
        )
    return found
