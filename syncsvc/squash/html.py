"""The squash report as one self-contained HTML page (see :mod:`syncsvc.report.html`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from syncsvc.domain import SquashBug
from syncsvc.report.html import Series, render, stacked_area_chart
from syncsvc.squash.report import IMPORTANCE_ORDER, ROUTE_NAMES, SquashReport, notes
from syncsvc.squash.tally import TALLY
from syncsvc.squash.views import lp_bug_url

#: The stacked bands, bottom first, and the snapshot counts each adds up.
BANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("New", ("status:New",)),
    ("Incomplete", ("status:Incomplete",)),
    ("In Progress", ("status:In Progress",)),
    ("Confirmed+Triaged", ("status:Confirmed", "status:Triaged")),
    ("Fix Committed", ("status:Fix Committed",)),
)


def _bug_row(task: SquashBug, changes: Mapping[int, Sequence[int]]) -> dict[str, object]:
    return {
        "bug": task.bug_id,
        "title": task.title,
        "status": task.status,
        "assignee": task.assignee or "none",
        "url": lp_bug_url(task),
        "patch": ", ".join(str(n) for n in changes.get(task.bug_id, ())),
    }


def squash_html(
    report: SquashReport, tasks: Mapping[int, SquashBug], changes: Mapping[int, Sequence[int]]
) -> str:
    """The page: goals, a stacked-area chart of the window's snapshots by status,
    closures by route, sign-ups, people, the follow-up list and the bugs worked on
    (those in ``tasks``; private ones only when the caller kept them)."""
    event = report.event
    times = [s.taken_at for s in report.snapshots]
    counts = [dict(s.counts) for s in report.snapshots]
    series = [Series(name, [sum(c.get(k, 0) for k in keys) for c in counts])
              for name, keys in BANDS]  # fmt: skip
    chart = stacked_area_chart(
        times,
        series,
        chart_id="squash-status",
        title=f"Open bugs by status during {event.name}",
        description="Counts of open bug tasks at each sync in the window, stacked by status.",
        no_data_before=event.starts_at if not times else None,
    )
    goals = dict(event.goals)
    names = [n for n in ("open", "new", "undecided", "unassigned") if n not in goals]
    before, after = report.before or {}, report.after or {}
    rows = [
        {"name": n, "before": before.get(n, "?"), "after": after.get(n, "?"),
         "goal": goals.get(n, "")}
        for n in [*goals, *names]
    ]  # fmt: skip
    routes = [(r.replace("_", " "), sum(1 for v in report.closed.values() if v == r))
              for r in ROUTE_NAMES]  # fmt: skip
    worked = [tasks[b] for b in sorted(report.attributed) if b in tasks]
    sections = [
        (importance, [_bug_row(t, changes) for t in worked if t.importance == importance])
        for importance in IMPORTANCE_ORDER
    ]
    window = f"{event.starts_at:%Y-%m-%d %H:%M} to {event.ends_at:%Y-%m-%d %H:%M} UTC"
    return render(
        "squash.html",
        title=f"Bug squash {event.name}",
        subtitle=window,
        snapshots=len(report.snapshots),
        goals=rows,
        chart=chart,
        routes=routes,
        signed_up=len(report.signed_up),
        closed_of_signed_up=report.closed_of_signed_up,
        percent=report.percent(),
        people=list(report.people.items()),
        tally_columns=list(TALLY),
        notes=notes(report),
        follow_up=[
            {"bug": i.bug.bug_id, "title": i.bug.title, "days": i.days, "url": lp_bug_url(i.bug)}
            for i in report.follow_up
        ],
        sections=sections,
    )
