"""`squash status` and `squash report`: an event's outcome from syncsvc's own history.

Pure functions over stored records: snapshots appended by each sync in the window,
task changes dated by the remote timestamps they carry, sign-ups, and the tasks
themselves for titles and links. Nothing is read from a task's current status for a
past moment (the pitfall of reconstructing history from today's metadata).

Attribution: a bug counts for the event when it carries the event tag, or when a person
touched it in the window: a status, importance or assignee change of one of its tasks in
the event's projects, a duplicate marking, or a comment, by someone who is not a bot
(``[squash] bots``). Who made a change is read from the bug's activity log (with its
comments); a stored change the log does not cover yet (never read, or read before the
change) counts as a person's, the only reading the stored record allows.

The per-person tally (:mod:`.tally`) credits the person Launchpad's activity log names
for each status change in the window (the sync reads the log of bugs touched in a
squash window). A bot's change (``[squash] bots``), and a stored change no log line
covers, go to the task's assignee as of that change (``(unassigned)`` when there is
none); :attr:`SquashReport.unlogged` counts the latter, and the text and HTML reports
say so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from syncsvc import escape
from syncsvc.domain import (
    COMMENTED,
    ActivityEntry,
    SquashBug,
    SquashEvent,
    SquashSnapshot,
    TaskChange,
)
from syncsvc.report.views import JSONValue
from syncsvc.squash.plan import TOTALS
from syncsvc.squash.rules import Listed
from syncsvc.squash.tally import MARKED_DUPLICATE, UNASSIGNED, person_tally, unlogged_note
from syncsvc.squash.views import lp_bug_url

#: Closing statuses by route, in report order.
ROUTES: dict[str, str] = {
    "Fix Released": "fixed",
    "Invalid": "invalid",
    "Won't Fix": "wont_fix",
    "Opinion": "invalid",
    "Expired": "expired",
    "Does Not Exist": "invalid",
}
ROUTE_NAMES = ("fixed", "invalid", "wont_fix", "duplicate", "expired")
IMPORTANCE_ORDER = ("Critical", "High", "Medium", "Low", "Wishlist", "Undecided")
IRC_LINE_BYTES = 400


def totals_of(counts: Mapping[str, int]) -> dict[str, int]:
    """A snapshot's counts as the plan's totals (``open``, ``new``, ``undecided`` …)."""
    status = {
        "new": "New",
        "incomplete": "Incomplete",
        "confirmed": "Confirmed",
        "triaged": "Triaged",
        "in_progress": "In Progress",
        "fix_committed": "Fix Committed",
    }
    importance = {"undecided": "Undecided", "critical": "Critical", "high": "High"}
    found = {"open": counts.get("open", 0), "unassigned": counts.get("unassigned", 0)}
    found |= {k: counts.get(f"status:{v}", 0) for k, v in status.items()}
    found |= {k: counts.get(f"importance:{v}", 0) for k, v in importance.items()}
    return {name: found[name] for name in TOTALS}


@dataclass(frozen=True, slots=True)
class PreviousSquash:
    """What the report compares with: the previous event's headline numbers."""

    name: str
    starts_at: datetime
    ends_at: datetime
    closed: int
    signed_up: int
    closed_of_signed_up: int


@dataclass(frozen=True, slots=True)
class SquashReport:
    """The event's outcome; see :func:`report_json` for the documented shape."""

    event: SquashEvent
    before: Mapping[str, int] | None
    after: Mapping[str, int] | None
    closed: Mapping[int, str]  # bug id → route
    signed_up: Mapping[int, str]  # bug id → person (sheet, or assigned in the window)
    people: Mapping[str, Mapping[str, int]]
    attributed: frozenset[int]
    follow_up: Sequence[Listed]
    previous: PreviousSquash | None
    snapshots: Sequence[SquashSnapshot]
    #: Counted status changes no activity line covers (credited to the assignee).
    unlogged: int = 0
    #: Bugs changed in the window by bots alone (not tagged): not counted.
    bots_only: int = 0

    @property
    def closed_of_signed_up(self) -> int:
        """How many signed-up bugs were closed."""
        return sum(1 for b in self.signed_up if b in self.closed)

    def percent(self) -> float | None:
        """Closed of signed up, in % (one decimal), or ``None`` with no sign-up."""
        if not self.signed_up:
            return None
        return round(100 * self.closed_of_signed_up / len(self.signed_up), 1)


