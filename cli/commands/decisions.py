"""`syncsvc decisions`: the agreements of imported events, per event and topic."""

from __future__ import annotations

from typing import Annotated

import typer

from syncsvc.cli.context import app_context
from syncsvc.cli.options import DetailFormat, DetailFormatOption


def decisions(
    ctx: typer.Context,
    event_id: Annotated[
        int | None, typer.Option("--event", metavar="ID", help="Only this event (see `events`).")
    ] = None,
    fmt: DetailFormatOption = DetailFormat.TABLE,
) -> None:
    """List decisions ("#agreed", "Agreed:", "Decisions:") per event and topic."""
    from syncsvc.cli import queries
    from syncsvc.cli.render import as_json, tables

    app_ctx = app_context(ctx)
    found = queries.decisions(app_ctx, event_id)
    (as_json.decisions if fmt is DetailFormat.JSON else tables.decisions)(app_ctx.out, found)


def register(app: typer.Typer) -> None:
    """Add `decisions` to ``app``."""
    app.command(epilog="Example: syncsvc decisions --format json")(decisions)
