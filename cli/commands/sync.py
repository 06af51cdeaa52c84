"""`syncsvc sync`: poll Launchpad and Gerrit into the database (cron-safe)."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import platformdirs
import typer
from rich.table import Table
from rich.text import Text
from sqlalchemy.orm import Session

from syncsvc.adapters.recording.replay import (
    FileBugSource,
    FileChangeSource,
    RecordingBugSource,
    RecordingChangeSource,
    read_manifest,
    start_recording,
)
from syncsvc.cli import render
from syncsvc.cli.commands.links import relink_after_change
from syncsvc.cli.context import AppContext, app_context
from syncsvc.cli.exit_codes import ExitCode
from syncsvc.cli.wiring import SourceChoice, build_gerrit, build_launchpad, sync_settings
from syncsvc.config import Config
from syncsvc.domain import SourceName
from syncsvc.errors import ConfigError
from syncsvc.models import db
from syncsvc.models.lock import DEFAULT_WAIT, sync_lock
from syncsvc.models.sync_store import SqlSyncStore
from syncsvc.sync.engine import SyncReport, run_sync
from syncsvc.sync.ports import BugSource, ChangeSource

SYNC_EPILOG = """\
Example (crontab, every 15 minutes):
  */15 * * * * syncsvc -q sync || logger -t syncsvc "sync failed: $?"

Example: syncsvc sync --source gerrit --dry-run

Example (record, then replay offline into another database):
  syncsvc sync --full --save-to ./recording
  syncsvc --db sqlite:///copy.sqlite sync --from-file ./recording

Exit codes: 0 done, 1 --dry-run found changes, 3 a remote service failed
(what succeeded is kept; links and states are not refreshed until a complete
sync), 6 another sync holds the lock, 130 Ctrl-C, 143 SIGTERM (stops after the
current batch).
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
    ] = DEFAULT_WAIT,
    save_to: Annotated[
        Path | None,
        typer.Option(
            "--save-to",
            metavar="DIR",
            help="Also write every record fetched to DIR (JSON Lines) for --from-file.",
        ),
    ] = None,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from-file",
            metavar="DIR",
            help="Replay a --save-to recording instead of contacting any host.",
        ),
    ] = None,
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
        save_to=save_to,
        from_file=from_file,
    )
    print_report(app_ctx, report)
    if report.failed:
        # Links and states from half the data would record transitions at the wrong
        # time, and a later complete sync keeps them: relink only from complete data.
        app_ctx.err.print(
            "links not refreshed: a scope failed; the next complete sync relinks "
            "(or run `syncsvc link refresh`)"
        )
    elif not dry_run:
        relink_after_change(app_ctx, app_ctx.config, now=datetime.now(UTC), wait=wait)
    raise typer.Exit(exit_code(report))


def sync_with(
    app_ctx: AppContext,
    cfg: Config,
    *,
    source: SourceChoice = SourceChoice.ALL,
    full: bool = False,
    dry_run: bool = False,
    wait: float = DEFAULT_WAIT,
    cache_dir: Path,
    save_to: Path | None = None,
    from_file: Path | None = None,
) -> SyncReport:
    """Build the sources (``cfg``'s adapters, or a recording), take the lock, run the engine.

    ``save_to`` also records what the adapters yield there, replacing an earlier
    recording once the lock is held; ``from_file`` replays a recording and
    contacts no host (no allow-list check). Raises ConfigError when both are
    given; InputError for a ``from_file`` recording that is missing, corrupt or
    lacks the source asked for (before the database is opened), or a ``save_to``
    directory that cannot be written.
    """
    if save_to is not None and from_file is not None:
        raise ConfigError(
            "--save-to and --from-file cannot be used together",
            hint="replay with --from-file DIR, or record with --save-to DIR",
        )
    with ExitStack() as stack:
        if from_file is not None:
            bugs, changes = _replay_sources(from_file, source)
        else:
            bugs, changes = _remote_sources(stack, cfg, source, cache_dir)
        engine = app_ctx.engine()
        stack.enter_context(sync_lock(engine, wait=wait))
        if save_to is not None:  # only once the lock is held: a refused run keeps the old one
            bugs, changes = _recording(save_to, bugs, changes)
        # The store commits batch by batch; closing the session discards the rest.
        session = stack.enter_context(Session(db.writer(engine), expire_on_commit=False))
        with _progress(app_ctx) as progress, _stop_on_sigterm() as stop:
            return run_sync(
                SqlSyncStore(session),
                bugs=bugs,
                changes=changes,
                settings=sync_settings(cfg),
                full=full,
                dry_run=dry_run,
                progress=progress,
                stop=stop,
            )


