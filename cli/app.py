"""The ``syncsvc`` Typer application: global options, error handling, commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import exc as sa_exc
from typer.core import TyperGroup

from syncsvc import __version__
from syncsvc.cli import coercion
from syncsvc.cli.commands import (
    actions,
    admin,
    carry,
    decisions,
    demo,
    drift,
    importing,
    links,
    people,
    retro,
    squash,
    status,
    sync,
)
from syncsvc.cli.context import AppContext
from syncsvc.cli.exit_codes import EXIT_FOR_KIND, ExitCode
from syncsvc.errors import ConfigError, StorageError, SyncError


class _Group(TyperGroup):
    """Turns :class:`SyncError` into one red line and a documented exit code, and
    coerces plain option values without pydantic (see :mod:`syncsvc.cli.coercion`)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer's click.Context
        coercion.install(self, ctx)
        return super().parse_args(ctx, args)

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
            from syncsvc.cli.render.text import error_line

            app_ctx.err.print(error_line(exc, exc.hint))
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


for group in (
    importing, actions, admin, sync, status, retro, carry, decisions, links, people, drift,
    demo, squash,
):  # fmt: skip
    group.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
