"""Plain lines for people: what an import found, sync and relink summaries, IRC, to-dos."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from syncsvc import escape
from syncsvc.cli.render.as_json import import_counts
from syncsvc.cli.render.text import counted, error_line, t
from syncsvc.report.status import StatusReport, counts_line, etherpad_lines, irc_lines
from syncsvc.report.views import ParseSummary

if TYPE_CHECKING:  # types only: `status` prints without loading the parser or the sync
    from syncsvc.domain import Event, ImportReport, StoredAction
    from syncsvc.parse.explain import Explanation
    from syncsvc.sync.engine import SyncReport
    from syncsvc.sync.relink import RelinkReport


def import_report(console: Console, report: ImportReport, *, dry_run: bool) -> None:
    """The counts of an import (or of what a dry run would do) as one line."""
    numbers = ", ".join(f"{n} {word}" for word, n in import_counts(report).items())
    event = "a new event" if report.event_id is None else f"event {report.event_id}"
    line = (
        f"dry run, nothing saved: {event} would get {numbers}"
        if dry_run
        else (f"saved {event}: {numbers}")
    )
    console.print(t(f"{line} (source {report.source})" if report.source else line))


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


def relink(console: Console, report: RelinkReport) -> None:
    """One summary line of a relink; a dry run's then lists each link it would add or
    update."""
    if not report.dry_run:
        console.print(
            f"links: {report.added} new, {report.updated} updated, "
            f"{report.unchanged} unchanged; {report.transitions} state changes"
        )
        return
    console.print(
        f"dry run, links not saved: {report.added} new, {report.updated} updated, "
        f"{report.unchanged} unchanged"
    )
    for mark, links in (("+", report.plan.add), ("~", report.plan.update)):
        for v in links:
            console.print(
                Text("  ") + t(f"{mark} #{v.action_id} {v.kind}:{v.id} [{v.status}, {v.source}]")
            )


#: A requests/urllib3 error's root cause: "(Caused by NameResolutionError("...: why"))".
_CAUSE = re.compile(r"\(Caused by \w+\((?P<why>.*)\)\)$")
_ATTEMPTS = re.compile(r"failed after \d+ attempts")


def short_failure(error: str) -> str:
    """A scope's error on one line; a connection error in a few words ("failed after 4
    attempts: Failed to resolve 'host' (…)") rather than the query and connection pool."""
    text = escape.one_line(error)
    if cause := _CAUSE.search(text):
        why = cause.group("why").strip("\"'")
        why = why.rpartition(">: ")[2] if ">: " in why else why.rpartition("): ")[2]
        attempts = _ATTEMPTS.search(text)
        text = f"{attempts.group()}: {why}" if attempts else why
    return text


def sync_failures(console: Console, report: SyncReport) -> None:
    """One short error line per failed scope (``-v`` logs the whole message)."""
    for s in report.scopes:
        if s.error:
            console.print(error_line(f"{s.source} {s.scope}: {short_failure(s.error)}"))


def irc(
    console: Console, report: StatusReport, *, full: bool = False, max_lines: int | None = None
) -> None:
    """`status --format irc`: MeetBot lines, ready to paste."""
    for line in irc_lines(report, full=full, max_lines=max_lines):
        console.print(line, markup=False, highlight=False, soft_wrap=True)


def etherpad(console: Console, report: StatusReport, *, full: bool = False) -> None:
    """`status --format etherpad`: plain bullets with bare URLs."""
    for line in etherpad_lines(report, full=full):
        console.print(line, markup=False, highlight=False, soft_wrap=True)


def counts(console: Console, report: StatusReport) -> None:
    """`status --format counts`: one line, each group and its size."""
    console.print(counts_line(report), markup=False, highlight=False, soft_wrap=True)


def added_action(console: Console, action: StoredAction, *, dry_run: bool) -> None:
    """A hand-added commitment as stored (or as a dry run reads it): where it went, its
    text, and its owners, due date and refs."""
    topic = f'topic "{action.topic}"'
    head = (
        f"dry run, nothing saved: would add to {action.event}, {topic}"
        if dry_run
        else f"added #{action.id} to {action.event} (event {action.event_id}), {topic}"
    )
    owners = ", ".join(action.owners) or "the team (no owner)"
    facts = [f"owners: {owners}"]
    if action.due is not None:
        facts.append(f"due {action.due.isoformat()} ({action.milestone})")
    elif action.starts is not None:
        facts.append(f"starts {action.starts.isoformat()} ({action.milestone})")
    if action.refs:
        facts.append("refs: " + ", ".join(f"{r.kind}:{r.id}" for r in action.refs))
    console.print(t(head), soft_wrap=True)
    for line in (action.text, " · ".join(facts)):
        console.print(Text("  ") + t(line), soft_wrap=True)
