"""The retrospective as one self-contained HTML page: the burn-up with milestone
markers, the bug weeks as a stacked area, tables and empty discussion headings.

Reads the documented JSON of :func:`syncsvc.report.retro.build_retro`; the shared
renderer (:mod:`syncsvc.report.html`) escapes every value and draws the charts.
"""

from __future__ import annotations

from datetime import date, datetime

from syncsvc.report.html import (
    BurnupPoint,
    Chart,
    Marker,
    Series,
    burnup_chart,
    render,
    stacked_area_chart,
)
from syncsvc.report.retro import BUCKETS, IMPORTANCES
from syncsvc.report.retro_text import (
    DISCUSSION,
    LABELS,
    blueprint_headline,
    first_review_text,
    headline,
    obj,
    seq,
    squash_line,
)
from syncsvc.report.views import JSONValue


def _int(value: JSONValue) -> int:
    return value if isinstance(value, int) else 0


def burnup(report: dict[str, JSONValue], title: str) -> Chart:
    """The burn-up chart with the cycle's milestones and squash days as markers."""
    points = [
        BurnupPoint(date.fromisoformat(str(p["date"])), _int(p["scope"]), _int(p["started"]),
                    _int(p["completed"]))
        for p in map(obj, seq(report["burnup"]))
    ]  # fmt: skip
    names: dict[str, list[str]] = {}
    for m in map(obj, seq(report["milestones"])):
        names.setdefault(str(m["date"]), []).append(str(m["name"]))
    # Milestones of one week (M-3 and feature freeze) share one line and one label.
    markers = [Marker(date.fromisoformat(day), " / ".join(n)) for day, n in names.items()]
    markers += [
        Marker(datetime.fromisoformat(str(e["from"])).date(), f"Squash: {e['name']}")
        for e in map(obj, seq(obj(report["bugs"])["squash"]))
    ]
    return burnup_chart(points, chart_id="burnup", title=title, markers=markers)


def bug_chart(report: dict[str, JSONValue]) -> Chart | None:
    """Open bug tasks per week by importance, from the first week with data; ``None``
    when no week has any."""
    bugs = obj(report["bugs"])
    weeks = [w for w in map(obj, seq(bugs["weekly"])) if w["by_importance"] is not None]
    if not weeks:
        return None
    names = (*IMPORTANCES, "other")
    series = [Series(name, [_int(obj(w["by_importance"])[name]) for w in weeks]) for name in names]
    times = [date.fromisoformat(str(w["date"])) for w in weeks]
    since = bugs["data_since"]
    return stacked_area_chart(
        times, series, chart_id="bugs", title="Open bugs by importance",
        no_data_before=date.fromisoformat(str(since)) if since else None,
    )  # fmt: skip


def render_retro(report: dict[str, JSONValue]) -> str:
    """The whole page; deterministic for the same report."""
    event = obj(report["event"])
    completion = obj(report["completion"])
    previous = completion.get("previous")
    items = [obj(i) for t in map(obj, seq(report["topics"])) for i in seq(t["items"])]
    scope = obj(report["scope_change"])
    return render(
        "retro.html",
        title=f"Retrospective: {event['title']}",
        subtitle=f"As of {report['until']}",
        report=report,
        headline=headline(completion),
        previous=headline(obj(previous)) if previous is not None else None,
        burnup=burnup(report, f"{event['title']} burn-up"),
        bugs_chart=bug_chart(report) or "",
        squash_lines=[squash_line(obj(e)) for e in seq(obj(report["bugs"])["squash"])],
        blueprint_headline=blueprint_headline(obj(report["blueprints"])),
        first_review=first_review_text(obj(report["reviews"])),
        counted=[i for i in items if i["state"] != "ongoing"],
        ongoing=[i for i in items if i["state"] == "ongoing"],
        scope_change=[(k.replace("_", " "), seq(scope[k])) for k in scope],
        buckets=BUCKETS,
        labels=LABELS,
        discussion=DISCUSSION,
    )
