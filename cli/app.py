"""The ``syncsvc`` Typer application: global options, error handling, commands."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import exc as sa_exc
from typer.core import TyperGroup

from syncsvc import __version__
from syncsvc.cli import render
from syncsvc.cli.commands.decisions import DECISIONS_EPILOG, decisions
from syncsvc.cli.commands.demo import demo
from syncsvc.cli.commands.importing import parse_and_report, read_input, save_event
from syncsvc.cli.commands.links import drift, link_app, mark, people_app
from syncsvc.cli.commands.status import STATUS_EPILOG, status
from syncsvc.cli.commands.sync import SYNC_EPILOG, sync
from syncsvc.cli.context import AppContext
from syncsvc.cli.exit_codes import EXIT_FOR_KIND, ExitCode
from syncsvc.cli.options import (
    CycleOption,
    DetailFormat,
    DetailFormatOption,
    DryRunOption,
    FormatOption,
    ListFormat,
    OwnerOption,
    TeamOption,
    TopicOption,
)
from syncsvc.config import EXAMPLE_CONFIG
from syncsvc.errors import ConfigError, InputError, StorageError, SyncError
from syncsvc.models import db, repo
from syncsvc.models.link_store import state_history
from syncsvc.models.status_queries import link_view, linked_artifacts
from syncsvc.parse.explain import explain
from syncsvc.reconcile.state import action_branches
from syncsvc.report.views import action_detail_json


class _Group(TyperGroup):
    """Turns :class:`SyncError` into one red line and a documented exit code."""

    def invoke(self, ctx: Any) -> Any:  # typer's vendored click.Context
        try:
            try:
                return super().invoke(ctx)
            except sa_exc.SQLAlchemyError as exc:
                raise _storage_error(exc) from exc
        except SyncError as exc:
            app_ctx = ctx.obj if isinstance(ctx.obj, AppContext) else AppContext()
            if app_ctx.debug:
                raise
            app_ctx.err.print(render.error_line(exc, exc.hint))
            raise typer.Exit(EXIT_FOR_KIND[exc.kind]) from None
        except KeyboardInterrupt:
            raise typer.Exit(ExitCode.INTERRUPTED) from None
        finally:
            if isinstance(ctx.obj, AppContext):
                ctx.obj.close()


def _storage_error(exc: sa_exc.SQLAlchemyError) -> SyncError:
    """One-line errors for database failures: a bad URL, an unreachable server."""
    if isinstance(exc, sa_exc.ArgumentError | sa_exc.NoSuchModuleError):
        return ConfigError(f"not a database URL syncsvc can use: {exc}", hint="see --db in README")
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError):
        return StorageError(f"cannot use the database: {detail}", hint="is it running?")
    return StorageError(f"database error: {detail}")


app = typer.Typer(
    cls=_Group,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Track PTG action items as commitments and follow them on Launchpad and Gerrit.",
    epilog="Example: syncsvc import summary.html --team manila && syncsvc actions --owner dviroel",
)
db_app = typer.Typer(
    no_args_is_help=True,
    help="Database schema management.",
    epilog="Example: syncsvc --db postgresql+psycopg://localhost/syncsvc db upgrade",
)
app.add_typer(db_app, name="db")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"syncsvc {__version__}")
        raise typer.Exit


@app.callback()
def main_options(
    ctx: typer.Context,
    db_url: Annotated[
        str | None,
        typer.Option("--db", envvar="SYNCSVC_DATABASE_URL", help="Database URL (SQLAlchemy)."),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="Team config file (TOML).")
    ] = None,
    verbose: Annotated[int, typer.Option("-v", "--verbose", count=True, help="More logs.")] = 0,
    quiet: Annotated[int, typer.Option("-q", "--quiet", count=True, help="Fewer logs.")] = 0,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    """Global options; every command accepts them before its name."""
    del version  # handled eagerly by _version
    ctx.obj = AppContext(db_url=db_url, config_file=config, verbosity=verbose - quiet, debug=debug)
    ctx.obj.configure_logging()
    _ = ctx.obj.config  # a broken config file fails every command, not only some


def _ctx(ctx: typer.Context) -> AppContext:
    assert isinstance(ctx.obj, AppContext)
    return ctx.obj


@app.command(
    "import",
    epilog="Example: syncsvc import wallaby-ptg.html --team manila; "
    "syncsvc import day3.eml --event 'Manila Wallaby PTG'; "
    "syncsvc import --explain wallaby-ptg.html",
)
def import_(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="A file, - for stdin, or an http(s) URL.")],
    team: TeamOption = None,
    cycle: CycleOption = None,
    dry_run: DryRunOption = False,
    explain_: Annotated[
        bool, typer.Option("--explain", help="Show how each line was read; store nothing.")
    ] = False,
    into: Annotated[
        str | None,
        typer.Option(
            "--event",
            metavar="NAME|ID",
            help="Join this event (id or name); names a local file without a Message-ID.",
        ),
    ] = None,
    fmt: DetailFormatOption = DetailFormat.TABLE,
) -> None:
    """Read a PTG summary or meeting minutes and store its action items as commitments."""
    app_ctx = _ctx(ctx)
    data = read_input(source, allowed=app_ctx.config.import_hosts())
    if explain_:
        cfg = app_ctx.config
        found = explain(
            data, team=team or cfg.team, cycle=cycle or cfg.cycle, aliases=cfg.aliases,
            schedules=app_ctx.schedules(),
        )  # fmt: skip
        render.explanation(app_ctx.out, app_ctx.err, found)
        return
    app_ctx.engine()  # an unusable database fails before anything reads as a success
    found_to = app_ctx.err if fmt is DetailFormat.JSON else app_ctx.out  # stdout: JSON only
    event = parse_and_report(app_ctx, data, team=team, cycle=cycle, console=found_to)
    for line in render.import_extra_lines(event):
        found_to.print(render.t(line))
    save_event(app_ctx, event, data, location=source, into=into, dry_run=dry_run, fmt=fmt)


@app.command(epilog="Example: syncsvc actions --owner carloss --format json")
def actions(
    ctx: typer.Context,
    owner: OwnerOption = None,
    topic: TopicOption = None,
    unassigned: Annotated[bool, typer.Option("--unassigned", help="Only unowned.")] = False,
    fmt: FormatOption = ListFormat.TABLE,
) -> None:
    """List commitments with owners, due dates and state."""
    app_ctx = _ctx(ctx)
    with db.read_scope(app_ctx.engine()) as session:
        found = repo.list_actions(session, owner=owner, topic=topic, unassigned=unassigned)
        view = link_view(session, found)
    {
        ListFormat.TABLE: render.actions_table,
        ListFormat.JSON: render.actions_json,
        ListFormat.MARKDOWN: render.actions_markdown,
    }[fmt](app_ctx.out, found, view=view)


@app.command(epilog="Example: syncsvc show 12 --format json")
def show(
    ctx: typer.Context,
    action_id: Annotated[int, typer.Argument(metavar="ID", help="Action id (see `actions`).")],
    fmt: DetailFormatOption = DetailFormat.TABLE,
) -> None:
    """Show one commitment in full: links with their evidence, refs, state transitions,
    earlier wordings."""
    app_ctx = _ctx(ctx)
    with db.read_scope(app_ctx.engine()) as session:
        action = repo.get_action(session, action_id)
        view = link_view(session, [action])
        links = view.links.get(action.id, [])
        branches = action_branches(
            action,
            links,
            *linked_artifacts(session, links),
            now=datetime.now(UTC),
            stall_days=app_ctx.config.status.stall_days,
        )
        transitions = state_history(session, action.id)
    if fmt is DetailFormat.JSON:
        data = action_detail_json(action, links, view.artifact_states, view.progress.get(action.id))
        data["branches"] = [{"branch": b, "state": st, "reason": r} for b, st, r in branches]
        data["transitions"] = [render.transition_json(h) for h in transitions]
        data.update(render.provenance_json(action))
        render.print_json(app_ctx.out, data)
    else:
        render.action_detail(
            app_ctx.out, action, view=view, branches=branches, transitions=transitions
        )


@app.command(epilog="Example: syncsvc events --format json")
def events(ctx: typer.Context, fmt: DetailFormatOption = DetailFormat.TABLE) -> None:
    """List imported events (PTGs, meetings) with their counts."""
    app_ctx = _ctx(ctx)
    with db.read_scope(app_ctx.engine()) as session:
        found = repo.list_events(session)
        decided = Counter(d.event_id for d in repo.list_decisions(session))
    if fmt is DetailFormat.JSON:
        render.events_json(app_ctx.out, found, decisions=decided)
    else:
        render.events_table(app_ctx.out, found)


@app.command(epilog="Example: syncsvc init --path ./syncsvc.toml")
def init(
    ctx: typer.Context,
    path: Annotated[Path, typer.Option("--path", help="Where to write it.")] = Path("syncsvc.toml"),
) -> None:
    """Write a commented example team config (never overwrites a file)."""
    if path.exists():
        raise InputError(f"{path} already exists; not overwriting it")
    path.write_text(EXAMPLE_CONFIG, encoding="utf-8")
    _ctx(ctx).out.print(render.t(f"wrote {path}"))


@db_app.command("upgrade", epilog="Example: syncsvc --db postgresql+psycopg://h/db db upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Create or upgrade the database schema to this version's head."""
    app_ctx = _ctx(ctx)
    engine = app_ctx.engine(check_schema=False)
    db.upgrade(engine)
    app_ctx.out.print(f"database schema at {db.current_revision(engine)}")


@db_app.command("current", epilog="Example: syncsvc db current")
def db_current(ctx: typer.Context) -> None:
    """Print the schema revision of the database and the one this version needs."""
    app_ctx = _ctx(ctx)
    engine = app_ctx.engine(check_schema=False)
    current = db.current_revision(engine) or "empty"
    app_ctx.out.print(f"database: {current}, syncsvc needs: {db.head_revision()}")


app.command(epilog=SYNC_EPILOG)(sync)
app.command(epilog=STATUS_EPILOG)(status)
app.command(epilog=DECISIONS_EPILOG)(decisions)
app.add_typer(link_app, name="link")
app.add_typer(people_app, name="people")
app.command(epilog="Example: syncsvc mark 11 done")(mark)
app.command(epilog="Example: syncsvc drift")(drift)
app.command(epilog="Example: syncsvc demo  (or: syncsvc --db sqlite:///demo.sqlite demo)")(demo)


def main() -> None:
    """Console-script entry point."""
    app()
