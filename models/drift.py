"""Launchpad state that disagrees with Gerrit (change merged, bug still open; …).

Functions take a caller-owned ``Session`` and never commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from syncsvc.domain import ChangeStatus, LinkKind, lp_project, repo_name
from syncsvc.models.base import in_chunks
from syncsvc.models.sync_tables import BugRow, BugTaskRow, ChangeRow
from syncsvc.reconcile.footers import parse_gerrit_topic
from syncsvc.reconcile.state import is_backport


class DriftKind(StrEnum):
    """How Launchpad disagrees with Gerrit."""

    MERGED_BUG_OPEN = "merged-bug-open"
    ABANDONED_BUG_IN_PROGRESS = "abandoned-bug-in-progress"
    RELEASED_WITHOUT_MERGE = "released-without-merge"


OPEN_BUG_STATUSES = frozenset({"New", "Confirmed", "Triaged", "In Progress"})
FIX_RELEASED = "Fix Released"
_DRIFT_ORDER = {kind: i for i, kind in enumerate(DriftKind)}
_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class DriftItem:
    """One bug task whose Launchpad state disagrees with Gerrit, as a to-do line.

    ``change`` is the change that shows it (``None`` for a release without a
    merged change); ``at`` when the change merged or was abandoned, or when the
    task was released. ``set_status`` is the status to give the task when the
    fix is mechanical, ``None`` when a person has to look.
    """

    kind: DriftKind
    bug_id: int
    target: str
    status: str
    assignee: str | None
    change: int | None
    change_status: ChangeStatus | None
    at: datetime | None
    todo: str
    set_status: str | None = None


@dataclass(frozen=True, slots=True)
class _ChangeFacts:
    number: int
    repo: str
    branch: str
    status: ChangeStatus
    closes: frozenset[int]
    partial: frozenset[int]
    topic_bug: int | None
    at: datetime  # when it merged (else its last update)
    updated: datetime

    def covers(self, target: str) -> bool:
        """Whether this change works on bug task ``target``: the project task for the main
        line, the series task (``manila/wallaby``) for a ``stable/wallaby`` backport."""
        if lp_project(target) != self.repo:
            return False
        if is_backport(self.branch):
            return target.casefold() == f"{self.repo}/{self.branch.rsplit('/', 1)[-1]}".casefold()
        return "/" not in target

    def works_on(self, bug_id: int) -> bool:
        """Whether its footers close or partly fix ``bug_id``, or its topic is ``bug/N``."""
        return bug_id in self.closes or bug_id in self.partial or bug_id == self.topic_bug


@dataclass(frozen=True, slots=True)
class _TaskFacts:
    bug_id: int
    target: str
    status: str
    assignee: str | None
    released: datetime | None


def _bug_ids(values: Iterable[str]) -> frozenset[int]:
    return frozenset(int(v) for v in values if v.isdigit())


def _load_changes(session: Session) -> list[_ChangeFacts]:
    stmt = select(
        ChangeRow.number,
        ChangeRow.project,
        ChangeRow.branch,
        ChangeRow.status,
        ChangeRow.closes_bug,
        ChangeRow.partial_bug,
        ChangeRow.topic,
        ChangeRow.updated,
        ChangeRow.submitted,
    ).order_by(ChangeRow.number)
    facts: list[_ChangeFacts] = []
    for (
        number,
        project,
        branch,
        status,
        closes,
        partial,
        topic,
        updated,
        submitted,
    ) in session.execute(stmt):
        target = parse_gerrit_topic(topic)
        topic_bug = int(target[1]) if target and target[0] is LinkKind.BUG else None
        facts.append(
            _ChangeFacts(
                number=number,
                repo=repo_name(project),
                branch=branch,
                status=ChangeStatus(status),
                closes=_bug_ids(closes),
                partial=_bug_ids(partial),
                topic_bug=topic_bug,
                at=submitted or updated,
                updated=updated,
            )
        )
    return facts


def _load_tasks(session: Session, bug_ids: Collection[int]) -> list[_TaskFacts]:
    """Tasks of visible bugs: those of ``bug_ids`` plus every Fix Released one."""
    base = (
        select(
            BugTaskRow.bug_id,
            BugTaskRow.target,
            BugTaskRow.status,
            BugTaskRow.assignee,
            BugTaskRow.date_fix_released,
            BugTaskRow.date_closed,
        )
        .join(BugRow, BugRow.bug_id == BugTaskRow.bug_id)
        .where(BugRow.visible.is_(True))
    )
    stmts = [base.where(BugTaskRow.status == FIX_RELEASED)]
    stmts += [base.where(BugTaskRow.bug_id.in_(chunk)) for chunk in in_chunks(set(bug_ids))]
    found: dict[tuple[int, str], _TaskFacts] = {}
    for stmt in stmts:
        for bug_id, target, status, assignee, released, closed in session.execute(stmt):
            found[(bug_id, target)] = _TaskFacts(
                bug_id, target, status, assignee, released or closed
            )
    return [found[key] for key in sorted(found)]


def _day(at: datetime | None) -> str:
    return f"{at:%Y-%m-%d}" if at is not None else "at an unknown date"


def drift(session: Session, *, projects: Collection[str] | None = None) -> list[DriftItem]:
    """Bug tasks whose Launchpad state disagrees with the stored Gerrit changes.

    - ``merged-bug-open``: a MERGED change's ``Closes-Bug`` footer names a bug whose
      task for the change (see below) is still New/Confirmed/Triaged/In Progress;
      the newest such change is named, and the task should be Fix Released.
    - ``abandoned-bug-in-progress``: an ABANDONED change closed or partly fixed a bug
      whose task is In Progress and assigned, and no NEW or MERGED change works on
      it (footer or ``bug/N`` topic) for that task.
    - ``released-without-merge``: a task is Fix Released but no MERGED change of
      its project closes the bug. Only projects with stored changes are judged,
      and only tasks released (when the date is known) after the oldest stored
      update of that project: older fixes predate what the sync has seen.

    A change works on the project task (``manila``) from the main line and on the
    series task (``manila/wallaby``) from ``stable/wallaby``. Private bugs are
    skipped. ``projects`` (Gerrit or Launchpad names) restricts the report.
    Sorted by kind, bug and target. Three queries plus one per chunk of bugs.
    """
    wanted = None if projects is None else {repo_name(p) for p in projects}
    changes = [c for c in _load_changes(session) if wanted is None or c.repo in wanted]
    referenced = {
        bug for c in changes if c.status is not ChangeStatus.NEW for bug in (c.closes | c.partial)
    }
    tasks = [
        t
        for t in _load_tasks(session, referenced)
        if wanted is None or lp_project(t.target) in wanted
    ]
    tasks_of: dict[int, list[_TaskFacts]] = defaultdict(list)
    for task in tasks:
        tasks_of[task.bug_id].append(task)
    working: dict[int, list[_ChangeFacts]] = defaultdict(list)  # bug -> NEW/MERGED changes
    for change in changes:
        if change.status is not ChangeStatus.ABANDONED:
            topic = () if change.topic_bug is None else (change.topic_bug,)
            for bug in {*change.closes, *change.partial, *topic}:
                working[bug].append(change)
    found: dict[tuple[DriftKind, int, str], DriftItem] = {}

    def offer(item: DriftItem) -> None:
        """Keep one item per (kind, task): the one with the newest change."""
        key = (item.kind, item.bug_id, item.target)
        old = found.get(key)
        if old is None or (item.at or _NEVER) > (old.at or _NEVER):
            found[key] = item

    for change in changes:
        if change.status is ChangeStatus.MERGED:
            for bug in sorted(change.closes):
                for task in tasks_of.get(bug, ()):
                    if task.status in OPEN_BUG_STATUSES and change.covers(task.target):
                        offer(_merged_item(change, task))
        elif change.status is ChangeStatus.ABANDONED:
            for bug in sorted(change.closes | change.partial):
                for task in tasks_of.get(bug, ()):
                    if (
                        task.status == "In Progress"
                        and task.assignee
                        and change.covers(task.target)
                        and not any(c.covers(task.target) for c in working.get(bug, ()))
                    ):
                        offer(_abandoned_item(change, task))
    seen_since: dict[str, datetime] = {}  # project -> oldest stored update
    for change in changes:
        seen_since[change.repo] = min(change.updated, seen_since.get(change.repo, change.updated))
    closed = {(c.repo, bug) for c in changes if c.status is ChangeStatus.MERGED for bug in c.closes}
    for task in tasks:
        project = lp_project(task.target)
        if (
            task.status == FIX_RELEASED
            and project in seen_since
            and (task.released is None or task.released >= seen_since[project])
            and (project, task.bug_id) not in closed
        ):
            todo = (
                f"bug {task.bug_id} ({task.target}) is Fix Released but no merged change"
                " closes it: find the fix or reopen the bug"
            )
            offer(
                DriftItem(
                    DriftKind.RELEASED_WITHOUT_MERGE,
                    task.bug_id,
                    task.target,
                    task.status,
                    task.assignee,
                    None,
                    None,
                    task.released,
                    todo,
                )
            )
    return sorted(found.values(), key=lambda i: (_DRIFT_ORDER[i.kind], i.bug_id, i.target))


def _merged_item(change: _ChangeFacts, task: _TaskFacts) -> DriftItem:
    todo = (
        f"bug {task.bug_id} ({task.target}) is {task.status} but change {change.number}"
        f" closing it merged {_day(change.at)}: set it to {FIX_RELEASED}"
    )
    return DriftItem(
        DriftKind.MERGED_BUG_OPEN,
        task.bug_id,
        task.target,
        task.status,
        task.assignee,
        change.number,
        change.status,
        change.at,
        todo,
        FIX_RELEASED,
    )


def _abandoned_item(change: _ChangeFacts, task: _TaskFacts) -> DriftItem:
    todo = (
        f"bug {task.bug_id} ({task.target}) is In Progress, assigned to {task.assignee},"
        f" but change {change.number} was abandoned {_day(change.at)} and no open or merged"
        " change works on it: unassign it or set it back to Triaged"
    )
    return DriftItem(
        DriftKind.ABANDONED_BUG_IN_PROGRESS,
        task.bug_id,
        task.target,
        task.status,
        task.assignee,
        change.number,
        change.status,
        change.at,
        todo,
    )
