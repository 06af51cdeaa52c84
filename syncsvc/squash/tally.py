"""The squash report's per-person tally: who moved which task to which status.

Pure functions over stored records. The person is the one Launchpad's activity log
names for the change: each status line of the log dated in the window counts once,
intermediate steps included (New → Confirmed → Triaged between two syncs counts a
confirmation and a triage). Two cases are credited to the task's assignee as of the
change instead (the last assignee change before it in the window, else the stored
assignee; ``(unassigned)`` when there is none):

* a change made by a bot (``[squash] bots``: the infra and Gerrit hook accounts, which
  close bugs when a fix merges): the fix is the assignee's work;
* a stored status change that no log line covers (the log was not read: no sync ran
  during the window, or the bug changed after its last read). These are counted in
  :attr:`Tally.unlogged`, so reports can say how much rests on the older rule.

A log line covers a stored change when it is on the same task, sets the same status,
and is dated no later than the change (a stored change is dated by Launchpad's task
date, or by when the sync saw it when the task carries none).

Marking a bug a duplicate is bug-wide (``marked as duplicate`` in the log, no task
status changes): it counts as ``inquired`` with marking a task Incomplete, as the
issue's "marked incomplete or duplicate" column has it, for the person the log names
(a bot's marking counts for nobody).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from syncsvc.domain import ActivityEntry, SquashBug, TaskChange

#: The activity log's ``whatchanged`` when someone marks the bug a duplicate.
MARKED_DUPLICATE = "marked as duplicate"
#: Per-person tally columns and the statuses that count for each.
TALLY: dict[str, tuple[str, ...]] = {
    "confirmed": ("Confirmed",),
    "triaged": ("Triaged",),
    "inquired": ("Incomplete",),
    "rejected": ("Invalid", "Opinion", "Won't Fix"),
    "resolved": ("Fix Released", "Fix Committed"),
}
UNASSIGNED = "(unassigned)"


@dataclass(frozen=True, slots=True)
class Tally:
    """Person → column → count (people sorted by name, every column present), and how
    many counted changes had no activity line and went to the assignee."""

    people: Mapping[str, Mapping[str, int]]
    unlogged: int = 0


def assignee_at(
    bug_id: int,
    target: str,
    when: datetime,
    changes: Sequence[TaskChange],
    tasks: Mapping[int, SquashBug],
) -> str:
    """The task's assignee as of ``when``: the last stored assignee change at or before
    it, else the stored assignee, else ``(unassigned)``."""
    earlier = [
        c
        for c in changes
        if c.field == "assignee"
        and (c.bug_id, c.target) == (bug_id, target)
        and c.changed_at <= when
    ]
    if earlier:
        return earlier[-1].new_value or UNASSIGNED
    task = tasks.get(bug_id)
    return (task.assignee if task is not None else None) or UNASSIGNED


def _column(status: str | None) -> str | None:
    return next((c for c, statuses in TALLY.items() if status in statuses), None)


def person_tally(
    changes: Sequence[TaskChange],
    activity: Sequence[ActivityEntry],
    tasks: Mapping[int, SquashBug],
    *,
    projects: Collection[str] = (),
    bots: Collection[str] = (),
) -> Tally:
    """The tally of the window's stored task ``changes`` and activity lines (both
    oldest first, both already limited to the window and the event's bugs); only task
    lines of ``projects`` count when given."""
    counts: dict[str, Counter[str]] = {}

    def credit(person: str, column: str) -> None:
        counts.setdefault(person, Counter())[column] += 1

    logged: list[tuple[int, str, str | None, ActivityEntry]] = []
    for line in activity:
        if line.what == MARKED_DUPLICATE:
            if line.person is not None and line.person not in bots:
                credit(line.person, "inquired")
            continue
        task = line.task_field
        if task is None or task[1] != "status" or (projects and task[0] not in projects):
            continue
        logged.append((line.bug_id, task[0], line.new_value, line))
        column = _column(line.new_value)
        if column is None:
            continue
        person = line.person
        if person is None or person in bots:
            person = assignee_at(line.bug_id, task[0], line.changed_at, changes, tasks)
        credit(person, column)
    unlogged = 0
    for change in changes:
        column = _column(change.new_value) if change.field == "status" else None
        if column is None:
            continue
        covered = any(
            (bug_id, target, new) == (change.bug_id, change.target, change.new_value)
            and line.changed_at <= change.changed_at
            for bug_id, target, new, line in logged
        )
        if not covered:
            unlogged += 1
            person = assignee_at(change.bug_id, change.target, change.changed_at, changes, tasks)
            credit(person, column)
    people = {p: {c: n[c] for c in TALLY} for p, n in sorted(counts.items())}
    return Tally(people, unlogged)


def unlogged_note(count: int) -> str:
    """What a report says about the changes :func:`person_tally` credited by the older
    rule because no activity line covers them."""
    changes = "change" if count == 1 else "changes"
    return (
        f"{count} status {changes} with no activity log line read: "
        "credited to the task's assignee at the change"
    )
