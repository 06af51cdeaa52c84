"""The retrospective as Markdown: headline, tables, scope change, bugs, reviews and
empty discussion headings. Reads the documented JSON of :func:`build_retro`; every
remote text is escaped for Markdown."""

from __future__ import annotations

from collections.abc import Callable

from syncsvc import escape
from syncsvc.report.retro import BUCKETS
from syncsvc.report.views import JSONValue

DISCUSSION = ("Went well", "Didn't go well", "Actions")
LABELS = {
    "done": "done",
    "in_progress": "in progress",
    "stalled": "stalled",
    "never_started": "never started",
    "dropped": "dropped",
    "withdrawn": "withdrawn",
    "ongoing": "ongoing",
}


def obj(value: JSONValue) -> dict[str, JSONValue]:
    """``value`` as a JSON object (TypeError otherwise)."""
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, got {type(value).__name__}")
    return value


def seq(value: JSONValue) -> list[JSONValue]:
    """``value`` as a JSON array (TypeError otherwise)."""
    if not isinstance(value, list):
        raise TypeError(f"expected an array, got {type(value).__name__}")
    return value


def md(value: JSONValue) -> str:
    """A value as escaped Markdown text (``—`` for null)."""
    return "—" if value is None else escape.markdown(str(value))


def headline(completion: dict[str, JSONValue]) -> str:
    """``62.5 % done (5 of 8 counted; 10 in all: 1 dropped, 1 withdrawn, 0 ongoing)``."""
    percent = completion["percent"]
    shown = "n/a" if percent is None else f"{percent} %"
    return (
        f"{shown} done ({completion['done']} of {completion['counted']} counted;"
        f" {completion['total']} in all: {completion['dropped']} dropped,"
        f" {completion['withdrawn']} withdrawn, {completion['ongoing']} ongoing)"
    )


