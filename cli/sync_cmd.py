"""`syncsvc sync`: poll Launchpad and Gerrit into the database (cron-safe)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Annotated

import platformdirs
import typer
from rich.table import Table
from rich.text import Text
from sqlalchemy.orm import Session

from syncsvc.cli import render
from syncsvc.cli.context import AppContext, app_context
from syncsvc.cli.exit_codes import ExitCode
from syncsvc.cli.wiring import SourceChoice, build_gerrit, build_launchpad, sync_settings
from syncsvc.config import Config
from syncsvc.models.lock import sync_lock
from syncsvc.models.sync_store import SqlSyncStore
from syncsvc.sync import SyncReport, run_sync

SYNC_EPILOG = """\
Example (crontab, every 15 minutes):
  */15 * * * * syncsvc -q sync || logger -t syncsvc "sync failed: $?"

Example: syncsvc sync --source gerrit --dry-run

Exit codes: 0 done, 1 --dry-run found changes, 3 a remote service failed
(what succeeded is kept), 6 another sync holds the lock.
"""


def sync(
    ctx: typer.Context,
    source: Annotated[
        SourceChoice, typer.Option("--source", help="launchpad, gerrit or all.")
    ] = SourceChoice.ALL,
    full: Annotated[
        bool, typer.Option("--full", help="Ignore cursors; refetch everything referenced.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Fetch and diff; keep nothing. Exit 1 if changes.")
    ] = False,
    wait: Annotated[
        float, typer.Option("--wait", help="Seconds to wait for another sync to finish.")
    ] = 10.0,
) -> None:
    """Poll Launchpad and Gerrit and record what moved (incremental, safe to overlap)."""
    app_ctx = app_context(ctx)
    report = sync_with(
        app_ctx,
        app_ctx.config,
        source=source,
        full=full,
        dry_run=dry_run,
        wait=wait,
        cache_dir=Path(platformdirs.user_cache_dir("syncsvc")),
    )
    print_report(app_ctx, report)
    raise typer.Exit(exit_code(report))


def sync_with(
    app_ctx: AppContext,
    cfg: Config,
    *,
    source: SourceChoice = SourceChoice.ALL,
    full: bool = False,
    dry_run: bool = False,
    wait: float = 10.0,
    cache_dir: Path,
) -> SyncReport:
    """Build the adapters ``cfg`` names, take the lock and run the engine."""
    engine = app_ctx.engine()
    with ExitStack() as stack:
        bugs = changes = None
        if source in {SourceChoice.ALL, SourceChoice.LAUNCHPAD}:
            # Referenced bugs are fetched even when no project is polled.
            bugs = stack.enter_context(build_launchpad(cfg, cache_dir))
        if source in {SourceChoice.ALL, SourceChoice.GERRIT}:
            changes = stack.enter_context(build_gerrit(cfg))
        stack.enter_context(sync_lock(engine, wait=wait))
        # The store commits batch by batch; closing the session discards the rest.
        session = stack.enter_context(Session(engine, expire_on_commit=False))
        with _progress(app_ctx) as progress:
            return run_sync(
                SqlSyncStore(session),
                bugs=bugs,
                changes=changes,
                settings=sync_settings(cfg),
                full=full,
                dry_run=dry_run,
                progress=progress,
            )


def exit_code(report: SyncReport) -> ExitCode:
    """3 if a scope failed, 1 if a dry run found changes, else 0."""
    if report.failed:
        return ExitCode.REMOTE
    if report.dry_run and report.changed:
        return ExitCode.CHANGES
    return ExitCode.OK


@contextmanager
def _progress(app_ctx: AppContext) -> Iterator[Callable[[str], None]]:
    """A spinner on stderr when it is a terminal and not quieted; silent under cron."""
    if not sys.stderr.isatty() or app_ctx.verbosity < 0:
        yield lambda _msg: None
        return
    with app_ctx.err.status("syncing") as status:
        yield lambda msg: status.update(Text("syncing ") + render.t(msg))


def short_scope(scope: str) -> str:
    """ "projects:a,b,c" → "3 projects" for display; other scopes as they are."""
    kind, _, names = scope.partition(":")
    if kind == "projects" and names.count(",") >= 1:
        return f"{names.count(',') + 1} projects"
    return scope


def print_report(app_ctx: AppContext, report: SyncReport) -> None:
    """One row per (source, scope), then one line per failure on stderr."""
    table = Table(title="dry run: nothing was saved" if report.dry_run else None)
    for name in ("Source", "Scope", "Fetched", "New", "Changed", "Unchanged", "History", "Note"):
        table.add_column(name)
    for s in report.scopes:
        note = s.skipped or (f"since {s.since:%Y-%m-%d %H:%M}" if s.since else "")
        table.add_row(
            str(s.source),
            render.t(short_scope(s.scope)),
            str(s.fetched),
            str(s.counts.inserted),
            str(s.counts.changed),
            str(s.counts.unchanged),
            str(s.counts.history),
            render.t("FAILED" if s.error else note),
        )
    app_ctx.out.print(table)
    for s in report.scopes:
        if s.error:
            app_ctx.err.print(render.error_line(f"{s.source} {s.scope}: {s.error}"))
