"""The plan as documented JSON data and as a sign-up sheet (Markdown or etherpad).

Pure: the CLI prints what these return. Remote text (titles, tags, names) is
escaped here for the sheets; JSON keeps it as written (the printer escapes
control and format characters).
"""

from __future__ import annotations

import re

from syncsvc import escape
from syncsvc.domain import SquashBug
from syncsvc.report.views import JSONValue
from syncsvc.squash.plan import LIST_NAMES, SquashPlan, goal_lines
from syncsvc.squash.rules import Listed

#: What a list's ``Listed.note`` / ``Listed.days`` mean in its JSON items.
_EXTRAS: dict[str, tuple[str | None, str | None]] = {
    "about_to_expire": (None, "days_left"),
    "inactive_assignee": (None, None),
    "inconsistent": ("reason", None),
    "fix_in_review": ("waiting_on", "days_waiting"),
    "candidates": ("reason", None),
}


_PROJECT_NAME = re.compile(r"[a-z0-9][a-z0-9+.-]*")


def lp_bug_url(bug: SquashBug) -> str:
    """The bug task's Launchpad page, built from its id and project name (never from a
    stored link, so no remote text reaches a Markdown link)."""
    if _PROJECT_NAME.fullmatch(bug.project):
        return f"https://bugs.launchpad.net/{bug.project}/+bug/{bug.bug_id}"
    return f"https://bugs.launchpad.net/bugs/{bug.bug_id}"


def item_json(plan: SquashPlan, name: str, listed: Listed) -> dict[str, JSONValue]:
    """One list item: the documented keys, then the list's own (``days_left``, …)."""
    bug = listed.bug
    data: dict[str, JSONValue] = {
        "bug": bug.bug_id,
        "title": bug.title,
        "project": bug.project,
        "status": bug.status,
        "importance": bug.importance,
        "assignee": bug.assignee,
        "tags": list(bug.tags),
        "days_idle": plan.idle(bug),
        "changes": list(plan.changes.get(bug.bug_id, ())),
        "url": lp_bug_url(bug),
    }
    note_key, days_key = _EXTRAS.get(name, (None, None))
    if note_key is not None:
        data[note_key] = listed.note
    if days_key is not None:
        data[days_key] = listed.days
    return data


def plan_json(plan: SquashPlan) -> dict[str, JSONValue]:
    """``{"generated_at", "filters", "totals", "lists"}``; ``lists.load`` holds one
    object per person."""
    filters = plan.filters
    lists: dict[str, JSONValue] = {
        name: [item_json(plan, name, i) for i in plan.lists[name]] for name in LIST_NAMES
    }
    lists["load"] = [
        {
            "person": p.person,
            "bugs_assigned": p.bugs_assigned,
            "changes_owned": p.changes_owned,
            "reviews_waiting": p.reviews_waiting,
        }
        for p in plan.load
    ]
    return {
        "generated_at": plan.generated_at.isoformat(),
        "filters": {
            "projects": list(filters.projects),
            "tag": filters.tag,
            "milestone": filters.milestone,
            "include_private": filters.include_private,
            "goals": dict(filters.goals),
        },
        "totals": dict(plan.totals),
        "lists": lists,
    }


def _cell(text: str, *, markdown: bool) -> str:
    return escape.markdown(text) if markdown else escape.one_line(text).replace("|", "/")


def signup_sheet(plan: SquashPlan, *, markdown: bool, lists: tuple[str, ...] = ()) -> list[str]:
    """A sign-up sheet: the totals against the goals, then per list a table of bug,
    title, status, importance, days idle and an empty "claimed by" column to fill in.
    Markdown for wikis, or plain text for an etherpad (no markup, "|" columns)."""
    lines = ["# Bug squash sign-up sheet" if markdown else "Bug squash sign-up sheet", ""]
    lines.append("Totals: " + ", ".join(goal_lines(plan.totals, plan.filters.goals)))
    for name in lists or LIST_NAMES:
        found = plan.lists[name]
        title = f"{name.replace('_', ' ').capitalize()} ({len(found)})"
        lines += ["", f"## {title}" if markdown else f"== {title} ==", ""]
        if not found:
            lines.append("None.")
            continue
        if markdown:
            lines.append("| bug | title | status | importance | days idle | claimed by |")
            lines.append("|---|---|---|---|---|---|")
        for listed in found:
            bug = listed.bug
            idle = plan.idle(bug)
            ref = f"[{bug.bug_id}]({lp_bug_url(bug)})" if markdown else lp_bug_url(bug)
            cells = [
                ref,
                _cell(bug.title, markdown=markdown),
                bug.status,
                bug.importance,
                "" if idle is None else str(idle),
                "",
            ]
            lines.append(("| " + " | ".join(cells) + " |").replace("|  |", "| |"))
    return lines
