"""`syncsvc decisions`: the agreements of imported events, per event and topic."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from syncsvc.cli import render
from syncsvc.cli.context import app_context
from syncsvc.cli.options import DetailFormat, DetailFormatOption
from syncsvc.models import db, repo
from syncsvc.report.views import decision_json

DECISIONS_EPILOG = "Example: syncsvc decisions --format json"


def decisions(
    ctx: typer.Context,
    event_id: Annotated[
        int | None, typer.Option("--event", metavar="ID", help="Only this event (see `events`).")
    ] = None,
    fmt: DetailFormatOption = DetailFormat.TABLE,
) -> None:
    """List decisions ("#agreed", "Agreed:", "Decisions:") per event and topic."""
    app_ctx = app_context(ctx)
    with db.read_scope(app_ctx.engine()) as session:
        found = repo.list_decisions(session, event_id)
    if fmt is DetailFormat.JSON:
        render.print_json(app_ctx.out, [decision_json(d) for d in found])
        return
    table = Table()
    for name in ("Event", "Topic", "Decision"):
        table.add_column(name)
    for d in found:
        table.add_row(render.t(d.event), render.t(d.topic), render.t(d.text))
    app_ctx.out.print(table)
