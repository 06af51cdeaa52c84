"""`syncsvc squash start|status|signups|report`: one bug-squash event, live and after."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from syncsvc.cli.context import app_context
from syncsvc.errors import ConfigError, InputError

NameArg = Annotated[str, typer.Argument(help="The event's name, e.g. wallaby-m3.")]
AtOption = Annotated[
    str | None, typer.Option("--at", help="As of this time (ISO 8601; default now).")
]


START_EPILOG = (
    "Example: syncsvc squash start wallaby-m3 --from 2021-06-17T00:00+14:00 "
    "--to 2021-06-18T00:00-12:00 --tag squash-m3 --goal open=130 --goal new=10"
)


def _now(at: str | None) -> datetime:
    from syncsvc.cli import squash_events

    return datetime.now(UTC) if at is None else squash_events.parse_when(at, "--at")


def start(
    ctx: typer.Context,
    name: NameArg,
    start_at: Annotated[str, typer.Option("--from", help="Window start, ISO 8601 with zone.")],
    end_at: Annotated[str, typer.Option("--to", help="Window end, ISO 8601 with zone.")],
    tag: Annotated[str | None, typer.Option("--tag", help="The event's bug tag.")] = None,
    goal: Annotated[
        list[str] | None, typer.Option("--goal", help="NAME=COUNT, e.g. open=130 (repeatable).")
    ] = None,
    project: Annotated[
        list[str] | None, typer.Option("--project", "-p", help="Launchpad project (repeatable).")
    ] = None,
) -> None:
    """Create a bug-squash event: each sync in its window appends a snapshot of the counts.

    The window may span time zones: "still Thursday somewhere" is
    --from 2021-06-17T00:00+14:00 --to 2021-06-18T00:00-12:00. Projects default to
    [launchpad] projects.
    """
    from syncsvc.cli import squash_events
    from syncsvc.cli.render.text import t
    from syncsvc.domain import SquashEvent
    from syncsvc.squash.plan import parse_goals

    app_ctx = app_context(ctx)
    event = SquashEvent(
        name=name,
        starts_at=squash_events.parse_when(start_at, "--from"),
        ends_at=squash_events.parse_when(end_at, "--to"),
        tag=tag,
        projects=tuple(project or app_ctx.config.launchpad.projects),
        goals=tuple(parse_goals(goal or []).items()),
    )
    made = squash_events.start(app_ctx, event, now=datetime.now(UTC))
    app_ctx.out.print(
        t(
            f"squash {made.name}: {made.starts_at.isoformat()} to {made.ends_at.isoformat()} "
            f"(UTC), goals: {', '.join(f'{k}={v}' for k, v in made.goals) or 'none'}"
        )
    )


def status(ctx: typer.Context, name: NameArg, at: AtOption = None) -> None:
    """At most 10 IRC-safe lines: counts against the goals, closures, top closers."""
    from syncsvc.cli import squash_events
    from syncsvc.squash.report import status_lines

    app_ctx = app_context(ctx)
    now = _now(at)
    loaded = squash_events.load_report(app_ctx, name, now=now)
    for line in status_lines(loaded.report, now=now):
        app_ctx.out.print(line, markup=False, highlight=False)


def signups(
    ctx: typer.Context,
    name: NameArg,
    source: Annotated[str, typer.Argument(help="The filled-in sheet: a file, or - for stdin.")],
) -> None:
    """Record who signed up for what from the sheet `squash plan --format markdown` (or
    etherpad) printed, with names in its "claimed by" column."""
    from syncsvc.cli import squash_events
    from syncsvc.cli.render.text import t

    app_ctx = app_context(ctx)
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{source}: cannot read the sheet ({exc.__class__.__name__})") from exc
    read, written = squash_events.record_signups(app_ctx, name, text)
    app_ctx.out.print(t(f"{read} sign-ups read, {written} recorded"))


class ReportFormat(StrEnum):
    """Output formats of `squash report`."""

    TEXT = "text"
    JSON = "json"
    MAIL = "mail"
    HTML = "html"


def report(
    ctx: typer.Context,
    name: NameArg,
    fmt: Annotated[
        ReportFormat,
        typer.Option("--format", "-f", help="text (default), json, mail or html (needs --out)."),
    ] = ReportFormat.TEXT,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="html: write the page to this file.")
    ] = None,
    include_private: Annotated[
        bool, typer.Option("--include-private", help="Count and list private bugs too.")
    ] = False,
    at: AtOption = None,
) -> None:
    """The event's outcome from stored history: before/after against the goals,
    closures by route, sign-ups closed, per-person tally, fixes waiting on reviewers,
    and the previous squash; html writes one self-contained page with a stacked-area
    chart of the window's snapshots."""
    from syncsvc.cli import squash_events
    from syncsvc.cli.render import as_json
    from syncsvc.cli.render.text import t
    from syncsvc.squash.html import squash_html
    from syncsvc.squash.report import mail_text, notes, progress, report_json, status_lines

    app_ctx = app_context(ctx)
    loaded = squash_events.load_report(app_ctx, name, include_private=include_private, now=_now(at))
    out = app_ctx.out
    if fmt is ReportFormat.HTML:
        if out_file is None:
            raise ConfigError("--format html needs --out FILE", hint="e.g. --out squash.html")
        page = squash_html(loaded.report, loaded.tasks, loaded.changes)
        try:
            out_file.write_text(page, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{out_file}: cannot write ({exc.__class__.__name__})") from exc
        out.print(t(f"wrote {out_file}"))
        return
    if fmt is ReportFormat.JSON:
        as_json.print_json(out, report_json(loaded.report))
        return
    if fmt is ReportFormat.MAIL:
        for line in mail_text(loaded.report, loaded.tasks, loaded.changes):
            out.print(line, markup=False, highlight=False)
        return
    found = loaded.report
    out.print(t(f"squash {found.event.name}"))
    goals = dict(found.event.goals)
    for line in progress(found.before, found.after, goals):
        out.print(t(f"  {line}"))
    for line in status_lines(found, now=_now(at))[2:]:
        out.print(t(f"  {line}"))
    for person, tally in found.people.items():
        out.print(t(f"  {person}: " + ", ".join(f"{k} {v}" for k, v in tally.items())))
    for line in notes(found):
        out.print(t(f"  {line}"))
    for item in found.follow_up:
        out.print(t(f"  waiting on reviewers: #{item.bug.bug_id} ({item.days} days)"))


def register(app: typer.Typer) -> None:
    """Add the event commands to the `squash` group ``app``."""
    app.command("start", epilog=START_EPILOG)(start)
    app.command("status", epilog="Example: syncsvc squash status wallaby-m3")(status)
    app.command("signups", epilog="Example: syncsvc squash signups wallaby-m3 sheet.md")(signups)
    app.command("report", epilog="Example: syncsvc squash report wallaby-m3 --format mail")(report)
