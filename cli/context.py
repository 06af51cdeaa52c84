"""Per-invocation state: global options, config and a lazily opened database.

Light on purpose: `--help` and tab completion import this module, so the config
reader, the database module and the release schedules are imported when first used.
"""

from __future__ import annotations

import errno
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from rich.console import Console

from syncsvc import escape

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from syncsvc.config import Config
    from syncsvc.schedule.releases import Schedules


def user_config_dir() -> Path:
    """Where discovery looks for ``syncsvc.toml`` and `init` writes it."""
    return Path(platformdirs.user_config_dir("syncsvc"))


class ResultsConsole(Console):
    """Rich's console, but a reader of stdout that went away (``| head``) raises
    ``BrokenPipeError`` for the command to handle (see ``cli.app``), where rich would
    exit 1: the code of a dry run that found work."""

    def on_broken_pipe(self) -> None:
        """Stop writing, and raise ``BrokenPipeError``."""
        self.quiet = True
        raise BrokenPipeError(errno.EPIPE, "the reader of the output went away")


def _stdout_console() -> Console:
    """Results console: the terminal's width, or 160 columns when piped (not 80)."""
    console = ResultsConsole(highlight=False, soft_wrap=True)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = ResultsConsole(highlight=False, soft_wrap=True, width=160)
    return console


class SafeFormatter(logging.Formatter):
    """Shows control and Cf characters as escapes: log messages quote remote bodies.

    A Gerrit error page or a bug title in a warning could otherwise clear the
    screen (``ESC[2J``), plant an OSC 8 link or reorder the line (U+202E).
    """

    def format(self, record: logging.LogRecord) -> str:
        """The record formatted as usual, then escaped by :func:`escape.for_log`."""
        return escape.for_log(super().format(record))


@dataclass
class AppContext:
    """Global options of one invocation, shared by every command."""

    db_url: str | None = None
    config_file: Path | None = None
    verbosity: int = 0
    debug: bool = False
    out: Console = field(default_factory=_stdout_console)
    err: Console = field(
        default_factory=lambda: Console(stderr=True, highlight=False, soft_wrap=True)
    )
    _config: Config | None = None
    _engine: Engine | None = None

    @property
    def config_source(self) -> Path | None:
        """The config file discovery finds (see :func:`config_path`), or ``None``."""
        from syncsvc.config import config_path

        return config_path(self.config_file, user_config_dir())

    @property
    def config(self) -> Config:
        """The loaded config file (defaults when there is none)."""
        if self._config is None:
            from syncsvc.config import load_config

            self._config = load_config(self.config_source)
        return self._config

    @property
    def database_url(self) -> str:
        """``--db``, else the config's ``database``, else ``$SYNCSVC_DATABASE_URL``/default."""
        from syncsvc.models import db

        return self.db_url or self.config.database or db.default_database_url()

    def engine(self, *, check_schema: bool = True) -> Engine:
        """The database engine; its schema is created/checked on first use."""
        from syncsvc.models import db

        if self._engine is None:
            db.check_sqlite_folder(self.database_url)
            self._engine = db.open_engine(self.database_url)
            if check_schema:
                db.ensure_schema(self._engine)
        return self._engine

    def schedules(self) -> Schedules:
        """Bundled release schedules plus those the config adds."""
        from syncsvc.schedule.releases import load_schedules

        return load_schedules(self.config.schedules)

    def configure_logging(self) -> None:
        """Send diagnostics to stderr at the level ``-v``/``-q`` chose.

        Every record is escaped like remote text (see :class:`SafeFormatter`).
        """
        level = logging.WARNING - 10 * self.verbosity
        handler = logging.StreamHandler()  # sys.stderr as it is now (CliRunner swaps it)
        handler.setFormatter(SafeFormatter(logging.BASIC_FORMAT))
        logging.basicConfig(
            level=max(logging.DEBUG, min(level, logging.CRITICAL)), handlers=[handler], force=True
        )

    def close(self) -> None:
        """Dispose of the engine, if one was opened."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def app_context(ctx: object) -> AppContext:
    """The :class:`AppContext` a Typer/click context carries in ``obj``."""
    obj = getattr(ctx, "obj", None)
    if not isinstance(obj, AppContext):
        msg = "syncsvc commands run under the syncsvc app callback"
        raise TypeError(msg)
    return obj
