"""Render domain records for people (rich tables, Markdown) and machines (JSON).

All remote text goes through :mod:`syncsvc.escape` and into ``rich.text.Text``
objects, so a summary cannot inject terminal escapes or rich markup.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from syncsvc import escape
from syncsvc.domain import RefKind, StoredAction, StoredEvent
from syncsvc.views import (
    JSONValue,
    ParseSummary,
    action_detail_json,
    action_json,
    event_json,
)


def t(value: object) -> Text:
    """Untrusted text as an inert rich ``Text`` (no markup, no escapes)."""
    return Text(escape.one_line("" if value is None else str(value)))


def error_line(message: object, hint: str | None = None) -> Text:
    """ "error: <message> (hint: …)" with only the word "error" styled."""
    line = Text("error:", style="red") + Text(" ") + t(message)
    return line + t(f" (hint: {hint})") if hint else line


def print_json(console: Console, data: JSONValue) -> None:
    """Print JSON as plain text (no colour, no wrapping) for machines."""
    console.print(json.dumps(data, indent=2, ensure_ascii=False), markup=False, highlight=False)


def due_cell(action: StoredAction) -> Text:
    """ "2020-12-04" (due), "from 2021-03-12" (after a milestone) or the milestone as written."""
    if action.due:
        return Text(action.due.isoformat())
    if action.starts:
        return Text(f"from {action.starts.isoformat()}")
    return t(action.milestone or "")


def work_line(action: StoredAction, states: Mapping[str, str]) -> str:
    """The action's bugs and changes with their current state: "change 745206 MERGED"."""
    parts = []
    for ref in action.refs:
        if ref.kind in {RefKind.BUG, RefKind.CHANGE}:
            state = states.get(f"{ref.kind}:{ref.id}", "not synced")
            parts.append(f"{ref.kind} {ref.id} {state}")
    return "; ".join(parts)


def actions_table(
    console: Console, actions: Sequence[StoredAction], *, states: Mapping[str, str] | None = None
) -> None:
    """The actions as a table: id, day, topic, owners, due, state, text (and work)."""
    table = Table(show_lines=False, expand=False)
    columns = ["ID", "Day", "Topic", "Owners", "Due", "State", "Action"]
    for name in [*columns, "Work"] if states is not None else columns:
        table.add_column(name, overflow="fold", min_width=30 if name == "Action" else None)
    for a in actions:
        work = [t(work_line(a, states))] if states is not None else []
        table.add_row(
            str(a.id),
            a.day.isoformat() if a.day else "",
            t(a.topic),
            t(", ".join(a.owners) or "(unassigned)"),
            due_cell(a),
            str(a.state),
            t(a.text),
            *work,
        )
    console.print(table)
    owned = sum(1 for a in actions if a.owners)
    console.print(f"{len(actions)} actions: {owned} owned, {len(actions) - owned} unassigned")


def actions_markdown(console: Console, actions: Sequence[StoredAction]) -> None:
    """The actions as a Markdown checklist grouped by topic (for an etherpad)."""
    lines: list[str] = []
    topic = None
    for a in actions:
        if a.topic != topic:
            topic = a.topic
            lines += ["", f"## {escape.markdown(topic)}", ""]
        box = "x" if a.state == "done" else " "
        owners = ", ".join(escape.markdown(o) for o in a.owners) or "unassigned"
        due = f" (due {a.due.isoformat()})" if a.due else ""
        lines.append(f"- [{box}] #{a.id} {escape.markdown(a.text)} — {owners}{due}")
    console.print("\n".join(lines).strip(), markup=False, highlight=False)


def actions_json(console: Console, actions: Sequence[StoredAction]) -> None:
    """The JSON array documented in README.md."""
    print_json(console, [action_json(a) for a in actions])


def action_detail(console: Console, action: StoredAction) -> None:
    """Every field of one action, then its refs and history."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    data = action_detail_json(action)
    for key in ("id", "event", "day", "topic", "text", "owners", "milestone", "due", "starts"):
        value = data[key]
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        table.add_row(key, t(shown if shown not in (None, "") else "-"))
    table.add_row("state", str(action.state))
    console.print(table)
    for ref in action.refs:
        console.print(Text("  ref ") + t(f"{ref.kind} {ref.id} {ref.url}"))
    for rev in action.history:
        console.print(
            Text(f"  was (until {rev.replaced_at:%Y-%m-%d %H:%M}): ") + t(rev.text),
        )


def events_table(console: Console, events: Sequence[StoredEvent]) -> None:
    """Imported events with their counts."""
    table = Table()
    for name in ("ID", "Team", "Cycle", "Title", "Source", "Imported", "Topics", "Actions"):
        table.add_column(name)
    for e in events:
        table.add_row(
            str(e.id),
            t(e.team or ""),
            t(e.cycle or ""),
            t(e.title),
            str(e.source),
            f"{e.imported_at:%Y-%m-%d %H:%M}",
            str(e.topics),
            str(e.actions),
        )
    console.print(table)


def events_json(console: Console, events: Sequence[StoredEvent]) -> None:
    """Imported events as a JSON array."""
    print_json(console, [event_json(e) for e in events])


def parse_summary_lines(title: str, summary: ParseSummary) -> list[str]:
    """What an import found, as short lines for the terminal."""
    refs = ", ".join(f"{n} {k}" for k, n in summary.refs.items()) or "none"
    found = (
        f"{escape.one_line(title)}: {summary.days} days, {summary.topics} topics, "
        f"{summary.actions} actions ({summary.owned} owned, {summary.unassigned} unassigned)"
    )
    return [
        found,
        f"refs: {refs}; {summary.etherpads} etherpads/documents",
    ]
