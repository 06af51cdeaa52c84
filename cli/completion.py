"""Shell completion (`syncsvc --install-completion`): action ids and `--since` values.

A TAB runs no command callback: the database URL is read from the parsed ``--db``
(or ``$SYNCSVC_DATABASE_URL``), else the config file's ``database``, else the
default SQLite file, which completion never creates. The config reader and the
database are imported only by the completions that read them: every command's
module imports this one, so `--help` would pay for them.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import platformdirs
import typer

from syncsvc import escape
from syncsvc.cli.context import user_config_dir

SINCE_CHOICES = (
    ("last-meeting", "since the weekly meeting (see the config)"),
    ("last-run", "since the last sync"),
    ("24h", "the last 24 hours"),
    ("7d", "the last 7 days (default)"),
    ("2w", "the last 2 weeks"),
)
HELP_CHARS = 60


def _database_url(ctx: typer.Context) -> str:
    """The URL a command would use, without creating anything."""
    from syncsvc.config import config_path, load_config
    from syncsvc.errors import ConfigError

    params = ctx.find_root().params
    if url := params.get("db_url") or os.environ.get("SYNCSVC_DATABASE_URL", "").strip():
        return str(url)
    try:
        configured = load_config(config_path(params.get("config"), user_config_dir())).database
    except ConfigError:
        configured = None
    data = Path(platformdirs.user_data_dir("syncsvc")) / "syncsvc.sqlite"
    return configured or f"sqlite:///{data}"


def action_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Action ids starting with what was typed, each with its text as the help."""
    from syncsvc.models.completion_queries import action_choices

    return [
        (str(n), escape.one_line(text)[:HELP_CHARS])
        for n, text in action_choices(_database_url(ctx), incomplete)
    ]


def since_values(incomplete: str) -> list[tuple[str, str]]:
    """`--since` keywords and durations, and dates (today, a week, two weeks ago)."""
    today = datetime.now(UTC).date()
    dates = [
        ((today - timedelta(days=n)).isoformat(), label)
        for n, label in ((0, "today"), (7, "a week ago"), (14, "two weeks ago"))
    ]
    return [(v, h) for v, h in (*SINCE_CHOICES, *dates) if v.startswith(incomplete)]
