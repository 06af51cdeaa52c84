"""Rich tables for people: actions, events, decisions, people, a sync's scopes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from syncsvc.cli.render.text import due_cell, t, work_line
from syncsvc.domain import StoredAction, StoredDecision, StoredEvent, StoredIdentity
from syncsvc.models.status_queries import LinkView
from syncsvc.report.status import StatusReport, item_line, sections, suggested_line

if TYPE_CHECKING:  # types only: `status` prints without loading the sync
    from syncsvc.sync.engine import SyncReport


def _table(*columns: str, title: str | None = None) -> Table:
    table = Table(title=title)
    for name in columns:
        table.add_column(name)
    return table


def actions(console: Console, found: Sequence[StoredAction], *, view: LinkView) -> None:
    """The actions as a table: id, day, topic, owners, due, state, text, work."""
    table = Table(show_lines=False, expand=False)
    for name in ("ID", "Day", "Topic", "Owners", "Due", "State", "Action", "Work"):
        table.add_column(name, overflow="fold", min_width=30 if name == "Action" else None)
    for a in found:
        progress = view.progress.get(a.id)
        state = str(a.state) if a.state != "open" or progress is None else progress
        table.add_row(
            str(a.id),
            a.day.isoformat() if a.day else "",
            t(a.topic),
            t(", ".join(a.owners) or "(unassigned)"),
            due_cell(a),
            state,
            t(a.text),
            t(work_line(a, view)),
        )
    console.print(table)
    owned = sum(1 for a in found if a.owners)
    console.print(f"{len(found)} actions: {owned} owned, {len(found) - owned} unassigned")


def events(console: Console, found: Sequence[StoredEvent]) -> None:
    """Imported events with their counts."""
    table = _table("ID", "Team", "Cycle", "Title", "Source", "Imported", "Topics", "Actions")
    for e in found:
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


def decisions(console: Console, found: Sequence[StoredDecision]) -> None:
    """Decisions per event and topic."""
    table = _table("Event", "Topic", "Decision")
    for d in found:
        table.add_row(t(d.event), t(d.topic), t(d.text))
    console.print(table)


def people(console: Console, rows: Sequence[StoredIdentity]) -> None:
    """The identity map: nick, Gerrit account, name, Launchpad name, confirmed or learned."""
    table = _table("Nick", "Gerrit", "Name", "Launchpad", "Confirmed")
    for row in rows:
        who = row.identity
        table.add_row(
            t(who.nick),
            t(who.gerrit_username or ""),
            t(who.name or ""),
            t(who.launchpad or ""),
            "yes" if row.confirmed else "learned",
        )
    console.print(table)


def short_scope(scope: str) -> str:
    """ "projects:a,b,c" → "3 projects" for display; other scopes as they are."""
    kind, _, names = scope.partition(":")
    if kind == "projects" and names.count(",") >= 1:
        return f"{names.count(',') + 1} projects"
    return scope


def sync_report(console: Console, report: SyncReport) -> None:
    """One row per (source, scope). "Comments" counts the bug comments stored or changed
    with the scope."""
    columns = ("Source", "Scope", "Fetched", "New", "Changed", "Unchanged", "History", "Comments")
    table = _table(*columns, "Note", title="dry run: nothing was saved" if report.dry_run else None)
    for s in report.scopes:
        note = s.skipped or (f"since {s.since:%Y-%m-%d %H:%M}" if s.since else "")
        table.add_row(
            str(s.source),
            t(short_scope(s.scope)),
            str(s.fetched),
            str(s.counts.inserted),
            str(s.counts.changed),
            str(s.counts.unchanged),
            str(s.counts.history),
            str(s.comments.inserted + s.comments.changed),
            t("FAILED" if s.error else note),
        )
    console.print(table)


def status(console: Console, report: StatusReport, *, full: bool = False) -> None:
    """A heading per non-empty group, one line per commitment (unless ``full``, only
    the oldest few of the groups that did not move)."""
    console.print(f"What moved {report.since:%Y-%m-%d %H:%M} .. {report.until:%Y-%m-%d %H:%M} UTC")
    lines: list[Text] = []  # printed at once: one print per line costs more than the report
    for section in sections(report, full=full):
        lines.append(Text(section.title, style="bold"))
        lines.extend(Text("  ") + t(item_line(item)) for item in section.items)
    if lines:
        console.print(Text("\n").join(lines))
    if waiting := suggested_line(report):
        console.print(f"{waiting}: syncsvc link confirm|reject ID KIND:N")
    if not any(report.groups.values()):
        console.print("nothing moved")
