"""`syncsvc carry-over`: a cycle's unfinished commitments into the next event."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy.orm import Session

from syncsvc.cli.context import AppContext, app_context

if TYPE_CHECKING:
    from syncsvc.domain.retro import CarryReport

CARRY_EPILOG = (
    'Example: syncsvc carry-over --from "Manila Wallaby PTG" --to "Manila Xena PTG" --dry-run\n\n'
    "--to takes an event id or title; a title no event has makes a PTG event of the "
    "same team in the next cycle, which an import joins with --event TITLE."
)


def carry(app_ctx: AppContext, source: str, target: str, *, dry_run: bool) -> CarryReport:
    """Copy the unfinished commitments in one transaction (rolled back for a dry run)."""
    from syncsvc.models import db
    from syncsvc.models.carry_store import carry_over
    from syncsvc.report.carry import next_series

    engine = app_ctx.engine()
    with Session(db.writer(engine), expire_on_commit=False) as session:
        report = carry_over(session, source, target, now=datetime.now(UTC), next_cycle=next_series)
        if not dry_run:
            session.commit()
        return report


def carry_over_command(
    ctx: typer.Context,
    source: Annotated[str, typer.Option("--from", metavar="EVENT", help="Event id or title.")],
    target: Annotated[str, typer.Option("--to", metavar="EVENT", help="Event id or title.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be carried; store nothing.")
    ] = False,
) -> None:
    """Copy the unfinished commitments of an event into the next one (keeping a link to
    each original) and print them as an etherpad list for the next PTG."""
    from syncsvc.cli import edits
    from syncsvc.report.carry import etherpad_lines

    app_ctx = app_context(ctx)
    report = carry(app_ctx, source, target, dry_run=dry_run)
    for line in etherpad_lines(report, dry_run=dry_run):
        app_ctx.out.print(line, markup=False, highlight=False, soft_wrap=True)
    if report.added and not dry_run:
        edits.relink_after_change(app_ctx)


def register(app: typer.Typer) -> None:
    """Add `carry-over` to ``app``."""
    app.command("carry-over", epilog=CARRY_EPILOG)(carry_over_command)
