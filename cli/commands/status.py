"""`syncsvc status`: what moved since the last meeting."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from syncsvc.cli import completion
from syncsvc.cli.context import app_context
from syncsvc.cli.options import OwnerOption, TopicOption
from syncsvc.report.limits import IRC_MAX_LINES

STATUS_EPILOG = (
    "Example: syncsvc status --since last-meeting --format irc\n\n"
    "--since: 7d (default), 24h, 2w, a date (2020-11-05), last-run, last-meeting\n\n"
    "By default the human formats list what moved in full and count the rest "
    "(not started) with its 3 oldest; --all lists everything, as json always does."
)


class StatusFormat(StrEnum):
    """Output formats of `status`."""

    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"
    IRC = "irc"
    ETHERPAD = "etherpad"
    COUNTS = "counts"


def status(
    ctx: typer.Context,
    since: Annotated[
        str,
        typer.Option(
            "--since", help="Start of the window.", autocompletion=completion.since_values
        ),
    ] = "7d",
    owner: OwnerOption = None,
    topic: TopicOption = None,
    fmt: Annotated[
        StatusFormat,
        typer.Option("--format", "-f", help="table, json, markdown, irc, etherpad or counts."),
    ] = StatusFormat.TABLE,
    show_all: Annotated[
        bool, typer.Option("--all", help="List every commitment, not only what moved.")
    ] = False,
    max_lines: Annotated[
        int | None,
        typer.Option("--max-lines", min=1, help=f"IRC: at most N lines (default {IRC_MAX_LINES})."),
    ] = None,
) -> None:
    """Group commitments by what moved: completed, progressed, newly linked, stalled,
    not started."""
    from syncsvc.cli import status_read
    from syncsvc.cli.collector import collector_paused

    app_ctx = app_context(ctx)
    with collector_paused():
        report = status_read.status(app_ctx, since, owner=owner, topic=topic)
        out = app_ctx.out
        # each format imports its own renderer only: the others' modules cost the start
        if fmt is StatusFormat.JSON:
            from syncsvc.cli.render import as_json

            as_json.status(out, report)
        elif fmt in (StatusFormat.COUNTS, StatusFormat.IRC, StatusFormat.ETHERPAD):
            from syncsvc.cli.render import lines

            if fmt is StatusFormat.COUNTS:
                lines.counts(out, report)
            elif fmt is StatusFormat.IRC:
                cap = max_lines if max_lines is not None else (None if show_all else IRC_MAX_LINES)
                lines.irc(out, report, full=show_all, max_lines=cap)
            else:
                lines.etherpad(out, report, full=show_all)
        elif fmt is StatusFormat.MARKDOWN:
            from syncsvc.cli.render import markdown

            markdown.status(out, report, full=show_all)
        else:
            from syncsvc.cli.render import tables

            tables.status(out, report, full=show_all)


def register(app: typer.Typer) -> None:
    """Add `status` to ``app``."""
    app.command(epilog=STATUS_EPILOG)(status)