def _remote_sources(
    stack: ExitStack, cfg: Config, source: SourceChoice, cache_dir: Path
) -> tuple[BugSource | None, ChangeSource | None]:
    """The configured adapters (hosts checked against the allow-list)."""
    bugs: BugSource | None = None
    changes: ChangeSource | None = None
    if source in {SourceChoice.ALL, SourceChoice.LAUNCHPAD}:
        # Referenced bugs are fetched even when no project is polled.
        bugs = stack.enter_context(build_launchpad(cfg, cache_dir))
    if source in {SourceChoice.ALL, SourceChoice.GERRIT}:
        changes = stack.enter_context(build_gerrit(cfg))
    return bugs, changes


def _recording(
    directory: Path, bugs: BugSource | None, changes: ChangeSource | None
) -> tuple[BugSource | None, ChangeSource | None]:
    """``bugs`` and ``changes`` recording into a new recording in ``directory``."""
    start_recording(directory)
    return (
        None if bugs is None else RecordingBugSource(bugs, directory),
        None if changes is None else RecordingChangeSource(changes, directory),
    )


def _replay_sources(
    directory: Path, source: SourceChoice
) -> tuple[BugSource | None, ChangeSource | None]:
    """Sources reading the recording in ``directory``; ``all`` means all it recorded."""
    recorded = read_manifest(directory).sources
    wanted = {
        SourceChoice.ALL: set(recorded),
        SourceChoice.LAUNCHPAD: {SourceName.LAUNCHPAD},
        SourceChoice.GERRIT: {SourceName.GERRIT},
    }[source]
    bugs = FileBugSource(directory) if SourceName.LAUNCHPAD in wanted else None
    changes = FileChangeSource(directory) if SourceName.GERRIT in wanted else None
    return bugs, changes


def exit_code(report: SyncReport) -> ExitCode:
    """3 if a scope failed, 1 if a dry run found changes, else 0."""
    if report.failed:
        return ExitCode.REMOTE
    if report.dry_run and report.changed:
        return ExitCode.CHANGES
    return ExitCode.OK


@contextmanager
def _stop_on_sigterm() -> Iterator[Callable[[], bool]]:
    """While the block runs, SIGTERM only asks the sync to stop after its current
    batch (exit 143); the returned callable says whether it was asked. Outside the
    main thread (no signal handlers there) it is never asked."""
    asked = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield asked.is_set
        return
    previous = signal.signal(signal.SIGTERM, lambda _signum, _frame: asked.set())
    try:
        yield asked.is_set
    finally:
        signal.signal(signal.SIGTERM, previous)


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
    """One row per (source, scope), then one line per failure on stderr. "Comments" counts
    the bug comments stored or changed with the scope. With ``-q`` only the failures."""
    if app_ctx.verbosity < 0:  # -q (cron): nothing on success, failures below
        _print_failures(app_ctx, report)
        return
    table = Table(title="dry run: nothing was saved" if report.dry_run else None)
    columns = ("Source", "Scope", "Fetched", "New", "Changed", "Unchanged", "History", "Comments")
    for name in (*columns, "Note"):
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
            str(s.comments.inserted + s.comments.changed),
            render.t("FAILED" if s.error else note),
        )
    app_ctx.out.print(table)
    _print_failures(app_ctx, report)


def _print_failures(app_ctx: AppContext, report: SyncReport) -> None:
    """One line on stderr per failed scope."""
    for s in report.scopes:
        if s.error:
            app_ctx.err.print(render.error_line(f"{s.source} {s.scope}: {s.error}"))
