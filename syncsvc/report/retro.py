"""The PTL's cycle retrospective: planned vs done, burn-up, scope change, bugs, reviews.

Pure: :func:`build_retro` computes every figure from :class:`RetroFacts` as of
``until``, using only what happened at or before it by the stored (remote)
timestamps, so a report for a past date does not change when later syncs add
rows after that date. The result is plain JSON data (:data:`JSONValue`), the
documented shape of ``syncsvc retro --format json``.
"""

from __future__ import annotations

import statistics
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from syncsvc.config import GERRIT_CI_ACCOUNTS
from syncsvc.domain import (
    ActionOrigin,
    ActionState,
    BugTask,
    ChangeStatus,
    CommitmentState,
    TaskChange,
)
from syncsvc.domain.retro import RetroAction, RetroEvent, RetroFacts, RetroLink
from syncsvc.domain.reviews import ReviewEvent, first_review
from syncsvc.report.retro_blueprints import blueprints
from syncsvc.report.status import artifact_url
from syncsvc.report.views import JSONValue
from syncsvc.schedule.releases import SeriesSchedule

#: Retrospective buckets, in the order they are shown.
BUCKETS = (
    "done",
    "in_progress",
    "stalled",
    "never_started",
    "dropped",
    "withdrawn",
    "ongoing",
)
#: Buckets left out of the completion denominator.
EXCLUDED = ("dropped", "withdrawn", "ongoing")
_FROM_STATE = {
    CommitmentState.DONE: "done",
    CommitmentState.IN_PROGRESS: "in_progress",
    CommitmentState.STALLED: "stalled",
    CommitmentState.NOT_STARTED: "never_started",
    CommitmentState.DROPPED: "dropped",
}
_STARTED = frozenset({CommitmentState.IN_PROGRESS, CommitmentState.DONE})
_CLOSED = frozenset({ChangeStatus.MERGED, ChangeStatus.ABANDONED})
#: Milestone markers of a schedule (``w-1``) → the name a retrospective shows.
MILESTONES = (
    ("1", "M-1"),
    ("2", "M-2"),
    ("{team}-spec-freeze", "Spec freeze"),
    ("3", "M-3"),
    ("ff", "Feature freeze"),
    ("rc1", "RC1"),
    ("final", "Release"),
)
#: Launchpad importances counted apart in the weekly bug counts; the rest is "other".
IMPORTANCES = ("Critical", "High", "Undecided")
NO_REVIEW_MESSAGES = (
    "the linked changes' review messages were never read: run `syncsvc sync` to read them"
)


def end_of(day: date) -> datetime:
    """The last second of ``day`` in UTC."""
    return datetime.combine(day, time(23, 59, 59), UTC)


def cycle_start(schedule: SeriesSchedule | None) -> date | None:
    """The first day of the cycle's countdown (its first ``R-<n>`` week), or ``None``."""
    weeks = [w.start for w in schedule.weeks if w.in_cycle] if schedule is not None else []
    return min(weeks, default=None)


def default_until(schedule: SeriesSchedule | None, *, now: datetime) -> datetime:
    """``now``, or the end of the cycle's release week once that has passed."""
    week = schedule.milestone_week("final") if schedule is not None else None
    if week is not None and end_of(week.end) < now:
        return end_of(week.end)
    return now


def milestones(schedule: SeriesSchedule | None, team: str | None) -> list[JSONValue]:
    """The cycle's milestone markers in date order: ``{"name", "marker", "date"}`` (the
    last day of the milestone's week)."""
    if schedule is None:
        return []
    found: list[dict[str, str]] = []
    for marker, name in MILESTONES:
        if "{team}" in marker and not team:
            continue
        wanted = marker.format(team=(team or "").lower())
        if (hit := schedule.milestone(wanted)) is not None:
            found.append({"name": name, "marker": hit[0], "date": str(hit[1].end)})
    return [dict(m) for m in sorted(found, key=lambda m: m["date"])]


