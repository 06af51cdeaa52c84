"""Shared steps of `import` and `demo`: parse and report, then save in one transaction."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from syncsvc.cli import render
from syncsvc.cli.context import AppContext
from syncsvc.domain import Event, ImportReport
from syncsvc.models import db, repo
from syncsvc.parser import parse_summary
from syncsvc.provenance import identify
from syncsvc.views import summarise


def parse_and_report(
    app_ctx: AppContext, data: bytes, *, team: str | None, cycle: str | None
) -> Event:
    """Parse ``data`` and print what was found (warnings to stderr)."""
    cfg = app_ctx.config
    event = parse_summary(
        data,
        team=team or cfg.team,
        cycle=cycle or cfg.cycle,
        known_nicks=cfg.aliases,
        schedules=app_ctx.schedules(),
    )
    for line in render.parse_summary_lines(event.title, summarise(event)):
        app_ctx.out.print(render.t(line))
    for warning in event.warnings:
        app_ctx.err.print(render.t(f"warning: {warning}"), style="yellow")
    return event


def save_event(
    app_ctx: AppContext,
    event: Event,
    data: bytes,
    *,
    location: str | None = None,
    into: str | None = None,
) -> ImportReport:
    """Store ``event`` from ``location`` in one transaction and print the counts.

    ``into`` is ``--event``: an event id (digits) or a name.
    """
    name = None if into is None or into.isdigit() else into
    source = identify(location, data, name=name, title=event.title)
    with db.session_scope(app_ctx.engine()) as session:
        report = repo.save_event(
            session,
            event,
            source=source,
            into=int(into) if into is not None and into.isdigit() else into,
            source_digest=hashlib.sha256(data).hexdigest(),
            now=datetime.now(UTC),
        )
    render.import_report(app_ctx.out, report)
    return report
