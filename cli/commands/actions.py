"""`actions`, `show` and `events`: what was imported, with its links and states."""

from __future__ import annotations

from typing import Annotated

import typer

from syncsvc.cli import completion
from syncsvc.cli.context import app_context
from syncsvc.cli.options import (
    DetailFormat,
    DetailFormatOption,
    FormatOption,
    ListFormat,
    OwnerOption,
    TopicOption,
)


def actions(
    ctx: typer.Context,
    owner: OwnerOption = None,
    topic: TopicOption = None,
    unassigned: Annotated[bool, typer.Option("--unassigned", help="Only unowned.")] = False,
    fmt: FormatOption = ListFormat.TABLE,
) -> None:
    """List commitments with owners, due dates and state."""
    from syncsvc.cli import queries
    from syncsvc.cli.collector import collector_paused
    from syncsvc.cli.render import as_json, markdown, tables

    app_ctx = app_context(ctx)
    with collector_paused():
        found = queries.actions(app_ctx, owner=owner, topic=topic, unassigned=unassigned)
        show = {
            ListFormat.TABLE: tables.actions,
            ListFormat.JSON: as_json.actions,
            ListFormat.MARKDOWN: markdown.actions,
        }[fmt]
        show(app_ctx.out, found.actions, view=found.view)


def show(
    ctx: typer.Context,
    action_id: Annotated[
        int,
        typer.Argument(
            metavar="ID", help="Action id (see `actions`).", autocompletion=completion.action_ids
        ),
    ],
    fmt: DetailFormatOption = DetailFormat.TABLE,
) -> None:
    """Show one commitment in full: links with their evidence, refs, state transitions,
    earlier wordings."""
    from syncsvc.cli import queries
    from syncsvc.cli.render import as_json, detail

    app_ctx = app_context(ctx)
    found = queries.action(app_ctx, action_id)
    render = as_json.action_detail if fmt is DetailFormat.JSON else detail.action_detail
    render(
        app_ctx.out,
        found.action,
        view=found.view,
        branches=found.branches,
        transitions=found.transitions,
    )


def events(ctx: typer.Context, fmt: DetailFormatOption = DetailFormat.TABLE) -> None:
    """List imported events (PTGs, meetings) with their counts."""
    from syncsvc.cli import queries
    from syncsvc.cli.render import as_json, tables

    app_ctx = app_context(ctx)
    found, decided = queries.events(app_ctx)
    if fmt is DetailFormat.JSON:
        as_json.events(app_ctx.out, found, decisions=decided)
    else:
        tables.events(app_ctx.out, found)


def register(app: typer.Typer) -> None:
    """Add `actions`, `show` and `events` to ``app``."""
    app.command(epilog="Example: syncsvc actions --owner carloss --format json")(actions)
    app.command(epilog="Example: syncsvc show 12 --format json")(show)
    app.command(epilog="Example: syncsvc events --format json")(events)
