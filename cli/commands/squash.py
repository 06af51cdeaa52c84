"""`syncsvc squash plan`: the lists a bug-squash day needs, from the stored bugs."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy import make_url

from syncsvc.cli.commands import squash_event
from syncsvc.cli.context import AppContext, app_context
from syncsvc.errors import ConfigError

if TYPE_CHECKING:
    from syncsvc.squash.plan import PlanFilters, SquashPlan

squash_app = typer.Typer(
    help="Bug-squash days: plan from the stored open bugs.",
    epilog="Example: syncsvc squash plan --goal open=130 --format markdown",
    no_args_is_help=True,
)

PLAN_EPILOG = (
    "Example: syncsvc squash plan --project manila --goal open=130 --goal new=10 "
    "--format markdown\n\n"
    "Needs the open bugs in the database: set [squash] open_bugs = true and run "
    "`syncsvc sync`."
)


class PlanFormat(StrEnum):
    """Output formats of `squash plan`."""

    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"
    ETHERPAD = "etherpad"


def _at(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(
            f"--at: not a date or time: {value!r}", hint="write e.g. 2021-06-17T12:00+00:00"
        ) from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def make_plan(app_ctx: AppContext, filters: PlanFilters, now: datetime) -> SquashPlan:
    """The plan over the stored open bugs and changes (one read snapshot)."""
    from syncsvc.models import db
    from syncsvc.models.squash_queries import open_bug_tasks, open_closing_changes
    from syncsvc.squash.plan import build_plan
    from syncsvc.squash.rules import RuleSettings

    settings = RuleSettings(low_hanging_tag=app_ctx.config.squash.low_hanging_tag)
    with db.read_scope(app_ctx.engine()) as session:
        bugs = open_bug_tasks(session, filters.projects)
        changes = open_closing_changes(session)
    return build_plan(bugs, changes, filters, now=now, settings=settings)


def plan(
    ctx: typer.Context,
    project: Annotated[
        list[str] | None,
        typer.Option("--project", "-p", help="Only this Launchpad project (repeatable)."),
    ] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Only bugs with this tag.")] = None,
    milestone: Annotated[
        str | None, typer.Option("--milestone", help="Only bugs targeted to this milestone.")
    ] = None,
    goal: Annotated[
        list[str] | None,
        typer.Option("--goal", help="A numeric goal, NAME=COUNT (open=130, new=10; repeatable)."),
    ] = None,
    include_private: Annotated[
        bool, typer.Option("--include-private", help="List private bugs too.")
    ] = False,
    at: Annotated[
        str | None, typer.Option("--at", help="Plan as of this time (ISO 8601; default now).")
    ] = None,
    fmt: Annotated[
        PlanFormat,
        typer.Option("--format", "-f", help="table (default), json, markdown or etherpad."),
    ] = PlanFormat.TABLE,
) -> None:
    """The squash planning lists: untriaged, incomplete (answered), about to expire,
    stale In Progress, inactive assignees, inconsistent, fixes in review, candidates,
    and the per-person load; markdown and etherpad print a sign-up sheet."""
    from syncsvc.cli.render import as_json
    from syncsvc.cli.render.text import t
    from syncsvc.squash.plan import PlanFilters
    from syncsvc.squash.plan import parse_goals as parse_goal_pairs
    from syncsvc.squash.views import plan_json, signup_sheet

    app_ctx = app_context(ctx)
    filters = PlanFilters(
        projects=tuple(project or app_ctx.config.launchpad.projects),
        tag=tag,
        milestone=milestone,
        include_private=include_private,
        goals=parse_goal_pairs(goal or []),
    )
    found = make_plan(app_ctx, filters, _at(at))
    for warning in found.warnings:
        app_ctx.err.print(t(f"warning: {warning}"))
    if fmt is PlanFormat.JSON:
        as_json.print_json(app_ctx.out, plan_json(found))
    elif fmt is PlanFormat.TABLE:
        _tables(app_ctx, found)
    else:
        for line in signup_sheet(found, markdown=fmt is PlanFormat.MARKDOWN):
            app_ctx.out.print(line, markup=False, highlight=False)


def _tables(app_ctx: AppContext, found: SquashPlan) -> None:
    from rich.table import Table

    from syncsvc.cli.render.text import t
    from syncsvc.squash.plan import LIST_NAMES, goal_lines

    out = app_ctx.out
    out.print(t("Totals: " + ", ".join(goal_lines(found.totals, found.filters.goals))))
    for name in LIST_NAMES:
        items = found.lists[name]
        table = Table(title=f"{name} ({len(items)})", title_justify="left")
        for column in ("bug", "project", "status", "importance", "assignee", "idle", "note"):
            table.add_column(column)
        table.add_column("title", overflow="fold")
        for listed in items:
            bug = listed.bug
            note = " ".join(str(x) for x in (listed.note, listed.days) if x is not None)
            idle = found.idle(bug)
            cells = (bug.bug_id, bug.project, bug.status, bug.importance, bug.assignee or "")
            table.add_row(*(t(c) for c in cells), t(idle if idle is not None else ""), t(note),
                          t(bug.title))  # fmt: skip
        out.print(table)
    load = Table(title=f"load ({len(found.load)})", title_justify="left")
    for column in ("person", "bugs assigned", "changes owned", "reviews waiting"):
        load.add_column(column)
    for person in found.load:
        load.add_row(
            t(person.person),
            str(person.bugs_assigned),
            str(person.changes_owned),
            str(person.reviews_waiting),
        )
    out.print(load)


def _clock(when: datetime) -> Callable[[], datetime]:
    return lambda: when


def squash_demo(app_ctx: AppContext, scratch: Path) -> None:
    """`demo --squash`: sync the squash sample from local fakes with the clock set to
    2021, print the plan, then run the sample squash day (a sync per round of
    changes in its window) and print its status and report."""
    import msgspec

    from syncsvc.cli.commands.sync import print_outcome
    from syncsvc.cli.render.text import t
    from syncsvc.cli.runs import sync_with
    from syncsvc.cli.squash_events import load_report, parse_when
    from syncsvc.cli.squash_events import start as start_event
    from syncsvc.config import GerritSettings, LaunchpadSettings, SquashSection, SyncSection
    from syncsvc.domain import SquashEvent
    from syncsvc.squash.plan import PlanFilters
    from syncsvc.squash.report import status_lines
    from syncsvc.testing.squash_sample import (
        FIRST_SYNC,
        SQUASH_FROM,
        SQUASH_GERRIT_PROJECTS,
        SQUASH_NAME,
        SQUASH_NOW,
        SQUASH_PROJECTS,
        SQUASH_ROUNDS,
        SQUASH_TAG,
        SQUASH_TO,
        apply_moves,
        squash_servers,
    )

    with squash_servers() as servers:
        lp_root, gerrit_url = servers.launchpad.service_root, servers.gerrit.url
        cfg = msgspec.structs.replace(
            app_ctx.config,
            launchpad=LaunchpadSettings(lp_root, SQUASH_PROJECTS),
            gerrit=GerritSettings(gerrit_url, SQUASH_GERRIT_PROJECTS),
            sync=SyncSection(allowed_hosts=(lp_root, gerrit_url)),
            squash=SquashSection(open_bugs=True),
        )
        cache = scratch / "cache"
        print_outcome(app_ctx, sync_with(app_ctx, cfg, cache_dir=cache, now=_clock(FIRST_SYNC)))
        filters = PlanFilters(projects=SQUASH_PROJECTS, goals={"open": 130, "new": 10})
        _tables(app_ctx, make_plan(app_ctx, filters, SQUASH_NOW))
        event = SquashEvent(
            SQUASH_NAME,
            parse_when(SQUASH_FROM, "--from"),
            parse_when(SQUASH_TO, "--to"),
            tag=SQUASH_TAG,
            projects=SQUASH_PROJECTS,
            goals=(("open", 130), ("new", 10)),
        )
        start_event(app_ctx, event, now=FIRST_SYNC)
        for when, moves in SQUASH_ROUNDS:
            apply_moves(servers.launchpad, moves, when)
            sync_with(app_ctx, cfg, cache_dir=cache, now=_clock(when))
    end = SQUASH_ROUNDS[-1][0]
    for line in status_lines(load_report(app_ctx, SQUASH_NAME, now=end).report, now=end):
        app_ctx.out.print(line, markup=False, highlight=False)
    db = shlex.quote(make_url(str(app_ctx.db_url)).render_as_string(hide_password=True))
    app_ctx.err.print(t("try next:"))
    at = SQUASH_NOW.isoformat()
    app_ctx.err.print(t(f"syncsvc --db {db} squash plan --at {at} --format markdown"))
    app_ctx.err.print(t(f"syncsvc --db {db} squash report {SQUASH_NAME} --format mail"))
    app_ctx.err.print(t(f"syncsvc --db {db} squash report {SQUASH_NAME} --format json"))


squash_app.command("plan", epilog=PLAN_EPILOG)(plan)
squash_event.register(squash_app)


def register(app: typer.Typer) -> None:
    """Add the `squash` group to ``app``."""
    app.add_typer(squash_app, name="squash")