def build_report(
    event: SquashEvent,
    snapshots: Sequence[SquashSnapshot],
    changes: Sequence[TaskChange],
    tasks: Mapping[int, SquashBug],
    sheet: Mapping[int, str],
    *,
    follow_up: Sequence[Listed] = (),
    previous: PreviousSquash | None = None,
    activity: Sequence[ActivityEntry] = (),
    logged: Mapping[int, datetime] | None = None,
    bots: Collection[str] = (),
) -> SquashReport:
    """The report of ``event`` from its snapshots (oldest first), the task ``changes``
    dated in its window (oldest first), the tasks of the bugs that may count by bug id
    (for the event tag, duplicates and titles), and the pasted sign-up ``sheet``; who
    touched what from the ``activity`` lines of those bugs (oldest first, comment lines
    included) and ``logged`` (bug id → the ``date_last_updated`` its log was read at;
    none: no log read, so every stored change counts), ``bots`` left out."""
    window = [c for c in changes if event.starts_at <= c.changed_at <= event.ends_at]
    lines = [a for a in activity if event.starts_at <= a.changed_at <= event.ends_at]
    touched = touched_bugs(window, lines, logged or {}, projects=event.projects, bots=bots)
    tagged = {b for b, task in tasks.items() if event.tag is not None and event.tag in task.tags}
    attributed = frozenset((touched | tagged) & tasks.keys())
    moved = ({c.bug_id for c in window} | {a.bug_id for a in lines}) & tasks.keys()
    in_window = [c for c in window if c.bug_id in attributed]
    closed: dict[int, str] = {}
    for change in in_window:
        if change.field == "status":
            route = ROUTES.get(change.new_value or "")
            if route is not None:
                closed[change.bug_id] = route
            else:
                closed.pop(change.bug_id, None)  # reopened later in the window
    for bug_id in touched:
        task = tasks.get(bug_id)
        if task is not None and task.duplicate_of is not None:
            closed[bug_id] = "duplicate"
    signed = dict(sheet)
    for change in in_window:
        if change.field == "assignee" and change.new_value and change.bug_id not in signed:
            signed[change.bug_id] = change.new_value  # assigned in the window: claimed
    lines = [a for a in lines if a.bug_id in attributed]
    tally = person_tally(in_window, lines, tasks, projects=event.projects, bots=frozenset(bots))
    return SquashReport(
        event=event,
        before=totals_of(dict(snapshots[0].counts)) if snapshots else None,
        after=totals_of(dict(snapshots[-1].counts)) if snapshots else None,
        closed=dict(sorted(closed.items())),
        signed_up=dict(sorted(signed.items())),
        people=tally.people,
        attributed=attributed,
        follow_up=follow_up,
        previous=previous,
        snapshots=snapshots,
        unlogged=tally.unlogged,
        bots_only=len(moved - attributed),
    )


#: Task fields whose change touches a bug (with a comment and a duplicate marking).
TOUCHING_FIELDS = ("status", "importance", "assignee")


def touched_bugs(
    changes: Sequence[TaskChange],
    activity: Sequence[ActivityEntry],
    logged: Mapping[int, datetime],
    *,
    projects: Collection[str] = (),
    bots: Collection[str] = (),
) -> set[int]:
    """The bugs a person touched, from the window's stored task ``changes`` and activity
    lines: a line of a status, importance or assignee change (of a task in ``projects``,
    when given), a duplicate marking or a comment, by someone not in ``bots``; and a
    stored change its bug's log does not cover (``logged``: bug id → the date the log
    was read at), since nothing says a bot made it."""
    touched = {
        c.bug_id for c in changes if c.bug_id not in logged or c.changed_at > logged[c.bug_id]
    }
    for line in activity:
        if line.person is not None and line.person in bots:
            continue
        task = line.task_field
        if line.what in (COMMENTED, MARKED_DUPLICATE) or (
            task is not None
            and task[1] in TOUCHING_FIELDS
            and (not projects or task[0] in projects)
        ):
            touched.add(line.bug_id)
    return touched


