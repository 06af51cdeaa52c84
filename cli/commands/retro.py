"""`syncsvc retro`: the PTL's cycle retrospective."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from syncsvc import escape
from syncsvc.cli.context import AppContext, app_context

if TYPE_CHECKING:
    from syncsvc.report.views import JSONValue

RETRO_EPILOG = (
    "Example: syncsvc retro --team manila --cycle wallaby --format html --out retro.html\n\n"
    "--until: now, a date (2021-04-14) or an ISO time; default now, or the cycle's "
    "release once it has passed. Figures count only what stored history says "
    "happened by then."
)


class RetroFormat(StrEnum):
    """Output formats of `retro`."""

    JSON = "json"
    MARKDOWN = "markdown"
    HTML = "html"


def build(
    app_ctx: AppContext,
    *,
    event: str | None,
    team: str | None,
    cycle: str | None,
    until: str | None,
) -> dict[str, JSONValue]:
    """The report of one team's cycle, read in one snapshot."""
    from syncsvc.models import db
    from syncsvc.models.retro_queries import SqlRetroReader
    from syncsvc.report.retro_service import retro_report

    cfg = app_ctx.config
    projects = (*cfg.gerrit.projects, *cfg.launchpad.projects)
    with db.read_scope(app_ctx.engine()) as session:
        return retro_report(
            SqlRetroReader(session, projects), schedules=app_ctx.schedules(),
            now=datetime.now(UTC), event=event, team=team or cfg.team,
            cycle=cycle or cfg.cycle, until=until, ci_accounts=cfg.gerrit.ci_accounts,
        )  # fmt: skip


def retro(
    ctx: typer.Context,
    team: Annotated[str | None, typer.Option("--team", help="Team (default: config).")] = None,
    cycle: Annotated[str | None, typer.Option("--cycle", help="Cycle (default: config).")] = None,
    event: Annotated[
        str | None, typer.Option("--event", metavar="ID|NAME", help="The PTG event.")
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="DATE or now.")] = None,
    fmt: Annotated[
        RetroFormat,
        typer.Option("--format", "-f", help="markdown (default), json or html (one file)."),
    ] = RetroFormat.MARKDOWN,
    out: Annotated[Path | None, typer.Option("--out", help="Write to FILE.")] = None,
) -> None:
    """Planned vs done per topic and owner, burn-up, scope change, bugs and reviews of a
    team's cycle, as of --until."""
    from syncsvc.report.retro_html import render_retro
    from syncsvc.report.retro_text import markdown_lines

    app_ctx = app_context(ctx)
    report = build(app_ctx, event=event, team=team, cycle=cycle, until=until)
    if fmt is RetroFormat.JSON:
        text = escape.json_text(json.dumps(report, indent=2, ensure_ascii=False))
    elif fmt is RetroFormat.HTML:
        text = render_retro(report).rstrip("\n")
    else:
        text = "\n".join(markdown_lines(report))
    if out is None:
        app_ctx.out.print(text, markup=False, highlight=False, soft_wrap=True)
        return
    out.write_text(text + "\n", encoding="utf-8")
    app_ctx.err.print(f"wrote {escape.one_line(str(out))}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    """Add `retro` to ``app``."""
    app.command(epilog=RETRO_EPILOG)(retro)
