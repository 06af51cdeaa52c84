"""Commitment state: judge each commitment from the work linked to it.

Pure functions only: no I/O.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from syncsvc.config import STALL_DAYS
from syncsvc.domain import (
    FIXED_STATUSES,
    UNFIXED_CLOSED_STATUSES,
    ActionState,
    Assessment,
    Bug,
    BugTask,
    Change,
    ChangeStatus,
    CommitmentState,
    Link,
    LinkKind,
    LinkStatus,
    StoredAction,
    lp_project,
    repo_name,
)
from syncsvc.reconcile.evidence import bug_activity


@dataclass(frozen=True, slots=True)
class _Work:
    label: str
    phase: str  # "open", "done" or "dead" (abandoned, invalid, won't fix)
    activity: datetime | None
    finished: datetime | None = None  # when it was merged, abandoned, fixed or closed


def is_backport(branch: str) -> bool:
    """Whether ``branch`` is a stable (or unmaintained) backport branch."""
    return branch.startswith(("stable/", "unmaintained/"))


def _change_work(change: Change) -> _Work:
    phase = {ChangeStatus.MERGED: "done", ChangeStatus.ABANDONED: "dead"}.get(change.status, "open")
    where = f" on {change.branch}" if is_backport(change.branch) else ""
    finished = (change.submitted or change.updated) if phase != "open" else None
    return _Work(f"change {change.number}{where} {change.status}", phase, change.updated, finished)


def _bug_work(bug: Bug, tasks: Sequence[BugTask]) -> _Work:
    fixed = [t for t in tasks if t.status in FIXED_STATUSES]
    dead = [
        t
        for t in tasks
        if t not in fixed and (t.is_complete or t.status in UNFIXED_CLOSED_STATUSES)
    ]
    phase = "open" if len(fixed) + len(dead) < len(tasks) else "done" if fixed else "dead"
    statuses = ", ".join(sorted({f"{t.target} {t.status}" for t in tasks}))
    closed = [(t.date_fix_committed, t.date_fix_released, t.date_closed) for t in (*fixed, *dead)]
    finished = max((d for dates in closed for d in dates if d is not None), default=None)
    return _Work(f"bug {bug.bug_id} ({statuses})", phase, bug_activity(bug), finished)


def _finished_before(work: _Work, day: date | None) -> bool:
    """Whether ``work`` was merged, fixed or closed before ``day``, the day the commitment
    was made: it is what the commitment refers to ("revise the spec based on the feedback
    on 729292"), not what carries it out, so it neither completes nor stalls it."""
    return (
        day is not None
        and work.phase != "open"
        and work.finished is not None
        and work.finished.astimezone(UTC).date() < day
    )


def _bug_tasks(bug: Bug, branch: str | None, projects: Collection[str]) -> list[BugTask]:
    if branch is not None and is_backport(branch):
        series = branch.rsplit("/", 1)[-1]
        tasks = [t for t in bug.tasks if t.target.endswith(f"/{series}")]
    else:
        tasks = [t for t in bug.tasks if "/" not in t.target]
    ours = [t for t in tasks if lp_project(t.target) in projects]
    return ours or tasks


def _collect_work(
    links: Sequence[Link],
    changes: Mapping[int, Change],
    bugs: Mapping[int, Bug],
    branch: str | None,
    projects: Collection[str],
) -> tuple[list[_Work], list[str]]:
    known = [
        changes[int(v.id)] for v in links if v.kind is LinkKind.CHANGE and int(v.id) in changes
    ]
    if branch is None:
        chosen = [c for c in known if not is_backport(c.branch)] or known
    else:
        chosen = [c for c in known if c.branch == branch]
    work = [_change_work(c) for c in sorted(chosen, key=lambda c: c.number)]
    missing = [
        f"change {v.id}" for v in links if v.kind is LinkKind.CHANGE and int(v.id) not in changes
    ]
    for link in (v for v in links if v.kind is LinkKind.BUG):
        bug = bugs.get(int(link.id))
        if bug is None or not bug.visible:
            missing.append(f"bug {link.id}")
        elif tasks := _bug_tasks(bug, branch, projects):
            work.append(_bug_work(bug, tasks))
    missing += [f"blueprint {v.id}" for v in links if v.kind is LinkKind.BLUEPRINT]
    return work, missing


def assess(
    action: StoredAction,
    links: Sequence[Link],
    changes_by_number: Mapping[int, Change],
    bugs_by_id: Mapping[int, Bug],
    *,
    now: datetime,
    stall_days: int = STALL_DAYS,
    marked: ActionState | None = None,
    branch: str | None = None,
    projects: Sequence[str] = (),
) -> Assessment:
    """The state of ``action``, the reason, and since when the evidence says it holds.

    ``marked`` (default: ``action.state``) DONE/DROPPED wins. Only this action's
    confirmed links count; blueprints and records not in the mappings are "no
    data". ``branch=None`` judges the main line: changes on stable/unmaintained
    branches are ignored unless only backports are linked; bug tasks of series
    are ignored. ``branch="stable/x"`` judges that backport alone. ``projects``
    restricts bug tasks to those targets when any match. ``now`` is aware.

    Since: done when the last piece of work was merged or fixed; in progress
    from the latest activity; stalled when the idle window ran out (the day
    after the due date when nothing started); marks and undated evidence: now.
    """
    mark = marked if marked is not None else action.state
    if mark is ActionState.DROPPED:
        return Assessment(CommitmentState.DROPPED, "marked dropped")
    if mark is ActionState.DONE:
        return Assessment(CommitmentState.DONE, "marked done")
    mine = [v for v in links if v.action_id == action.id and v.status is LinkStatus.CONFIRMED]
    linked, missing = _collect_work(
        mine, changes_by_number, bugs_by_id, branch, {repo_name(p) for p in projects}
    )
    earlier = [w for w in linked if _finished_before(w, action.day)]
    work = [w for w in linked if w not in earlier]
    if not work:
        detail = f"no data yet for {', '.join(missing)}" if missing else "no linked work"
        if earlier:
            labels = "; ".join(w.label for w in earlier)
            before = f"linked work finished before the commitment ({action.day}): {labels}"
            detail = f"{before}; {detail}" if missing else before
        if branch is not None:
            detail += f" on {branch}"
        if action.due is not None and action.due < now.date():
            overdue = datetime.combine(action.due + timedelta(days=1), time(), UTC)
            reason = f"not started and past due {action.due}: {detail}"
            return Assessment(CommitmentState.STALLED, reason, overdue)
        return Assessment(CommitmentState.NOT_STARTED, detail)
    if open_work := [w for w in work if w.phase == "open"]:
        dated = [w for w in open_work if w.activity is not None]
        if not dated:
            reason = f"{open_work[0].label} open with no activity date"
            return Assessment(CommitmentState.STALLED, reason)
        latest = max(dated, key=lambda w: (w.activity, w.label))
        assert latest.activity is not None
        idle = now - latest.activity
        when = f"last updated {latest.activity:%Y-%m-%d}"
        if idle > timedelta(days=stall_days):
            reason = f"{latest.label} open, {when}: idle {idle.days} days > {stall_days}"
            since = latest.activity + timedelta(days=stall_days)
            return Assessment(CommitmentState.STALLED, reason, since)
        ago = "1 day" if idle.days == 1 else f"{idle.days} days"
        reason = f"{latest.label} open, {when} ({ago} ago)"
        return Assessment(CommitmentState.IN_PROGRESS, reason, latest.activity)
    finished = max((w.finished for w in work if w.finished is not None), default=None)
    if done := [w.label for w in work if w.phase == "done"]:
        reason = "all linked work complete: " + "; ".join(done)
        return Assessment(CommitmentState.DONE, reason, finished)
    reason = "all linked work closed unfixed: " + "; ".join(w.label for w in work)
    return Assessment(CommitmentState.STALLED, reason, finished)


def branch_states(
    action: StoredAction,
    links: Sequence[Link],
    changes_by_number: Mapping[int, Change],
    bugs_by_id: Mapping[int, Bug],
    *,
    now: datetime,
    stall_days: int = STALL_DAYS,
    marked: ActionState | None = None,
    projects: Sequence[str] = (),
) -> tuple[tuple[str, CommitmentState, str], ...]:
    """The main-line state (labelled ``master``) then one row per linked backport branch,
    sorted; backport rows ignore ``marked`` and show the backport's own state.
    ``projects`` restricts bug tasks as :func:`assess` does."""
    args = (action, links, changes_by_number, bugs_by_id)
    main = assess(*args, now=now, stall_days=stall_days, marked=marked, projects=projects)
    rows = [("master", main.state, main.reason)]
    numbers = {
        int(v.id)
        for v in links
        if v.action_id == action.id
        and v.kind is LinkKind.CHANGE
        and v.status is LinkStatus.CONFIRMED
    }
    backports = {
        c.branch for n in numbers if (c := changes_by_number.get(n)) and is_backport(c.branch)
    }
    for branch in sorted(backports):
        found = assess(
            *args,
            now=now,
            stall_days=stall_days,
            marked=ActionState.OPEN,
            branch=branch,
            projects=projects,
        )
        rows.append((branch, found.state, found.reason))
    return tuple(rows)


def action_branches(
    action: StoredAction,
    links: Sequence[Link],
    changes_by_number: Mapping[int, Change],
    bugs_by_id: Mapping[int, Bug],
    *,
    now: datetime,
    stall_days: int = STALL_DAYS,
    projects: Sequence[str] = (),
) -> tuple[tuple[str, str, str], ...]:
    """(branch, state, reason) as `show` lists them: the main line first, then each
    linked backport branch (see :func:`branch_states`); bugs are judged by the tasks
    of ``projects`` when they have any."""
    rows = branch_states(
        action,
        links,
        changes_by_number,
        bugs_by_id,
        now=now,
        stall_days=stall_days,
        projects=projects,
    )
    return tuple((branch, str(state), reason) for branch, state, reason in rows)
