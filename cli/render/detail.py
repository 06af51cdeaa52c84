"""One commitment in full, for people: fields, links with evidence, refs, transitions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from syncsvc.cli.render.text import t
from syncsvc.domain import StoredAction
from syncsvc.models.link_store import StateChange
from syncsvc.report.views import action_detail_json

if TYPE_CHECKING:  # types only: `status` prints without loading the mapped tables
    from syncsvc.models.link_view import LinkView


def action_detail(
    console: Console,
    action: StoredAction,
    *,
    view: LinkView,
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
    table.add_row("progress", view.progress.get(action.id, "not computed yet"))
    for branch, state, reason in branches:
        table.add_row(f"on {branch}", t(f"{state}: {reason}"))
    console.print(table)
    for link in view.links.get(action.id, []):
        state = view.artifact_states.get(f"{link.kind}:{link.id}", "")
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
