"""Markdown for etherpads and meeting notes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console

from syncsvc import escape
from syncsvc.cli.render.text import work_line
from syncsvc.report.status import StatusReport, markdown_lines

if TYPE_CHECKING:  # types only: `status` prints without loading the mapped tables
    from syncsvc.domain import StoredAction
    from syncsvc.models.link_view import LinkView


def actions(console: Console, found: Sequence[StoredAction], *, view: LinkView) -> None:
    """The actions as a Markdown checklist grouped by topic (for an etherpad)."""
    lines: list[str] = []
    topic = None
    for a in found:
        if a.topic != topic:
            topic = a.topic
            lines += ["", f"## {escape.markdown(topic)}", ""]
        box = "x" if a.state == "done" else " "
        owners = ", ".join(escape.markdown(o) for o in a.owners) or "unassigned"
        due = f" (due {a.due.isoformat()})" if a.due else ""
        work = f" ({escape.markdown(work_line(a, view))})" if work_line(a, view) else ""
        lines.append(f"- [{box}] #{a.id} {escape.markdown(a.text)} — {owners}{due}{work}")
    console.print("\n".join(lines).strip(), markup=False, highlight=False)


def status(console: Console, report: StatusReport, *, full: bool = False) -> None:
    """`status --format markdown`."""
    console.print("\n".join(markdown_lines(report, full=full)), markup=False, highlight=False)