def _goals_json(report: SquashReport) -> dict[str, JSONValue]:
    goals: dict[str, JSONValue] = {}
    for name, goal in report.event.goals:
        before = None if report.before is None else report.before.get(name)
        after = None if report.after is None else report.after.get(name)
        change = None if before is None or after is None else after - before
        met = None if after is None else after <= goal
        goals[name] = {"goal": goal, "before": before, "after": after, "change": change,
                       "met": met}  # fmt: skip
    return goals


def report_json(report: SquashReport) -> dict[str, JSONValue]:
    """``{"name", "from", "to", "goals", "before", "after", "closed_by_route",
    "signed_up", "closed_of_signed_up", "people", "follow_up", "previous"}``."""
    event = report.event
    routes = Counter(report.closed.values())
    previous = report.previous
    return {
        "name": event.name,
        "from": event.starts_at.isoformat(),
        "to": event.ends_at.isoformat(),
        "goals": _goals_json(report),
        "before": None if report.before is None else dict(report.before),
        "after": None if report.after is None else dict(report.after),
        "closed_by_route": {route: routes.get(route, 0) for route in ROUTE_NAMES},
        "signed_up": [
            {"bug": b, "person": p, "closed": b in report.closed}
            for b, p in report.signed_up.items()
        ],
        "closed_of_signed_up": {
            "closed": report.closed_of_signed_up,
            "signed_up": len(report.signed_up),
            "percent": report.percent(),
        },
        "people": [{"person": p, **dict(tally)} for p, tally in report.people.items()],
        "follow_up": [
            {
                "bug": item.bug.bug_id,
                "title": item.bug.title,
                "project": item.bug.project,
                "days_waiting": item.days,
                "url": lp_bug_url(item.bug),
            }
            for item in report.follow_up
        ],
        "previous": None
        if previous is None
        else {
            "name": previous.name,
            "from": previous.starts_at.isoformat(),
            "to": previous.ends_at.isoformat(),
            "closed": previous.closed,
            "signed_up": previous.signed_up,
            "closed_of_signed_up": previous.closed_of_signed_up,
        },
    }


def _closers(report: SquashReport, top: int = 3) -> str:
    resolved = Counter(
        {
            p: sum(t.values()) - t.get("confirmed", 0) - t.get("triaged", 0)
            for p, t in report.people.items()
            if p != UNASSIGNED
        }
    )
    best = [(p, n) for p, n in resolved.most_common() if n][:top]
    return ", ".join(f"{p} ({n})" for p, n in best) or "none yet"


def progress(
    before: Mapping[str, int] | None, after: Mapping[str, int] | None, goals: Mapping[str, int]
) -> list[str]:
    """``["open 180 → 150 (goal 130)", …]`` for each goal (open, new and undecided when
    none is set); ``?`` where no snapshot was taken."""
    names = [n for n in TOTALS if n in goals] or ["open", "new", "undecided"]
    found = []
    for name in names:
        first = "?" if before is None else str(before.get(name, 0))
        last = "?" if after is None else str(after.get(name, 0))
        goal = goals.get(name)
        found.append(f"{name} {first} → {last}" + ("" if goal is None else f" (goal {goal})"))
    return found


