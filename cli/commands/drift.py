"""`syncsvc drift`: Launchpad bugs whose state disagrees with Gerrit, as a to-do list."""

from __future__ import annotations

from typing import Annotated

import typer

from syncsvc.cli.context import app_context
from syncsvc.cli.options import DetailFormat, DetailFormatOption


def drift(
    ctx: typer.Context,
    apply: Annotated[
        bool,
        typer.Option(
            "--apply/--dry-run",
            help="Write the mechanical fixes (set status) to Launchpad; the default only lists.",
        ),
    ] = False,
    fmt: DetailFormatOption = DetailFormat.TABLE,
) -> None:
    """List Launchpad bugs whose state disagrees with Gerrit, as a to-do list.

    Exit status 0 for a listing (the items are to-dos, not an error). `--apply`
    needs [launchpad] credentials_file and sets the status of each mechanical item
    (merged change, bug still open → Fix Released), one line per write; the rest
    stay on the list for a person. Nothing else is changed: the next `sync`
    records the new statuses. A Launchpad failure exits 3 after saying what was
    written.
    """
    from syncsvc.cli import edits, queries
    from syncsvc.cli.render import as_json
    from syncsvc.cli.render.text import t

    app_ctx = app_context(ctx)
    if apply:
        edits.require_launchpad_credentials(app_ctx)  # before the database is opened
    items = queries.drift_items(app_ctx)
    say = app_ctx.err if fmt is DetailFormat.JSON else app_ctx.out  # stdout: JSON only
    written = edits.fix_drift(app_ctx, items, lambda s: say.print(t(s))) if apply else 0
    left = [i for i in items if not apply or i.set_status is None]
    if fmt is DetailFormat.JSON:
        if not apply:
            app_ctx.err.print("dry run: nothing written to Launchpad")
        as_json.drift(app_ctx.out, left, dry_run=not apply, written=written)
        return
    for item in left:
        app_ctx.out.print(t(f"- [ ] {item.todo}"))
    if not apply:
        app_ctx.err.print("dry run: nothing written to Launchpad")
        app_ctx.out.print(f"{len(items)} to fix on Launchpad")
        return
    app_ctx.out.print(f"{written} written to Launchpad, {len(left)} left for a person")


def register(app: typer.Typer) -> None:
    """Add `drift` to ``app``."""
    app.command(epilog="Example: syncsvc drift")(drift)