def _table(rows: list[JSONValue], key: str) -> list[str]:
    head = [key.capitalize(), *(LABELS[b] for b in BUCKETS), "completion"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in map(obj, rows):
        c = obj(row["completion"])
        name = md(row[key]) if row[key] is not None else "(unassigned)"
        pct = "n/a" if c["percent"] is None else f"{c['percent']} %"
        cells = [name, *(str(c[b]) for b in BUCKETS), pct]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def markdown_lines(report: dict[str, JSONValue]) -> list[str]:
    """The whole report as Markdown lines."""
    event = obj(report["event"])
    completion = obj(report["completion"])
    lines = [
        f"# Retrospective: {md(event['title'])}",
        "",
        f"As of {report['until']}. **{headline(completion)}**",
    ]
    if (previous := completion.get("previous")) is not None:
        before = obj(previous)
        lines += ["", f"Previous cycle ({md(before['cycle'])}): {headline(before)}"]
    lines += ["", "## Per topic", "", *_table(seq(report["topics"]), "topic")]
    lines += ["", "## Per owner", "", *_table(seq(report["owners"]), "owner")]
    items = [obj(i) for t in map(obj, seq(report["topics"])) for i in seq(t["items"])]
    lines += ["", "## Commitments", ""]
    lines += _item_lines([i for i in items if i["state"] != "ongoing"])
    lines += ["", "## Ongoing (not counted in completion)", ""]
    lines += _item_lines([i for i in items if i["state"] == "ongoing"]) or ["- none"]
    lines += ["", "## Burn-up", "", "| date | scope | started | completed |", "|---|---|---|---|"]
    lines += [
        f"| {p['date']} | {p['scope']} | {p['started']} | {p['completed']} |"
        for p in map(obj, seq(report["burnup"]))
    ]
    marks = ", ".join(f"{m['name']} {m['date']}" for m in map(obj, seq(report["milestones"])))
    lines += ["", f"Milestones: {marks or 'no bundled schedule for this cycle'}"]
    scope = obj(report["scope_change"])
    lines += ["", "## Scope change", ""]
    for key in ("added_after_ptg", "carried_in", "withdrawn", "dropped"):
        ids = ", ".join(f"#{i}" for i in seq(scope[key])) or "none"
        lines.append(f"- {key.replace('_', ' ')}: {ids}")
    lines += ["", "## Bugs", "", *_bug_lines(obj(report["bugs"]))]
    lines += ["", "## Reviews", "", *_review_lines(obj(report["reviews"]))]
    lines += ["", "## Blueprints", "", *blueprint_lines(obj(report["blueprints"]), md)]
    lines += ["", "## Carry-over candidates", ""]
    lines += [
        f"- #{c['id']} [{LABELS.get(str(c['state']), '')}] {md(c['text'])}"
        for c in map(obj, seq(report["carry_over"]))
    ] or ["- none"]
    for heading in DISCUSSION:
        lines += ["", f"## {heading}", ""]
    return lines


def _item_lines(items: list[dict[str, JSONValue]]) -> list[str]:
    lines: list[str] = []
    for item in items:
        owners = ", ".join(md(o) for o in seq(item["owners"])) or "unassigned"
        state = LABELS.get(str(item["state"]), str(item["state"]))
        evidence = ", ".join(md(obj(e)["url"] or obj(e)["artifact"]) for e in seq(item["evidence"]))
        carried = f" (carried from #{item['carried_from']})" if item["carried_from"] else ""
        tail = f" — {evidence}" if evidence else ""
        lines.append(f"- #{item['id']} [{state}] {md(item['text'])} — {owners}{carried}{tail}")
    return lines


def squash_line(event: dict[str, JSONValue]) -> str:
    """One squash day's result, plain text: ``Squash NAME (DAY): open 180 → 150, closed
    30``; "no data" where the bug data starts later, "(still running)" before its end."""

    def known(value: JSONValue) -> str:
        return "no data" if value is None else str(value)

    day = str(event["from"])[:10]
    text = f"Squash {event['name']} ({day}): open {known(event['open_before'])} → "
    text += f"{known(event['open_after'])}, closed {known(event['closed'])}"
    return text + (" (still running)" if event["ongoing"] else "")


def _bug_lines(bugs: dict[str, JSONValue]) -> list[str]:
    lines: list[str] = []
    if bugs["note"]:
        lines.append(f"{md(bugs['note'])}.")
    if bugs["backlog_start"] is not None or bugs["backlog_end"] is not None:
        lines.append(f"- backlog: {md(bugs['backlog_start'])} → {md(bugs['backlog_end'])}")
    if bugs["opened"] is not None:
        lines.append(f"- opened {bugs['opened']}, closed {bugs['closed']}")
    lines += [f"- {md(squash_line(obj(e)))}" for e in seq(bugs["squash"])]
    return lines or ["No bug data."]


def first_review_text(reviews: dict[str, JSONValue]) -> str:
    """``median 1.5, Q3 6.5; 1 not reviewed yet`` (plain text), or why there is no figure."""
    days = reviews["time_to_first_review_days"]
    if days is None:
        return str(reviews["time_to_first_review_reason"])
    found = obj(days)
    median = "n/a" if found["median"] is None else found["median"]
    q3 = "n/a" if found["q3"] is None else found["q3"]
    text = f"median {median}, Q3 {q3}; {reviews['unreviewed']} not reviewed yet"
    if reviews["unread"]:
        text += f"; the messages of {reviews['unread']} not read yet"
    return text


def blueprint_headline(figures: dict[str, JSONValue]) -> str:
    """``5 approved of 6 targeted, 3 implemented (60.0 %)``, or that none was targeted;
    for a day before the first blueprint sync, a note that the statuses are as first seen."""
    if not figures["targeted"]:
        return "No blueprint targeted to this cycle's milestones."
    share = figures["completion"]
    done = f"{figures['implemented']} implemented" + (f" ({share} %)" if share is not None else "")
    found = f"{figures['approved']} approved of {figures['targeted']} targeted, {done}"
    if figures.get("before_first_sync"):
        found += f" (statuses as first synced, {str(figures['since'])[:10]}: none known before)"
    return found


def blueprint_lines(figures: dict[str, JSONValue], escape: Callable[[JSONValue], str]) -> list[str]:
    """The headline, then one line per targeted blueprint: milestone, name, title, status."""
    lines = [blueprint_headline(figures)]
    for item in map(obj, seq(figures["items"])):
        mark = "x" if item["implemented"] else " "
        name = f"{escape(item['milestone'])} {escape(item['name'])}: {escape(item['title'])}"
        status = f"{escape(item['definition'])} / {escape(item['implementation'])}"
        lines.append(f"- [{mark}] {name} ({status})")
    return lines


def _review_lines(reviews: dict[str, JSONValue]) -> list[str]:
    merge = obj(reviews["time_to_merge_days"])
    linked, merged = reviews["linked_changes"], reviews["merged"]
    return [
        f"- changes linked to commitments: {linked}, merged: {merged}",
        f"- time to merge (days): median {md(merge['median'])}, Q3 {md(merge['q3'])}",
        f"- time to first review (days): {md(first_review_text(reviews))}",
    ]
