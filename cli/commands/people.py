"""`syncsvc people`: the identity map, IRC nick ↔ Gerrit account ↔ Launchpad name."""

from __future__ import annotations

from typing import Annotated

import typer

from syncsvc.cli.context import app_context
from syncsvc.cli.options import DetailFormat, DetailFormatOption

people_app = typer.Typer(
    help="The identity map: IRC nick ↔ Gerrit account ↔ Launchpad name.",
    epilog="Example: syncsvc people set haixin --gerrit haixin --launchpad haixin1",
    invoke_without_command=True,
)


@people_app.callback()
def people(ctx: typer.Context, fmt: DetailFormatOption = DetailFormat.TABLE) -> None:
    """List known people; `people set` confirms who a nick is."""
    if ctx.invoked_subcommand is not None:
        return
    from syncsvc.cli import queries
    from syncsvc.cli.render import as_json, tables

    app_ctx = app_context(ctx)
    render = as_json.people if fmt is DetailFormat.JSON else tables.people
    render(app_ctx.out, queries.people(app_ctx))


@people_app.command("set", epilog="Example: syncsvc people set gouthamr --gerrit gouthamr")
def people_set(
    ctx: typer.Context,
    nick: Annotated[str, typer.Argument(help="IRC nick as written in summaries.")],
    gerrit: Annotated[str | None, typer.Option("--gerrit", help="Username or id.")] = None,
    launchpad: Annotated[str | None, typer.Option("--launchpad", help="Launchpad name.")] = None,
) -> None:
    """Confirm a nick's Gerrit account and/or Launchpad name (overrides learned ones)."""
    from syncsvc.cli import edits
    from syncsvc.cli.render.text import t

    app_ctx = app_context(ctx)
    who = edits.set_person(app_ctx, nick, gerrit=gerrit, launchpad=launchpad)
    gerrit_name, lp_name = who.gerrit_username or "-", who.launchpad or "-"
    app_ctx.out.print(t(f"{who.nick}: gerrit {gerrit_name}, launchpad {lp_name}"))


def register(app: typer.Typer) -> None:
    """Add the `people` group to ``app``."""
    app.add_typer(people_app, name="people")
