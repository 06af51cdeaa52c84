"""Shared steps of `import` and `demo`: parse and report, then save in one transaction."""

from __future__ import annotations

import hashlib
import sys
from datetime import UTC, datetime

from syncsvc.adapters.sources import read_source
from syncsvc.cli import render
from syncsvc.cli.context import AppContext
from syncsvc.domain import Event
from syncsvc.errors import InputError
from syncsvc.models import db, repo
from syncsvc.parser import parse_summary
from syncsvc.views import summarise


def read_input(source: str) -> bytes:
    """The bytes of ``source``; stdin is touched only for ``-``.

    A process started with fd 0 closed (cron, a daemon) has no ``sys.stdin``:
    a file or URL still imports, and ``-`` is an :class:`InputError`.
    """
    if sys.stdin is None:
        if source == "-":
            raise InputError("standard input is closed", hint="give a file or a URL")
        return read_source(source)
    return read_source(source, stdin=sys.stdin.buffer)


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


def save_event(app_ctx: AppContext, event: Event, data: bytes) -> None:
    """Store ``event`` in one transaction and print the import counts."""
    with db.session_scope(app_ctx.engine()) as session:
        report = repo.save_event(
            session,
            event,
            source_digest=hashlib.sha256(data).hexdigest(),
            now=datetime.now(UTC),
        )
    app_ctx.out.print(
        f"saved event {report.event_id}: {report.created} new, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.removed} removed"
    )
