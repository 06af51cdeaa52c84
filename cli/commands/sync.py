"""`syncsvc sync`: poll Launchpad and Gerrit into the database, then relink (cron-safe)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

import typer

from syncsvc.cli.context import AppContext, app_context
from syncsvc.cli.exit_codes import ExitCode
from syncsvc.cli.options import SYNC_WAIT, DetailFormat, DetailFormatOption, SourceChoice

if TYPE_CHECKING:
    from syncsvc.config import Config
    from syncsvc.sync.service import SyncOutcome

SYNC_EPILOG = """\
Example (crontab, every 15 minutes):
  */15 * * * * syncsvc -q sync || logger -t syncsvc "sync failed: $?"

Example: syncsvc sync --source gerrit --dry-run
Example: syncsvc -q sync --format json > last-sync.json

Example (record, then replay offline into another database):
  syncsvc sync --full --save-to ./recording
  syncsvc --db sqlite:///copy.sqlite sync --from-file ./recording

Example (several teams, one worker per team): syncsvc -q sync --team cinder

Exit codes: 0 done, 1 --dry-run found changes (links included), 2 unknown
--team, 3 a remote service failed (what succeeded is kept; links and states are
not refreshed until a complete sync), 6 another sync holds the lock, 8 the
request budget ([http] max_requests_per_run) is spent (stopped cleanly; the
scopes left are listed), 130 Ctrl-C, 143 SIGTERM (stops after the current batch).
"""
#: Why links were not refreshed, by :class:`syncsvc.sync.service.LinksSkipped` value.
SKIPPED = {
    "scope-failed": "links not refreshed: a scope failed; the next complete sync "
    "relinks (or run `syncsvc link refresh`)",
    "relink-running": "links not refreshed: another relink is running; the next "
    "sync or `syncsvc link refresh` takes this change into account",
    "budget-spent": "links not refreshed: the request budget ran out; the next "
    "complete sync relinks",
}


def sync(
    ctx: typer.Context,
    source: Annotated[
        SourceChoice, typer.Option("--source", help="launchpad, gerrit or all.")
    ] = SourceChoice.ALL,
    full: Annotated[
        bool, typer.Option("--full", help="Ignore cursors; refetch everything referenced.")
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Fetch and diff, links too; keep nothing. Exit 1 if changes."
        ),
    ] = False,
    wait: Annotated[
        float, typer.Option("--wait", help="Seconds to wait for another sync to finish.")
    ] = SYNC_WAIT,
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
    team: Annotated[
        str | None,
        typer.Option("--team", metavar="NAME", help="Sync one [teams.NAME] team (default: all)."),
    ] = None,
    fmt: DetailFormatOption = DetailFormat.TABLE,
) -> None:
    """Poll Launchpad and Gerrit and record what moved (incremental, safe to overlap)."""
    import platformdirs

    from syncsvc.cli.render import lines, sync_json
    from syncsvc.cli.render.text import t
    from syncsvc.cli.runs import sync_with

    app_ctx = app_context(ctx)
    if from_file is None and app_ctx.verbosity >= 0 and app_ctx.config_source is None:
        app_ctx.err.print(t(no_config_notice(app_ctx.config, source)))
    if app_ctx.verbosity <= 0:
        quiet_retries()
    outcome = sync_with(
        app_ctx, app_ctx.config, source=source, full=full, dry_run=dry_run, wait=wait,
        cache_dir=Path(platformdirs.user_cache_dir("syncsvc")), save_to=save_to,
        from_file=from_file, team=team,
    )  # fmt: skip
    if fmt is DetailFormat.JSON:
        sync_json.sync_outcome(app_ctx.out, outcome)
        lines.sync_failures(app_ctx.err, outcome.sync)
        budget_left(app_ctx, outcome)
    else:
        print_outcome(app_ctx, outcome)
    raise typer.Exit(exit_code(outcome))


def no_config_notice(cfg: Config, source: SourceChoice) -> str:
    """One line: no config file, so only what commitments name is fetched, and from where."""
    hosts = {
        SourceChoice.LAUNCHPAD: "Launchpad",
        SourceChoice.GERRIT: urlsplit(cfg.gerrit.url).hostname or cfg.gerrit.url,
    }
    wanted = [name for choice, name in hosts.items() if source in {choice, SourceChoice.ALL}]
    return (
        "no config file found: syncing only the bugs and changes commitments name, "
        f"from {' and '.join(wanted)}; `syncsvc init` configures projects"
    )


class _RetryNoise(logging.Filter):
    """Drops the retries' warnings and the engine's repeat of a failure: the failed scope's
    error line says it (``-v`` shows them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        template = str(record.msg)
        retry = template.endswith("; retry %d/%d in %.1fs")
        repeat = record.name == "syncsvc.sync.engine" and template == "%s %s failed: %s"
        return record.levelno > logging.WARNING or not (retry or repeat)


def quiet_retries() -> None:
    """Without ``-v``, each failure is only its one error line (see :class:`_RetryNoise`)."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(_RetryNoise())


def print_outcome(app_ctx: AppContext, outcome: SyncOutcome) -> None:
    """The scopes' table and the relink's line (only the failures with ``-q``), then why
    links were not refreshed, if they were not."""
    from syncsvc.cli.render import lines, tables

    if app_ctx.verbosity >= 0:
        tables.sync_report(app_ctx.out, outcome.sync)
    lines.sync_failures(app_ctx.err, outcome.sync)
    budget_left(app_ctx, outcome)
    if outcome.skipped is not None:
        app_ctx.err.print(SKIPPED[outcome.skipped])
    elif outcome.links is not None and app_ctx.verbosity >= 0:
        lines.relink(app_ctx.out, outcome.links)


def budget_left(app_ctx: AppContext, outcome: SyncOutcome) -> None:
    """One line on stderr naming the scopes a spent request budget left, if any."""
    from syncsvc.cli.render.text import t

    left = outcome.sync.left
    if left:
        names = ", ".join(f"{s.source} {s.scope}" for s in left)
        app_ctx.err.print(
            t(f"request budget spent: {len(left)} scopes left for the next run: {names}")
        )


def exit_code(outcome: SyncOutcome) -> ExitCode:
    """3 if a scope failed, 8 if the request budget left scopes, 1 if a dry run found
    changes (links included), else 0."""
    if outcome.sync.failed:
        return ExitCode.REMOTE
    if outcome.sync.left:
        return ExitCode.BUDGET
    if outcome.sync.dry_run and outcome.has_changes:
        return ExitCode.CHANGES
    return ExitCode.OK


def register(app: typer.Typer) -> None:
    """Add `sync` to ``app``."""
    app.command(epilog=SYNC_EPILOG)(sync)
