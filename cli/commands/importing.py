"""`syncsvc import`: read a PTG summary or meeting minutes into commitments."""

from __future__ import annotations

from typing import Annotated

import typer

from syncsvc.cli.context import app_context
from syncsvc.cli.options import (
    CycleOption,
    DetailFormat,
    DetailFormatOption,
    DryRunOption,
    TeamOption,
)

IMPORT_EPILOG = (
    "Example: syncsvc import wallaby-ptg.html --team manila; "
    "syncsvc import day3.eml --event 'Manila Wallaby PTG'; "
    "syncsvc import --explain wallaby-ptg.html"
)
ExplainOption = Annotated[
    bool, typer.Option("--explain", help="Show how each line was read; store nothing.")
]
IntoOption = Annotated[
    str | None,
    typer.Option(
        "--event",
        metavar="NAME|ID",
        help="Join this event (id or name); names a local file without a Message-ID.",
    ),
]


def import_(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="A file, - for stdin, or an http(s) URL.")],
    team: TeamOption = None,
    cycle: CycleOption = None,
    dry_run: DryRunOption = False,
    explain_: ExplainOption = False,
    into: IntoOption = None,
    fmt: DetailFormatOption = DetailFormat.TABLE,
) -> None:
    """Read a PTG summary or meeting minutes and store its action items as commitments."""
    from syncsvc.cli.imports import explain_input, parse_and_report, read_input, save_event
    from syncsvc.cli.render import lines
    from syncsvc.cli.render.text import t

    app_ctx = app_context(ctx)
    data = read_input(source, allowed=app_ctx.config.import_hosts())
    if explain_:
        found = explain_input(app_ctx, data, team=team, cycle=cycle)
        lines.explanation(app_ctx.out, app_ctx.err, found)
        return
    app_ctx.engine()  # an unusable database fails before anything reads as a success
    found_to = app_ctx.err if fmt is DetailFormat.JSON else app_ctx.out  # stdout: JSON only
    event = parse_and_report(app_ctx, data, team=team, cycle=cycle, console=found_to)
    for line in lines.import_extra_lines(event):
        found_to.print(t(line))
    save_event(app_ctx, event, data, location=source, into=into, dry_run=dry_run, fmt=fmt)


def register(app: typer.Typer) -> None:
    """Add `import` to ``app``."""
    app.command("import", epilog=IMPORT_EPILOG)(import_)
