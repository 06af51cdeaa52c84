"""`syncsvc add`: a commitment added by hand to an imported event."""

from __future__ import annotations

from typing import Annotated

import typer

from syncsvc.cli.context import app_context
from syncsvc.cli.options import RELINK_WAIT, WaitOption

ADD_EPILOG = (
    'Example: syncsvc add "Manila Wallaby PTG" "dviroel will propose spec updates by Wallaby-2"'
    ' --topic "Share server migration"\n\n'
    "EVENT is an event id or title (see `syncsvc events`). The text is read as an import "
    "reads an action item: owners, refs and milestone come from it unless --owner names "
    "the owners. For a summary the parser refused, --create makes a PTG event of that title "
    "(--team and --cycle, else the config's; --day, else the cycle's PTG week)."
)


def add(
    ctx: typer.Context,
    event: Annotated[str, typer.Argument(metavar="EVENT", help="Event id or title.")],
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The commitment as written.")],
    topic: Annotated[
        str, typer.Option("--topic", metavar="TITLE", help="Topic to add it under (made if new).")
    ] = "Added by hand",
    owners: Annotated[
        list[str] | None,
        typer.Option("--owner", metavar="NICK", help="Owner, instead of reading the text; repeat."),
    ] = None,
    create: Annotated[
        bool,
        typer.Option("--create", help="Make a PTG event of that title if none has it."),
    ] = False,
    team: Annotated[
        str | None, typer.Option("--team", metavar="T", help="The new event's team.")
    ] = None,
    cycle: Annotated[
        str | None, typer.Option("--cycle", metavar="C", help="The new event's cycle.")
    ] = None,
    day: Annotated[
        str | None, typer.Option("--day", metavar="DATE", help="The new event's day, YYYY-MM-DD.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show how it would be read; store nothing.")
    ] = False,
    wait: WaitOption = RELINK_WAIT,
) -> None:
    """Add a commitment by hand to an imported event (one the summary's parser missed,
    or one agreed later); no import withdraws or rewrites it."""
    from syncsvc.cli import edits
    from syncsvc.cli.additions import EventOptions, add_commitment
    from syncsvc.cli.render.lines import added_action
    from syncsvc.errors import InputError

    app_ctx = app_context(ctx)
    new = EventOptions(team, cycle, day)
    if not create and new != EventOptions():
        raise InputError("--team, --cycle and --day describe a new event: give --create too")
    action = add_commitment(
        app_ctx,
        event,
        text,
        topic=topic,
        owners=owners or (),
        create=new if create else None,
        dry_run=dry_run,
    )
    added_action(app_ctx.out, action, dry_run=dry_run)
    if not dry_run:
        edits.relink_after_change(app_ctx, wait=wait)


def register(app: typer.Typer) -> None:
    """Add `add` to ``app``."""
    app.command(epilog=ADD_EPILOG)(add)