@dataclass(frozen=True, slots=True)
class _Timeline:
    """Each action's recorded states, oldest first, and when its linked changes were open."""

    states: Mapping[int, Sequence[tuple[datetime, str]]]
    open_work: Mapping[int, Sequence[tuple[datetime, datetime | None]]]

    def at(self, action_id: int, when: datetime) -> str | None:
        """The latest state entered at or before ``when``; a commitment still recorded
        as not started counts as in progress while a linked change of it is open."""
        found = None
        for changed_at, state in self.states.get(action_id, ()):
            if changed_at <= when:
                found = state
        if found in (None, CommitmentState.NOT_STARTED) and self._working(action_id, when):
            return CommitmentState.IN_PROGRESS
        return found

    def _working(self, action_id: int, when: datetime) -> bool:
        return any(
            opened <= when and (closed is None or closed > when)
            for opened, closed in self.open_work.get(action_id, ())
        )

    def started_by(self, action_id: int, when: datetime) -> bool:
        """Whether the action was in progress or done at some point up to ``when``."""
        return any(
            changed_at <= when and state in _STARTED
            for changed_at, state in self.states.get(action_id, ())
        ) or any(opened <= when for opened, _ in self.open_work.get(action_id, ()))


def _timeline(facts: RetroFacts) -> _Timeline:
    states: dict[int, list[tuple[datetime, str]]] = {}
    for t in sorted(facts.transitions, key=lambda t: t.changed_at):
        states.setdefault(t.action_id, []).append((t.changed_at, t.state))
    changes = {c.number: c for c in facts.changes}
    work: dict[int, list[tuple[datetime, datetime | None]]] = {}
    for link in facts.links:
        change = changes.get(int(link.id)) if link.kind == "change" and link.id.isdigit() else None
        if change is not None:
            closed = (change.submitted or change.updated) if change.status in _CLOSED else None
            work.setdefault(link.action_id, []).append((change.created, closed))
    return _Timeline(states, work)


def bucket(action: RetroAction, timeline: _Timeline, when: datetime) -> str:
    """Where ``action`` stands at ``when`` (one of :data:`BUCKETS`)."""
    if action.withdrawn_at is not None and action.withdrawn_at <= when:
        return "withdrawn"
    if action.state is ActionState.ONGOING:
        return "ongoing"
    state = timeline.at(action.id, when)
    return _FROM_STATE.get(CommitmentState(state), "never_started") if state else "never_started"


def completion(counts: Mapping[str, int]) -> dict[str, JSONValue]:
    """``{"percent", "done", "counted", "total", **counts}``: done / (all - dropped -
    withdrawn - ongoing), ``percent`` ``None`` when nothing counts."""
    total = sum(counts.values())
    counted = total - sum(counts.get(b, 0) for b in EXCLUDED)
    done = counts.get("done", 0)
    percent = round(100 * done / counted, 1) if counted else None
    return {
        "percent": percent,
        "done": done,
        "counted": counted,
        "total": total,
        **{b: counts.get(b, 0) for b in BUCKETS},
    }


def _evidence(links: Iterable[RetroLink]) -> list[JSONValue]:
    return [
        {"artifact": f"{link.kind}:{link.id}", "url": artifact_url(f"{link.kind}:{link.id}")}
        for link in sorted(links, key=lambda v: (v.kind, v.id))
    ]


def _item(
    action: RetroAction, where: str, links: Iterable[RetroLink], events: Mapping[int, RetroEvent]
) -> dict[str, JSONValue]:
    event = events.get(action.event_id)
    return {
        "id": action.id,
        "event": event.title if event else None,
        "topic": action.topic,
        "text": action.text,
        "owners": list(action.owners),
        "state": where,
        "carried_from": action.carried_from,
        "carried_to": list(action.carried_to),
        "evidence": _evidence(links),
    }


def _grouped(
    rows: Sequence[tuple[RetroAction, dict[str, JSONValue]]],
    key: str,
    names: Sequence[str | None],
) -> list[JSONValue]:
    """One group per name: ``topic`` groups by topic (with the items in full);
    ``owner`` by each owner (an action with two owners counts for both; ``None``
    for the unassigned), with the items' ids."""
    groups: list[JSONValue] = []
    for name in names:
        if key == "topic":
            mine = [item for action, item in rows if action.topic == name]
        elif name is None:
            mine = [item for action, item in rows if not action.owners]
        else:
            mine = [item for action, item in rows if name in action.owners]
        counts = {b: sum(1 for i in mine if i["state"] == b) for b in BUCKETS}
        shown: list[JSONValue] = list(mine) if key == "topic" else [i["id"] for i in mine]
        groups.append({key: name, "completion": completion(counts), "items": shown})
    return groups


