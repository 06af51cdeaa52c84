"""Drift rules: Launchpad state that disagrees with Gerrit (change merged, bug still open; …).

Pure functions over :class:`~syncsvc.domain.Change` and
:class:`~syncsvc.domain.BugTask` records; the storage only loads them
(:mod:`syncsvc.models.drift`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from syncsvc.domain import (
    OPEN_STATUSES,
    BugTask,
    BugTaskStatus,
    Change,
    ChangeStatus,
    LinkKind,
    lp_project,
    repo_name,
)
from syncsvc.reconcile.footers import parse_gerrit_topic
from syncsvc.reconcile.state import is_backport


class DriftKind(StrEnum):
    """How Launchpad disagrees with Gerrit."""

    MERGED_BUG_OPEN = "merged-bug-open"
    ABANDONED_BUG_IN_PROGRESS = "abandoned-bug-in-progress"
    RELEASED_WITHOUT_MERGE = "released-without-merge"


FIX_RELEASED = BugTaskStatus.FIX_RELEASED
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

    @classmethod
    def of(cls, change: Change) -> _ChangeFacts:
        target = parse_gerrit_topic(change.topic)
        topic_bug = int(target[1]) if target and target[0] is LinkKind.BUG else None
        return cls(
            number=change.number,
            repo=repo_name(change.project),
            branch=change.branch,
            status=ChangeStatus(change.status),
            closes=_bug_ids(change.footers.closes_bug),
            partial=_bug_ids(change.footers.partial_bug),
            topic_bug=topic_bug,
            at=change.submitted or change.updated,
            updated=change.updated,
        )

    def covers(self, target: str) -> bool:
        """Whether this change works on bug task ``target``: the project task for the main
        line, the series task (``manila/wallaby``) for a ``stable/wallaby`` backport."""
        if lp_project(target) != self.repo:
            return False
        if is_backport(self.branch):
            return target.casefold() == f"{self.repo}/{self.branch.rsplit('/', 1)[-1]}".casefold()
        return "/" not in target


def _bug_ids(values: Iterable[str]) -> frozenset[int]:
    return frozenset(int(v) for v in values if v.isdigit())


def _wanted(projects: Collection[str] | None) -> set[str] | None:
    return None if projects is None else {repo_name(p) for p in projects}


def _facts(changes: Iterable[Change], wanted: set[str] | None) -> list[_ChangeFacts]:
    facts = sorted((_ChangeFacts.of(c) for c in changes), key=lambda c: c.number)
    return [c for c in facts if wanted is None or c.repo in wanted]


def drift_bugs(changes: Iterable[Change], *, projects: Collection[str] | None = None) -> set[int]:
    """The bugs whose tasks :func:`find_drift` needs besides the Fix Released ones:
    those a MERGED or ABANDONED change (of ``projects``) closes or partly fixes."""
    return {
        bug
        for c in _facts(changes, _wanted(projects))
        if c.status is not ChangeStatus.NEW
        for bug in (c.closes | c.partial)
    }


def drift(
    changes: Iterable[Change],
    load_tasks: Callable[[set[int]], Iterable[BugTask]],
    *,
    projects: Collection[str] | None = None,
) -> list[DriftItem]:
    """:func:`find_drift` over ``changes`` and the tasks ``load_tasks`` gives for
    the :func:`drift_bugs` of them (plus every Fix Released task)."""
    changes = list(changes)
    tasks = load_tasks(drift_bugs(changes, projects=projects))
    return find_drift(changes, tasks, projects=projects)


def _released(task: BugTask) -> datetime | None:
    return task.date_fix_released or task.date_closed


def find_drift(
    changes: Iterable[Change],
    tasks: Iterable[BugTask],
    *,
    projects: Collection[str] | None = None,
) -> list[DriftItem]:
    """Bug tasks whose Launchpad state disagrees with the Gerrit ``changes``.

    ``tasks`` are the tasks of visible bugs (private bugs are skipped by the
    caller): at least those of :func:`drift_bugs` and every Fix Released one.

    - ``merged-bug-open``: a MERGED change's ``Closes-Bug`` footer names a bug whose
      task for the change (see below) is still New/Confirmed/Triaged/In Progress;
      the newest such change is named, and the task should be Fix Released.
    - ``abandoned-bug-in-progress``: an ABANDONED change closed or partly fixed a bug
      whose task is In Progress and assigned, and no NEW or MERGED change works on
      it (footer or ``bug/N`` topic) for that task.
    - ``released-without-merge``: a task is Fix Released but no MERGED change of
      its project closes the bug. Only projects with changes are judged, and only
      tasks released (when the date is known: ``date_fix_released``, else
      ``date_closed``) after the oldest update of that project: older fixes
      predate what the sync has seen.

    A change works on the project task (``manila``) from the main line and on the
    series task (``manila/wallaby``) from ``stable/wallaby``. ``projects`` (Gerrit
    or Launchpad names) restricts the report. Sorted by kind, bug and target.
    """
    wanted = _wanted(projects)
    facts = _facts(changes, wanted)
    kept = sorted(
        (t for t in tasks if wanted is None or lp_project(t.target) in wanted),
        key=lambda t: (t.bug_id, t.target),
    )
    tasks_of: dict[int, list[BugTask]] = defaultdict(list)
    for task in kept:
        tasks_of[task.bug_id].append(task)
    working: dict[int, list[_ChangeFacts]] = defaultdict(list)  # bug -> NEW/MERGED changes
    for change in facts:
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

    for change in facts:
        if change.status is ChangeStatus.MERGED:
            for bug in sorted(change.closes):
                for task in tasks_of.get(bug, ()):
                    if task.status in OPEN_STATUSES and change.covers(task.target):
                        offer(_merged_item(change, task))
        elif change.status is ChangeStatus.ABANDONED:
            for bug in sorted(change.closes | change.partial):
                for task in tasks_of.get(bug, ()):
                    if (
                        task.status == BugTaskStatus.IN_PROGRESS
                        and task.assignee
                        and change.covers(task.target)
                        and not any(c.covers(task.target) for c in working.get(bug, ()))
                    ):
                        offer(_abandoned_item(change, task))
    seen_since: dict[str, datetime] = {}  # project -> oldest update
    for change in facts:
        seen_since[change.repo] = min(change.updated, seen_since.get(change.repo, change.updated))
    closed = {(c.repo, bug) for c in facts if c.status is ChangeStatus.MERGED for bug in c.closes}
    for task in kept:
        project, released = lp_project(task.target), _released(task)
        if (
            task.status == FIX_RELEASED
            and project in seen_since
            and (released is None or released >= seen_since[project])
            and (project, task.bug_id) not in closed
        ):
            todo = (
                f"bug {task.bug_id} ({task.target}) is {FIX_RELEASED} but no merged change"
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
                    released,
                    todo,
                )
            )
    return sorted(found.values(), key=lambda i: (_DRIFT_ORDER[i.kind], i.bug_id, i.target))


def _day(at: datetime | None) -> str:
    return f"{at:%Y-%m-%d}" if at is not None else "at an unknown date"


def _merged_item(change: _ChangeFacts, task: BugTask) -> DriftItem:
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


def _abandoned_item(change: _ChangeFacts, task: BugTask) -> DriftItem:
    todo = (
        f"bug {task.bug_id} ({task.target}) is {BugTaskStatus.IN_PROGRESS}, assigned to"
        f" {task.assignee}, but change {change.number} was abandoned {_day(change.at)} and no"
        " open or merged change works on it: unassign it or set it back to Triaged"
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
