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
from syncsvc.domain import Event, ImportReport, RefKind, StoredAction, StoredEvent
from syncsvc.models.link_store import StateChange
from syncsvc.models.status_queries import LinkView
from syncsvc.parse.explain import Explanation
from syncsvc.report.views import (
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
    return line + Text(" ") + t(f"(hint: {hint})") if hint else line


def print_json(console: Console, data: JSONValue) -> None:
    """Print JSON as plain text (no colour, no wrapping) for machines.

    Non-ASCII text stays readable; control and Cf characters are ``\\uXXXX``.
    """
    dumped = json.dumps(data, indent=2, ensure_ascii=False)
    console.print(escape.json_text(dumped), markup=False, highlight=False)


def due_cell(action: StoredAction) -> Text:
    """ "2020-12-04" (due), "from 2021-03-12" (after a milestone) or the milestone as written."""
    if action.due:
        return Text(action.due.isoformat())
    if action.starts:
        return Text(f"from {action.starts.isoformat()}")
    return t(action.milestone or "")


def work_line(action: StoredAction, view: LinkView) -> str:
    """The action's bugs and changes with their state: "change 745206 MERGED".

    Confirmed links first, then suggestions marked "?", then refs not linked yet.
    """
    states = view.artifact_states
    parts: list[str] = []
    seen: set[str] = set()
    links = sorted(view.links.get(action.id, []), key=lambda v: v.status != "confirmed")
    for link in links:
        key = f"{link.kind}:{link.id}"
        if link.status != "rejected" and key not in seen:
            seen.add(key)
            mark = "" if link.status == "confirmed" else "?"
            parts.append(f"{mark}{link.kind} {link.id} {states.get(key, '')}".rstrip())
    for ref in action.refs:
        key = f"{ref.kind}:{ref.id}"
        if ref.kind in {RefKind.BUG, RefKind.CHANGE} and key not in seen:
            seen.add(key)
            parts.append(f"{ref.kind} {ref.id} {states.get(key, 'not synced')}")
    return "; ".join(parts)


def actions_table(
    console: Console, actions: Sequence[StoredAction], *, view: LinkView | None = None
) -> None:
    """The actions as a table: id, day, topic, owners, due, state, text, work."""
    table = Table(show_lines=False, expand=False)
    for name in ("ID", "Day", "Topic", "Owners", "Due", "State", "Action", "Work"):
        table.add_column(name, overflow="fold", min_width=30 if name == "Action" else None)
    for a in actions:
        progress = view.progress.get(a.id) if view else None
        state = str(a.state) if a.state != "open" or progress is None else progress
        table.add_row(
            str(a.id),
            a.day.isoformat() if a.day else "",
            t(a.topic),
            t(", ".join(a.owners) or "(unassigned)"),
            due_cell(a),
            state,
            t(a.text),
            t(work_line(a, view)) if view else "",
        )
    console.print(table)
    owned = sum(1 for a in actions if a.owners)
    console.print(f"{len(actions)} actions: {owned} owned, {len(actions) - owned} unassigned")


def actions_markdown(
    console: Console, actions: Sequence[StoredAction], *, view: LinkView | None = None
) -> None:
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
        work = f" ({escape.markdown(work_line(a, view))})" if view and work_line(a, view) else ""
        lines.append(f"- [{box}] #{a.id} {escape.markdown(a.text)} — {owners}{due}{work}")
    console.print("\n".join(lines).strip(), markup=False, highlight=False)


def actions_json(
    console: Console, actions: Sequence[StoredAction], *, view: LinkView | None = None
) -> None:
    """The JSON array documented in README.md."""
    if view is None:
        print_json(console, [action_json(a) for a in actions])
        return
    print_json(
        console,
        [
            action_json(a, view.links.get(a.id, []), view.artifact_states, view.progress.get(a.id))
            for a in actions
        ],
    )


def action_detail(
    console: Console,
    action: StoredAction,
    *,
    view: LinkView | None = None,
    branches: Sequence[tuple[str, str, str]] = (),
    transitions: Sequence[StateChange] = (),
) -> None:
    """Every field of one action, then its links with evidence, refs, state transitions
    and earlier wordings."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    data = action_detail_json(action)
    for key in ("id", "event", "day", "topic", "text", "owners", "milestone", "due", "starts"):
        value = data[key]
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        table.add_row(key, t(shown if shown not in (None, "") else "-"))
    table.add_row("state", str(action.state))
    if action.source is not None:
        table.add_row("source", t(action.source))
    if action.withdrawn_at is not None:
        when = f"{action.withdrawn_at:%Y-%m-%d %H:%M}"
        table.add_row("withdrawn", t(f"{when}: gone from its source (mark needs --force)"))
    if view is not None:
        table.add_row("progress", view.progress.get(action.id, "not computed yet"))
    for branch, state, reason in branches:
        table.add_row(f"on {branch}", t(f"{state}: {reason}"))
    console.print(table)
    for link in view.links.get(action.id, []) if view else []:
        state = view.artifact_states.get(f"{link.kind}:{link.id}", "") if view else ""
        line = (
            f"{link.kind} {link.id} {state} [{link.status}, {link.source}, {link.confidence:.2f}]"
        )
        console.print(Text("  link ") + t(line))
        if link.evidence:
            console.print(Text("       ") + t(link.evidence))
    for ref in action.refs:
        console.print(Text("  ref ") + t(f"{ref.kind} {ref.id} {ref.url}"))
    for moved in transitions:
        before = f"{moved.previous_state} -> " if moved.previous_state else ""
        when = f"  {moved.changed_at:%Y-%m-%d %H:%M} {before}{moved.state}: "
        console.print(Text(when) + t(moved.reason))
    for rev in action.history:
        console.print(
            Text(f"  was (until {rev.replaced_at:%Y-%m-%d %H:%M}): ") + t(rev.text),
        )


def provenance_json(action: StoredAction) -> dict[str, JSONValue]:
    """Where ``syncsvc show --format json``'s action came from and whether it was withdrawn."""
    return {
        "origin": str(action.origin),
        "source": str(action.source) if action.source is not None else None,
        "withdrawn_at": action.withdrawn_at.isoformat() if action.withdrawn_at else None,
    }


def import_report(
    console: Console, report: ImportReport, *, dry_run: bool, as_json: bool = False
) -> None:
    """The counts of an import (or of what a dry run would do), as a line or a JSON object."""
    counts = {
        "new": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "withdrawn": report.withdrawn,
    }
    if as_json:
        source: JSONValue = None
        if report.source is not None:
            source = {"kind": str(report.source.kind), "key": report.source.key}
        data: dict[str, JSONValue] = {
            "event_id": report.event_id,
            "new_event": report.new_event,
            "source": source,
            "dry_run": dry_run,
            **counts,
        }
        print_json(console, data)
        return
    numbers = ", ".join(f"{n} {word}" for word, n in counts.items())
    event = "a new event" if report.event_id is None else f"event {report.event_id}"
    line = (
        f"dry run, nothing saved: {event} would get {numbers}"
        if dry_run
        else (f"saved {event}: {numbers}")
    )
    console.print(t(f"{line} (source {report.source})" if report.source else line))


def transition_json(moved: StateChange) -> dict[str, JSONValue]:
    """One state transition of ``syncsvc show --format json``."""
    return {
        "state": str(moved.state),
        "previous_state": str(moved.previous_state) if moved.previous_state else None,
        "changed_at": moved.changed_at.isoformat(),
        "observed_at": moved.observed_at.isoformat(),
        "reason": moved.reason,
    }


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


def events_json(
    console: Console, events: Sequence[StoredEvent], *, decisions: Mapping[int, int]
) -> None:
    """Imported events as a JSON array, each with its count of decisions."""
    print_json(console, [{**event_json(e), "decisions": decisions.get(e.id, 0)} for e in events])


def counted(n: int, word: str) -> str:
    """``1 topic``, ``2 topics``: a count with its noun (every noun here takes an s)."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def parse_summary_lines(title: str, summary: ParseSummary) -> list[str]:
    """What an import found, as short lines for the terminal."""
    refs = ", ".join(counted(n, k) for k, n in summary.refs.items()) or "none"
    found = (
        f"{escape.one_line(title)}: {counted(summary.days, 'day')}, "
        f"{counted(summary.topics, 'topic')}, {counted(summary.actions, 'action')} "
        f"({summary.owned} owned, {summary.unassigned} unassigned)"
    )
    pads = (
        "1 etherpad/document"
        if summary.etherpads == 1
        else f"{summary.etherpads} etherpads/documents"
    )
    return [found, f"refs: {refs}; {pads}"]


def import_extra_lines(event: Event) -> list[str]:
    """Decisions and inferred (lower-confidence) actions an import found, as one line."""
    inferred = sum(1 for a in event.actions if a.inferred)
    return [
        f"decisions: {len(event.decisions)}; inferred actions: {inferred}"
        + (" (lower confidence: check them with --explain)" if inferred else "")
    ]


def explanation(out: Console, err: Console, found: Explanation) -> None:
    """Each line as read (number, role, text with owners underlined, note); warnings to ``err``."""
    for line in found.lines:
        raw = escape.shown(line.text)
        text = Text(f"{line.number:>5}  {line.role:<34} ", style="dim")
        body = Text(raw)
        if raw == line.text:  # spans index the unescaped text
            for start, end in line.owner_spans:
                body.stylize("bold underline", start, end)
        text.append_text(body)
        if line.note:
            text.append_text(Text("  ← ", style="dim") + t(line.note))
        out.print(text, soft_wrap=True)
    for warning in found.warnings:
        err.print(t(f"warning: {warning}"), style="yellow", soft_wrap=True)