def _in_scope(action: RetroAction, when: datetime) -> bool:
    return action.committed_at <= when


def _weeks(start: date, until: datetime) -> list[datetime]:
    points: list[datetime] = []
    day = start
    while end_of(day) < until:
        points.append(end_of(day))
        day += timedelta(days=7)
    points.append(until)
    return points


def burnup(
    actions: Sequence[RetroAction], timeline: _Timeline, *, start: date, until: datetime
) -> list[JSONValue]:
    """Weekly points from ``start`` to ``until`` (the last point): ``scope`` counts the
    commitments made by then less those withdrawn, dropped or ongoing; ``started``
    those of the scope that were ever in progress or done; ``completed`` those done."""
    series: list[JSONValue] = []
    for when in _weeks(start, until):
        scope = [
            a for a in actions if _in_scope(a, when) and bucket(a, timeline, when) not in EXCLUDED
        ]
        series.append(
            {
                "date": str(when.date()),
                "scope": len(scope),
                "started": sum(1 for a in scope if timeline.started_by(a.id, when)),
                "completed": sum(1 for a in scope if bucket(a, timeline, when) == "done"),
            }
        )
    return series


def _quartiles(values: Sequence[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    if len(values) == 1:
        return round(values[0], 1), round(values[0], 1)
    q = statistics.quantiles(values, n=4, method="inclusive")
    return round(statistics.median(values), 1), round(q[2], 1)


def reviews(
    facts: RetroFacts,
    action_ids: set[int],
    until: datetime,
    ci_accounts: Collection[str] = GERRIT_CI_ACCOUNTS,
) -> dict[str, JSONValue]:
    """Changes linked to the commitments, their time to merge and to first review in days
    (median, Q3), as of ``until``.

    A change's first review is its earliest message or Code-Review/Workflow vote at or
    before ``until`` by someone other than its owner and ``ci_accounts``
    (:func:`~syncsvc.domain.reviews.is_review`). Only changes whose messages a sync
    has read count (``unread``: the others); those with no review by ``until`` are
    ``unreviewed``. When no linked change's messages were ever read, the figure is
    ``None`` with the reason.
    """
    numbers = sorted(
        {int(v.id) for v in facts.links if v.action_id in action_ids and v.kind == "change"}
    )
    by_number = {c.number: c for c in facts.changes}
    known = [by_number[n] for n in numbers if n in by_number and by_number[n].created <= until]
    merged = [
        c
        for c in known
        if c.status is ChangeStatus.MERGED and c.submitted is not None and c.submitted <= until
    ]
    days = sorted((c.submitted - c.created).total_seconds() / 86400 for c in merged if c.submitted)
    median, q3 = _quartiles(days)
    read = [c for c in known if c.number in facts.reviews_read]
    events: dict[int, list[ReviewEvent]] = {}
    for event in facts.review_events:
        events.setdefault(event.change_number, []).append(event)
    waits: list[float] = []
    for change in read:
        owner = change.owner.account_id
        first = first_review(events.get(change.number, ()), owner, ci_accounts, until=until)
        if first is not None:
            waits.append((first - change.created).total_seconds() / 86400)
    never_read = bool(known) and not read
    first_median, first_q3 = _quartiles(sorted(waits))
    return {
        "linked_changes": len(numbers),
        "known_changes": len(known),
        "merged": len(merged),
        "time_to_merge_days": {"median": median, "q3": q3},
        "time_to_first_review_days": None
        if never_read
        else {"median": first_median, "q3": first_q3},
        "unreviewed": None if never_read else len(read) - len(waits),
        "unread": len(known) - len(read),
        "time_to_first_review_reason": NO_REVIEW_MESSAGES if never_read else None,
    }


def _closed_at(task_closed: datetime | None, released: datetime | None) -> datetime | None:
    return task_closed or released


#: A task's stored importance changes, oldest first, by (bug id, target).
ImportanceHistory = Mapping[tuple[int, str], Sequence[TaskChange]]


def importance_history(changes: Iterable[TaskChange]) -> dict[tuple[int, str], list[TaskChange]]:
    """The importance changes of each task, oldest first (other fields are left out)."""
    found: dict[tuple[int, str], list[TaskChange]] = {}
    for change in sorted(changes, key=lambda c: c.changed_at):
        if change.field == "importance":
            found.setdefault((change.bug_id, change.target), []).append(change)
    return found


def importance_at(task: BugTask, history: ImportanceHistory, when: datetime) -> str:
    """The task's importance at ``when``: the latest stored change at or before it, else
    the value the first later change replaced, else today's."""
    changes = history.get((task.bug_id, task.target), ())
    before = [c for c in changes if c.changed_at <= when]
    if before:
        return before[-1].new_value or task.importance
    return (changes[0].old_value or task.importance) if changes else task.importance


def _open_at(
    tasks: Sequence[BugTask],
    since: datetime | None,
    when: datetime,
    history: ImportanceHistory | None = None,
) -> dict[str, int] | None:
    """Open tasks at ``when`` by their importance then (``IMPORTANCES`` and "other"), from
    their remote dates; ``None`` before the bug data starts (``since``), never zeros."""
    if since is None or when < since:
        return None
    counts = dict.fromkeys((*IMPORTANCES, "other"), 0)
    for t in tasks:
        closed = _closed_at(t.date_closed, t.date_fix_released) if t.is_complete else None
        if (
            t.date_created is not None
            and t.date_created <= when
            and (closed is None or closed > when)
        ):
            importance = importance_at(t, history or {}, when)
            counts[importance if importance in IMPORTANCES else "other"] += 1
    return counts


def _closed_between(tasks: Sequence[BugTask], begin: datetime, end: datetime) -> int:
    """How many tasks were closed after ``begin`` and at or before ``end``."""
    return sum(
        1
        for t in tasks
        if t.is_complete
        and (c := _closed_at(t.date_closed, t.date_fix_released)) is not None
        and begin < c <= end
    )


def _total(counts: dict[str, int] | None) -> int | None:
    return None if counts is None else sum(counts.values())


def squash_results(
    facts: RetroFacts, tasks: Sequence[BugTask], *, start: date, until: datetime
) -> list[JSONValue]:
    """Each bug-squash event of the cycle (its window meets ``start``..``until``): open
    tasks of its projects when it began and when it ended (or at ``until``, if earlier),
    and how many were closed in between; counts are ``None`` where bug data is missing."""
    found: list[JSONValue] = []
    begin_of_cycle = datetime.combine(start, time(), UTC)
    for event in sorted(facts.squash_events, key=lambda e: (e.starts_at, e.name)):
        if event.ends_at < begin_of_cycle or event.starts_at > until:
            continue
        names = {p.lower() for p in event.projects}
        mine = [t for t in tasks if not names or t.target.lower() in names]
        end = min(event.ends_at, until)
        before = _total(_open_at(mine, facts.bugs_since, event.starts_at))
        known = before is not None
        found.append(
            {
                "name": event.name,
                "from": event.starts_at.isoformat(),
                "to": event.ends_at.isoformat(),
                "open_before": before,
                "open_after": _total(_open_at(mine, facts.bugs_since, end)),
                "closed": _closed_between(mine, event.starts_at, end) if known else None,
                "ongoing": until < event.ends_at,
            }
        )
    return found


def bugs(facts: RetroFacts, *, start: date, until: datetime) -> dict[str, JSONValue]:
    """Weekly open bug tasks by their importance that week (from the stored importance
    changes), opened vs closed, the backlog at the start and the end, and the cycle's
    squash days, from the stored tasks' remote dates. Weeks before the bug data starts
    (``facts.bugs_since``) have ``None`` counts, never zeros."""
    since = facts.bugs_since
    note = (
        "no bug data: no sync has stored a bug task"
        if since is None
        else f"no data before {since.date()}"
    )
    tasks = [t for t in facts.tasks if t.date_created is not None]
    history = importance_history(facts.task_changes)
    weekly: list[JSONValue] = []
    for when in _weeks(start, until):
        counts = _open_at(tasks, since, when, history)
        by_importance: dict[str, JSONValue] | None = None if counts is None else {**counts}
        weekly.append(
            {"date": str(when.date()), "open": _total(counts), "by_importance": by_importance}
        )
    begin = end_of(start)
    window_known = since is not None and since <= begin
    opened = closed = None
    if window_known:
        opened = sum(1 for t in tasks if t.date_created and begin < t.date_created <= until)
        closed = _closed_between(tasks, begin, until)
    return {
        "data_since": str(since.date()) if since else None,
        "note": None if window_known else note,
        "weekly": weekly,
        "opened": opened,
        "closed": closed,
        "backlog_start": _total(_open_at(tasks, since, begin)),
        "backlog_end": _total(_open_at(tasks, since, until)),
        "squash": squash_results(facts, tasks, start=start, until=until),
    }


def build_retro(
    facts: RetroFacts,
    *,
    until: datetime,
    schedule: SeriesSchedule | None = None,
    previous: dict[str, JSONValue] | None = None,
    ci_accounts: Collection[str] = GERRIT_CI_ACCOUNTS,
) -> dict[str, JSONValue]:
    """The retrospective of ``facts`` as of ``until`` (aware), as documented JSON.

    The first event of ``facts.events`` is the PTG. Its undated commitments and
    those carried in count from the PTG's first day at the latest (else the
    cycle's first week: a summary without dates imported after the cycle still
    has a plan). Commitments made after
    ``until`` are left out; everything else is judged by what stored history says
    held at ``until``. ``previous`` is the previous cycle's ``completion`` object;
    ``ci_accounts`` are the Gerrit accounts whose messages are no review.
    """
    ptg = facts.events[0]
    events = {e.id: e for e in facts.events}
    timeline = _timeline(facts)
    opening = ptg.first_day or cycle_start(schedule)
    carried_at = datetime.combine(opening, time(), UTC) if opening else None
    dated = [
        replace(a, committed_at=min(a.committed_at, carried_at))
        if carried_at is not None
        and (a.origin is ActionOrigin.CARRIED or (a.event_id == ptg.id and not a.dated))
        else a
        for a in facts.actions
    ]
    actions = sorted((a for a in dated if _in_scope(a, until)), key=lambda a: a.id)
    ids = {a.id for a in actions}
    links: dict[int, list[RetroLink]] = {}
    for link in facts.links:
        if link.action_id in ids:
            links.setdefault(link.action_id, []).append(link)
    rows = [(a, _item(a, bucket(a, timeline, until), links.get(a.id, ()), events)) for a in actions]
    items = [item for _, item in rows]
    counts = {b: sum(1 for i in items if i["state"] == b) for b in BUCKETS}
    topics = list(dict.fromkeys(a.topic for a in actions))
    owners: list[str | None] = [*sorted({o for a in actions for o in a.owners}, key=str.lower)]
    if any(not a.owners for a in actions):
        owners.append(None)
    start = opening or min((a.committed_at.date() for a in actions), default=until.date())
    ptg_end = end_of(max((a.committed_at.date() for a in actions if a.event_id == ptg.id),
                         default=start))  # fmt: skip
    unfinished = ("in_progress", "stalled", "never_started")
    return {
        "event": {"id": ptg.id, "title": ptg.title, "team": ptg.team, "cycle": ptg.cycle},
        "until": until.isoformat(),
        "completion": completion(counts) | {"previous": previous},
        "topics": _grouped(rows, "topic", topics),
        "owners": _grouped(rows, "owner", owners),
        "burnup": burnup(actions, timeline, start=start, until=until),
        "milestones": milestones(schedule, ptg.team),
        "scope_change": {
            "added_after_ptg": [
                a.id
                for a in actions
                if a.origin is not ActionOrigin.CARRIED
                and (a.event_id != ptg.id or a.committed_at > ptg_end)
            ],
            "carried_in": [a.id for a in actions if a.origin is ActionOrigin.CARRIED],
            "withdrawn": [i["id"] for i in items if i["state"] == "withdrawn"],
            "dropped": [i["id"] for i in items if i["state"] == "dropped"],
        },
        "bugs": bugs(facts, start=start, until=until),
        "reviews": reviews(facts, ids, until, ci_accounts),
        "blueprints": blueprints(facts, cycle=ptg.cycle, until=until),
        "carry_over": [
            {
                "id": i["id"],
                "topic": i["topic"],
                "text": i["text"],
                "owners": i["owners"],
                "state": i["state"],
                "carried_to": i["carried_to"],
            }
            for i in items
            if i["state"] in unfinished
        ],
    }
