"""Carry-over as text: the etherpad list that seeds the next PTG."""

from __future__ import annotations

from syncsvc import escape
from syncsvc.domain.retro import CarryReport
from syncsvc.schedule.series import SERIES


def next_series(cycle: str | None) -> str | None:
    """The series after ``cycle`` (``xena`` for ``wallaby``), or ``None``."""
    names = [s.name for s in SERIES]
    if not cycle or cycle.lower() not in names:
        return None
    at = names.index(cycle.lower()) + 1
    return names[at] if at < len(names) else None


def etherpad_lines(report: CarryReport, *, dry_run: bool = False) -> list[str]:
    """Plain text for the next PTG's etherpad: one ``*`` bullet per topic, ``[ ]`` per
    commitment with its owners, state and original id. Etherpad renders no Markdown,
    so only control and format characters are escaped."""
    would = "would carry" if dry_run else "carried"
    head = (
        f"Carried over from {report.from_event} to {report.to_event}:"
        f" {len(report.items)} unfinished, {report.added} {would} now"
    )
    lines = [escape.one_line(head)]
    topic = None
    for item in report.items:
        if item.topic != topic:
            topic = item.topic
            lines.append(escape.one_line(f"* {topic}"))
        owners = ", ".join(item.owners) or "unassigned"
        was = f"was #{item.original_id}, {item.state}"
        lines.append("  * [ ] " + escape.one_line(f"{item.text} ({owners}; {was})"))
    return lines
