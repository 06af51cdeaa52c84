"""The ``syncsvc`` Typer application: global options, error handling, commands."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.main
from sqlalchemy import exc as sa_exc
from typer.core import TyperCommand, TyperGroup

from syncsvc import __version__
from syncsvc.cli import coercion
from syncsvc.cli.context import AppContext
from syncsvc.cli.exit_codes import EXIT_FOR_KIND, ExitCode
from syncsvc.cli.lazy_commands import COMMANDS, LazyCommands, Listed
from syncsvc.errors import ConfigError, StorageError, SyncError


class _Group(TyperGroup):
    """Turns :class:`SyncError` into one red line and a documented exit code, coerces
    plain option values without pydantic (see :mod:`syncsvc.cli.coercion`), and builds
    only the command that runs (see :mod:`syncsvc.cli.lazy_commands`)."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        added = dict(self.commands)  # any registered on the app itself
        self.commands = LazyCommands(COMMANDS, _build)
        self.commands.update(added)
        self._listing = False

    def get_command(self, ctx: Any, cmd_name: str) -> Any:  # typer's click.Context
        """The command ``cmd_name``, built on first use; while `--help` or a TAB lists
        the commands, a stand-in with the listed name, help and hidden flag."""
        commands = self.commands
        if self._listing and isinstance(commands, LazyCommands):
            entry = commands.listed(cmd_name)
            if entry is not None and cmd_name not in commands.built():
                return TyperCommand(name=entry.name, help=entry.summary, hidden=entry.hidden)
        command = commands.get(cmd_name)
        if command is not None:
            coercion.install(command, ctx)
        return command

    def list_commands(self, ctx: Any) -> list[str]:
        del ctx  # the names are known without it
        return list(self.commands)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        with self._listed():
            super().format_commands(ctx, formatter)

    def shell_complete(self, ctx: Any, incomplete: str) -> Any:
        with self._listed():
            return super().shell_complete(ctx, incomplete)

    @contextmanager
    def _listed(self) -> Iterator[None]:
        self._listing = True
        try:
            yield
        finally:
            self._listing = False

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
        except BrokenPipeError:
            # `syncsvc actions | head`: the reader has what it wanted. Exit as a tool killed
            # by SIGPIPE would, quietly: stdout goes to /dev/null so that the flush at exit
            # does not fail again (click would exit 1, the code of a dry run with work).
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(ExitCode.OUTPUT_CLOSED) from None
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


def _build(entry: Listed) -> Any:
    """The click command of ``entry``, built as Typer builds it for the whole app."""
    scratch = typer.Typer()
    # __import__, not importlib.import_module: `python -X importtime` reports only the former
    __import__(entry.module, fromlist=["register"]).register(scratch)
    for info in scratch.registered_commands:
        callback_name = info.callback.__name__ if info.callback is not None else ""
        if (info.name or typer.main.get_command_name(callback_name)) == entry.name:
            return typer.main.get_command_from_info(
                info,
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
            )
    for group_info in scratch.registered_groups:
        if group_info.name == entry.name:
            return typer.main.get_group_from_info(
                group_info,
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
                suggest_commands=app.suggest_commands,
            )
    raise LookupError(f"{entry.module}.register adds no command {entry.name!r}")


def main() -> None:
    """Console-script entry point."""
    app()
