"""Rich tables for people: actions, events, decisions, people, a sync's scopes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from syncsvc import escape
from syncsvc.cli.render.text import due_cell, t, work_line
from syncsvc.report.status import StatusReport, item_line, sections, suggested_line

if TYPE_CHECKING:  # types only: `status` prints without loading the sync
    from syncsvc.domain import StoredAction, StoredDecision, StoredEvent, StoredIdentity
    from syncsvc.models.link_view import LinkView
    from syncsvc.reconcile.learning import LearnedWord
    from syncsvc.sync.engine import SyncReport


def _table(*columns: str, title: str | None = None) -> Table:
    table = Table(title=title)
    for name in columns:
        table.add_column(name)
    return table


_URL = re.compile(r"https?://\S+")
#: The actions table's narrow columns: the most each may take (they wrap at words).
_NARROW = {"Topic": 20, "Owners": 16, "Due": 10, "Work": 24}
_MIN_ACTION = 30


def _action_width(console_width: int, rows: Sequence[Sequence[str]]) -> int:
    """The Action column's width: what the other columns leave of the console, at least
    the longest URL (up to half the console) and never under 30."""
    border = 3 * 7 + 1  # 7 columns: a rule and a space each side
    others = 0
    for i, name in enumerate(("ID", "Topic", "Owners", "Due", "State")):
        longest = max((len(row[i]) for row in rows), default=0)
        others += min(max(longest, len(name)), _NARROW.get(name, longest + len(name)))
    work = max((len(p) for row in rows for p in row[6].split("\n")), default=0)
    others += min(max(work, len("Work")), _NARROW["Work"])
    urls = max((len(u) for row in rows for u in _URL.findall(row[5])), default=0)
    return max(_MIN_ACTION, min(urls, console_width // 2), console_width - border - others)


def _whole_urls(text: str, width: int) -> str:
    """``text`` with every URL longer than ``width`` shortened in the middle ("…"), so the
    table never breaks a URL across lines."""

    def shorten(match: re.Match[str]) -> str:
        url = match.group()
        if len(url) <= width:
            return url
        head = (width - 1) // 2
        return f"{url[:head]}…{url[len(url) - (width - 1 - head) :]}"

    return _URL.sub(shorten, text)


def actions(console: Console, found: Sequence[StoredAction], *, view: LinkView) -> None:
    """The actions as a table: id, topic, owners, due, state, text, work.

    The Action column takes what the narrow columns leave; URLs are never broken. The
    table is drawn by :mod:`grid` (rich's table, character for character, without its
    per-cell cost: a store of 10,000 commitments lists in a second, not in seven).
    """
    from syncsvc.cli.render import grid  # `actions` alone draws a grid: `status` spares it

    rows = []
    for a in found:
        progress = view.progress.get(a.id)
        state = str(a.state) if a.state != "open" or progress is None else progress
        owners = ", ".join(a.owners) or "(unassigned)"
        work = work_line(a, view)
        rows.append(
            [
                escape.one_line(c)
                for c in (str(a.id), a.topic, owners, due_cell(a).plain, state, a.text)
            ]
            + ["\n".join(escape.one_line(part) for part in work.split("; ")) if work else ""]
        )
    width = _action_width(console.width, rows)
    for row in rows:
        row[5] = _whole_urls(row[5], width)
    columns = [
        grid.Column(name, width=width)
        if name == "Action"
        else grid.Column(
            name, max_width=_NARROW.get(name), no_wrap=name not in _NARROW, overflow="fold"
        )
        for name in ("ID", "Topic", "Owners", "Due", "State", "Action", "Work")
    ]
    grid.render(console, columns, rows)
    owned = sum(1 for a in found if a.owners)
    console.print(f"{len(found)} actions: {owned} owned, {len(found) - owned} unassigned")


def event_dates(event: StoredEvent) -> str:
    """ "2020-10-26..2020-10-30", one date for a one-day event, "" when no day is dated."""
    if event.first_day is None or event.last_day is None:
        return ""
    if event.first_day == event.last_day:
        return event.first_day.isoformat()
    return f"{event.first_day.isoformat()}..{event.last_day.isoformat()}"


def events(console: Console, found: Sequence[StoredEvent]) -> None:
    """Imported events with their counts."""
    table = _table(
        "ID", "Team", "Cycle", "Title", "Dates", "Source", "Imported", "Topics", "Actions"
    )
    for e in found:
        table.add_row(
            str(e.id),
            t(e.team or ""),
            t(e.cycle or ""),
            t(e.title),
            event_dates(e),
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


def learned_words(console: Console, found: Sequence[LearnedWord]) -> None:
    """The words that weigh less after rejected suggestions, with the decisions behind them."""
    table = _table("Word", "Rejected", "Confirmed", "Weight x", "Rejected links (action:kind:id)")
    for w in found:
        links = ", ".join(w.rejected_links)
        table.add_row(t(w.shown), str(w.rejected), str(w.confirmed), f"{w.factor:.2f}", t(links))
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
    header = f"What moved {report.since:%Y-%m-%d %H:%M} .. {report.until:%Y-%m-%d %H:%M} UTC"
    shown = sections(report, full=full)
    waiting = suggested_line(report)
    tail = [f"{waiting}: syncsvc link confirm|reject ID KIND:N"] if waiting else []
    if not any(report.groups.values()):
        tail.append("nothing moved")
    if console.color_system is None and console.soft_wrap and not console.record:
        # Rich would write these lines as they are (no colour system: no styles; soft
        # wrap: no wrapping; no markup or emoji code in them), after making, measuring
        # and splitting a Text per line: 0.1 s at 10,000 commitments, and its first print
        # alone loads and sets up its markup and emoji handling. item_line's text is
        # escaped already.
        plain = [header]
        for section in shown:
            plain.append(section.title)
            plain.extend(f"  {item_line(item)}" for item in section.items)
        console.file.write("\n".join([*plain, *tail]) + "\n")
        return
    console.print(header)
    lines: list[Text] = []  # printed at once: one print per line costs more
    for section in shown:
        lines.append(Text(section.title, style="bold"))
        lines.extend(Text("  ") + t(item_line(item)) for item in section.items)
    if lines:
        console.print(Text("\n").join(lines))
    for line in tail:
        console.print(line)
