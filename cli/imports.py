"""The import service of `import` and `demo`: read, parse and report, then save in one
transaction."""

from __future__ import annotations

import hashlib
import sys
from datetime import UTC, datetime

from rich.console import Console
from sqlalchemy.orm import Session

from syncsvc.adapters.sources import read_source
from syncsvc.cli.context import AppContext
from syncsvc.cli.options import DetailFormat
from syncsvc.cli.render import as_json, lines
from syncsvc.cli.render.text import t
from syncsvc.domain import Event, ImportReport
from syncsvc.errors import InputError
from syncsvc.hosts import AllowedHosts
from syncsvc.models import db, repo
from syncsvc.parse.explain import Explanation, explain
from syncsvc.parse.provenance import identify
from syncsvc.parse.reimport import REIMPORT
from syncsvc.parse.summary import parse_summary
from syncsvc.report.views import summarise
from syncsvc.schedule import series
from syncsvc.schedule.releases import Schedules


def read_input(source: str, *, allowed: AllowedHosts) -> bytes:
    """The bytes of ``source`` (a URL only on an ``allowed`` host); stdin is touched
    only for ``-``.

    A process started with fd 0 closed (cron, a daemon) has no ``sys.stdin``:
    a file or URL still imports, and ``-`` is an :class:`InputError`.
    """
    if sys.stdin is None:
        if source == "-":
            raise InputError("standard input is closed", hint="give a file or a URL")
        return read_source(source, allowed=allowed)
    return read_source(source, stdin=sys.stdin.buffer, allowed=allowed)


def explain_input(
    app_ctx: AppContext, data: bytes, *, team: str | None, cycle: str | None
) -> Explanation:
    """How each line of ``data`` is read; nothing is stored."""
    cfg = app_ctx.config
    schedules = app_ctx.schedules()
    return explain(
        data, team=team or cfg.team, cycle=checked_cycle(app_ctx, cycle, schedules, team),
        aliases=cfg.aliases, schedules=schedules,
    )  # fmt: skip


def checked_cycle(
    app_ctx: AppContext, cycle: str | None, schedules: Schedules, team: str | None = None
) -> str | None:
    """The series ``--cycle`` (else ``team``'s ``[teams.NAME] cycle``, else the config's
    ``cycle``) names, or ``None`` for none of them.

    An unknown name is a :class:`ConfigError` (exit 2) suggesting the nearest one;
    a known series with no schedule is a warning: its milestones stay as written.
    """
    given = cycle or app_ctx.config.default_cycle(team)
    if given is None:
        return None
    name = series.resolve(given)
    if name not in schedules:
        app_ctx.err.print(
            t(f"warning: no bundled release schedule for {name}; milestones are kept as written"),
            style="yellow",
        )
    return name


def parse_and_report(
    app_ctx: AppContext,
    data: bytes,
    *,
    team: str | None,
    cycle: str | None,
    console: Console | None = None,
) -> Event:
    """Parse ``data`` and print what was found to ``console`` (stdout); warnings to stderr."""
    cfg = app_ctx.config
    schedules = app_ctx.schedules()
    event = parse_summary(
        data,
        team=team or cfg.team,
        cycle=checked_cycle(app_ctx, cycle, schedules, team),
        known_nicks=cfg.aliases,
        schedules=schedules,
    )
    for line in lines.parse_summary_lines(event.title, summarise(event)):
        (console or app_ctx.out).print(t(line))
    for warning in event.warnings:
        app_ctx.err.print(t(f"warning: {warning}"), style="yellow")
    return event


def save_event(
    app_ctx: AppContext,
    event: Event,
    data: bytes,
    *,
    location: str | None = None,
    into: str | None = None,
    dry_run: bool = False,
    fmt: DetailFormat = DetailFormat.TABLE,
) -> ImportReport:
    """Store ``event`` from ``location`` in one transaction and print the counts.

    ``into`` is ``--event``: an event id (digits) or a name. A dry run does the
    same matching without writing and rolls back, so its counts are a real run's.
    """
    name = None if into is None or into.isdigit() else into
    source = identify(location, data, name=name, title=event.title)
    # A read-then-write transaction: it takes SQLite's write lock at BEGIN (db.writer).
    with Session(db.writer(app_ctx.engine()), expire_on_commit=False) as session:
        report = repo.save_event(
            session,
            event,
            source=source,
            into=int(into) if into is not None and into.isdigit() else into,
            source_digest=hashlib.sha256(data).hexdigest(),
            now=datetime.now(UTC),
            dry_run=dry_run,
            rules=REIMPORT,
        )
        if dry_run:
            session.rollback()
        else:
            session.commit()
    show = as_json.import_report if fmt is DetailFormat.JSON else lines.import_report
    show(app_ctx.out, report, dry_run=dry_run)
    return report
