"""`syncsvc status`: what moved since the last meeting."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

import typer
from rich.text import Text

from syncsvc.cli import render
from syncsvc.cli.context import AppContext, app_context
from syncsvc.cli.options import OwnerOption, TopicOption
from syncsvc.models import db
from syncsvc.models.status_queries import last_sync_run, status_inputs
from syncsvc.report.history import status_history
from syncsvc.report.status import (
    MeetingSlot,
    StatusReport,
    build_status,
    irc_lines,
    item_line,
    markdown_lines,
    resolve_since,
)
from syncsvc.report.views import JSONValue

STATUS_EPILOG = (
    "Example: syncsvc status --since last-meeting --format irc\n\n"
    "--since: 7d (default), 24h, 2w, a date (2020-11-05), last-run, last-meeting"
)


class StatusFormat(StrEnum):
    """Output formats of `status`."""

    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"
    IRC = "irc"


def status(
    ctx: typer.Context,
    since: Annotated[str, typer.Option("--since", help="Start of the window.")] = "7d",
    owner: OwnerOption = None,
    topic: TopicOption = None,
    fmt: Annotated[
        StatusFormat, typer.Option("--format", "-f", help="table, json, markdown or irc.")
    ] = StatusFormat.TABLE,
) -> None:
    """Group commitments by what moved: completed, progressed, newly linked, stalled,
    not started."""
    app_ctx = app_context(ctx)
    report = load_status(app_ctx, since, owner=owner, topic=topic)
    if fmt is StatusFormat.JSON:
        render.print_json(app_ctx.out, status_json(report))
    elif fmt is StatusFormat.IRC:
        for line in irc_lines(report):
            app_ctx.out.print(line, markup=False, highlight=False)
    elif fmt is StatusFormat.MARKDOWN:
        app_ctx.out.print("\n".join(markdown_lines(report)), markup=False, highlight=False)
    else:
        print_status(app_ctx, report)


def load_status(
    app_ctx: AppContext, since_spec: str, *, owner: str | None, topic: str | None
) -> StatusReport:
    """Resolve ``--since``, read the stored facts and build the report."""
    cfg = app_ctx.config
    now = datetime.now(UTC)
    slot = None
    if cfg.meeting.weekday and cfg.meeting.time:
        slot = MeetingSlot.parse(cfg.meeting.weekday, cfg.meeting.time)
    with db.read_scope(app_ctx.engine()) as session:
        since = resolve_since(since_spec, now=now, last_run=last_sync_run(session), meeting=slot)
        facts = status_inputs(session, since=since, until=now)
    actions = [
        a
        for a in facts.actions
        if (owner is None or owner.lower() in (o.lower() for o in a.owners))
        and (topic is None or topic.lower() in a.topic.lower())
    ]
    history = status_history(
        facts.history, facts.closed_changes, facts.tasks, since=since, until=now
    )
    return build_status(
        actions, facts.links, facts.states, facts.previous, history, facts.new_links,
        since=since, until=now,
    )  # fmt: skip


def status_json(report: StatusReport) -> JSONValue:
    """The documented JSON shape of `status --format json`."""
    return {
        "since": report.since.isoformat(),
        "until": report.until.isoformat(),
        "groups": {
            str(group): [
                {
                    "id": item.id,
                    "topic": item.topic,
                    "text": item.text,
                    "owners": list(item.owners),
                    "state": item.state,
                    "previous_state": item.previous_state,
                    "movements": [
                        {"artifact": m.artifact, "what": m.what, "at": m.at.isoformat()}
                        for m in item.movements
                    ],
                }
                for item in items
            ]
            for group, items in report.groups.items()
        },
    }


def print_status(app_ctx: AppContext, report: StatusReport) -> None:
    """Rich rendering: a heading per non-empty group, one line per commitment."""
    app_ctx.out.print(
        f"What moved {report.since:%Y-%m-%d %H:%M} .. {report.until:%Y-%m-%d %H:%M} UTC"
    )
    for group, items in report.groups.items():
        if items:
            heading = f"{group.replace('_', ' ').capitalize()} ({len(items)})"
            app_ctx.out.print(Text(heading, style="bold"))
            for item in items:
                app_ctx.out.print(Text("  ") + render.t(item_line(item)))
    if not any(report.groups.values()):
        app_ctx.out.print("nothing moved")