def status_lines(report: SquashReport, *, now: datetime) -> list[str]:
    """At most 10 IRC-safe lines (each at most 400 bytes): counts against the goals,
    closures by route, sign-ups closed, and the top closers."""
    event = report.event
    counts = ", ".join(progress(report.before, report.after, dict(event.goals)))
    routes = Counter(report.closed.values())
    lines = [
        f"squash {event.name}: {len(report.snapshots)} snapshots, last "
        f"{report.snapshots[-1].taken_at:%Y-%m-%d %H:%M} UTC"
        if report.snapshots
        else f"squash {event.name}: no snapshot yet (run syncsvc sync during the window)",
        f"counts: {counts}",
        f"closed {len(report.closed)}: "
        + ", ".join(f"{r.replace('_', ' ')} {routes.get(r, 0)}" for r in ROUTE_NAMES),
        f"signed up {len(report.signed_up)}, closed {report.closed_of_signed_up}",
        f"top closers: {_closers(report)}",
    ]
    if now > event.ends_at:
        lines.append("the window has ended: see syncsvc squash report")
    return [escape.clip_bytes(escape.one_line(line), IRC_LINE_BYTES) for line in lines[:10]]


def notes(report: SquashReport, prefix: str = "") -> list[str]:
    """What the counts leave out or rest on: bugs only bots changed, and status changes
    the tally credited without an activity line (nothing when both are 0)."""
    found = []
    if report.bots_only:
        bugs = "bug" if report.bots_only == 1 else "bugs"
        found.append(f"{prefix}not counted: {report.bots_only} {bugs} changed only by bots")
    if report.unlogged:
        found.append(prefix + unlogged_note(report.unlogged))
    return found


def mail_text(
    report: SquashReport, tasks: Mapping[int, SquashBug], changes: Mapping[int, Sequence[int]]
) -> list[str]:
    """The report as a bug-deputy style mail body: overview counts, then sections
    Critical to Undecided (each attributed bug with title, created, status, assignee,
    link and active patch; "None." where empty), then the follow-up list."""
    event = report.event
    routes = Counter(report.closed.values())
    before, after = report.before or {}, report.after or {}
    window = f"{event.starts_at:%Y-%m-%d %H:%M} to {event.ends_at:%Y-%m-%d %H:%M} UTC"
    lines = [f"Bug squash {event.name}: {window}", "", "Overview"]
    for name in ("open", "new", "undecided", "critical", "high", "unassigned"):
        goal = dict(event.goals).get(name)
        shown = f"- {name}: {before.get(name, '?')} -> {after.get(name, '?')}"
        lines.append(shown + ("" if goal is None else f" (goal {goal})"))
    with_patch = sum(1 for b in report.attributed if changes.get(b))
    lines.append(f"- bugs worked on: {len(report.attributed)}, with an active patch: {with_patch}")
    lines.append(
        f"- closed: {len(report.closed)} ("
        + ", ".join(f"{r.replace('_', ' ')} {routes.get(r, 0)}" for r in ROUTE_NAMES)
        + ")"
    )
    percent = report.percent()
    lines.append(
        f"- signed up: {len(report.signed_up)}, closed {report.closed_of_signed_up}"
        + ("" if percent is None else f" ({percent}%)")
    )
    lines += notes(report, "- ")
    for importance in IMPORTANCE_ORDER:
        lines += ["", importance]
        found = sorted(
            b for b in report.attributed if b in tasks and tasks[b].importance == importance
        )
        if not found:
            lines.append("None.")
        for bug_id in found:
            task = tasks[bug_id]
            created = "?" if task.date_created is None else f"{task.date_created:%Y-%m-%d}"
            patch = ", ".join(str(n) for n in changes.get(bug_id, ())) or "none"
            lines.append(f"- #{bug_id} {escape.one_line(task.title)}")
            lines.append(
                f"  created {created}, {task.status}, assignee {task.assignee or 'none'}, "
                f"active patch: {patch}"
            )
            lines.append(f"  {lp_bug_url(task)}")
    lines += ["", "Waiting on reviewers"]
    lines += [
        f"- #{i.bug.bug_id} {escape.one_line(i.bug.title)} ({i.days} days)"
        for i in report.follow_up
    ] or ["None."]
    lines += ["", "Triage notes", ""]
    return lines
