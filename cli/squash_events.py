"""Read and write services of the `squash start|status|signups|report` commands."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from syncsvc.cli.context import AppContext
from syncsvc.domain import SquashBug, SquashEvent
from syncsvc.errors import ConfigError, NotFoundError
from syncsvc.models import db
from syncsvc.models.activity_store import activity_lines, activity_synced
from syncsvc.models.squash_queries import bug_tasks, open_bug_tasks, open_closing_changes
from syncsvc.models.squash_store import (
    create_event,
    get_event,
    previous_event,
    save_signups,
    signups,
    snapshots,
    task_changes,
)
from syncsvc.squash import rules
from syncsvc.squash.report import PreviousSquash, SquashReport, build_report
from syncsvc.squash.signups import parse_signups


def parse_when(value: str, option: str) -> datetime:
    """An ISO 8601 date or time; with an offset it is converted to UTC, without one it is
    taken as UTC. ConfigError (exit 2) otherwise."""
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(
            f"{option}: not a date or time: {value!r}",
            hint="write e.g. 2021-06-17T00:00+14:00 (ISO 8601, with the zone)",
        ) from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def start(app_ctx: AppContext, event: SquashEvent, *, now: datetime) -> SquashEvent:
    """Store a new event; ConfigError for an empty window, InputError for a taken name."""
    if event.ends_at <= event.starts_at:
        raise ConfigError(
            f"--to {event.ends_at.isoformat()} is not after --from {event.starts_at.isoformat()}",
            hint="give the window's start and end, e.g. --from 2021-06-17T00:00+14:00 "
            "--to 2021-06-18T00:00-12:00",
        )
    with db.session_scope(app_ctx.engine()) as session:
        return create_event(session, event, now=now)


def _event(session: Session, name: str) -> SquashEvent:
    found = get_event(session, name)
    if found is None or found.id is None:
        raise NotFoundError(f"no squash named {name!r}", hint="create it with syncsvc squash start")
    return found


def record_signups(app_ctx: AppContext, name: str, text: str) -> tuple[int, int]:
    """Store the sheet's sign-ups; return (rows read, rows written)."""
    found = parse_signups(text)
    with db.session_scope(app_ctx.engine()) as session:
        event = _event(session, name)
        assert event.id is not None
        return len(found), save_signups(session, event.id, found)


@dataclass(frozen=True, slots=True)
class LoadedReport:
    """A report with the tasks and open changes the mail needs."""

    report: SquashReport
    tasks: dict[int, SquashBug]
    changes: dict[int, list[int]]


def _report(
    session: Session,
    event: SquashEvent,
    *,
    include_private: bool,
    now: datetime,
    deep: bool,
    bots: Collection[str],
) -> LoadedReport:
    assert event.id is not None
    changes = task_changes(session, event.starts_at, event.ends_at, event.projects)
    everything = bug_tasks(session, event.projects, open_only=False)
    lines = activity_lines(session, {t.bug_id for t in everything}, event.starts_at,
                           event.ends_at)  # fmt: skip
    wanted = {c.bug_id for c in changes} | {a.bug_id for a in lines}
    if event.tag is not None:
        wanted |= {b.bug_id for b in everything if event.tag in b.tags}
    tasks: dict[int, SquashBug] = {}
    for task in everything:
        if task.bug_id in wanted and (include_private or not task.private):
            tasks.setdefault(task.bug_id, task)
    changes = [c for c in changes if c.bug_id in tasks]
    open_changes = open_closing_changes(session)
    closing: dict[int, list[int]] = {}
    for change in open_changes:
        for bug_id in change.closes:
            closing.setdefault(bug_id, []).append(change.number)
    follow_up = []
    previous = None
    if deep:
        open_tasks = [
            b for b in open_bug_tasks(session, event.projects) if include_private or not b.private
        ]
        follow_up = [
            item
            for item in rules.fix_in_review(open_tasks, open_changes, now)
            if item.note == "reviewers"
        ]
        before = previous_event(session, event)
        if before is not None:
            earlier = _report(session, before, include_private=include_private, now=now,
                              deep=False, bots=bots).report  # fmt: skip
            previous = PreviousSquash(
                before.name,
                before.starts_at,
                before.ends_at,
                len(earlier.closed),
                len(earlier.signed_up),
                earlier.closed_of_signed_up,
            )
    report = build_report(
        event,
        snapshots(session, event.id),
        changes,
        tasks,
        signups(session, event.id),
        follow_up=follow_up,
        previous=previous,
        activity=[a for a in lines if a.bug_id in tasks],
        logged=activity_synced(session, tasks.keys()),
        bots=bots,
    )
    return LoadedReport(report, tasks, closing)


def load_report(
    app_ctx: AppContext, name: str, *, include_private: bool = False, now: datetime
) -> LoadedReport:
    """The event's report from one read snapshot; NotFoundError (exit 5) for no such event.
    The tally leaves out the configured bots (``[squash] bots``)."""
    bots = app_ctx.config.squash.bots
    with db.read_scope(app_ctx.engine()) as session:
        event = _event(session, name)
        return _report(
            session, event, include_private=include_private, now=now, deep=True, bots=bots
        )
