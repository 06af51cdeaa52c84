"""`syncsvc status`: what moved since the last meeting."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from syncsvc.cli import queries
from syncsvc.cli.context import app_context
from syncsvc.cli.options import OwnerOption, TopicOption
from syncsvc.cli.render import as_json, lines, markdown, tables

STATUS_EPILOG = (
    "Example: syncsvc status --since last-meeting --format irc\n\n"
    "--since: 7d (default), 24h, 2w, a date (2020-11-05), last-run, last-meeting"
)


class StatusFormat(StrEnum):
    """Output formats of `status`."""

    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"
    IRC = "irc"


RENDER = {
    StatusFormat.TABLE: tables.status,
    StatusFormat.JSON: as_json.status,
    StatusFormat.MARKDOWN: markdown.status,
    StatusFormat.IRC: lines.irc,
}


def status(
    ctx: typer.Context,
    since: Annotated[str, typer.Option("--since", help="Start of the window.")] = "7d",
    owner: OwnerOption = None,
    topic: TopicOption = None,
    fmt: Annotated[
        StatusFormat, typer.Option("--format", "-f", help="table, json, markdown or irc.")
    ] = StatusFormat.TABLE,
) -> None:
    """Group commitments by what moved: completed, progressed, newly linked, stalled,
    not started."""
    app_ctx = app_context(ctx)
    report = queries.status(app_ctx, since, owner=owner, topic=topic)
    RENDER[fmt](app_ctx.out, report)


def register(app: typer.Typer) -> None:
    """Add `status` to ``app``."""
    app.command(epilog=STATUS_EPILOG)(status)
