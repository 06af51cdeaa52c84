"""`link`, `mark`, `people` and `drift`: the team's decisions and to-dos."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Annotated

import platformdirs
import typer
from rich.table import Table

from syncsvc.cli import render
from syncsvc.cli.context import AppContext, app_context
from syncsvc.cli.wiring import build_launchpad
from syncsvc.config import Config
from syncsvc.domain import ActionState, LinkStatus
from syncsvc.errors import ConfigError, InputError, LockedError, RemoteError
from syncsvc.models import db, repo
from syncsvc.models.drift import drift_changes, drift_tasks
from syncsvc.models.identities import list_identities, set_identity
from syncsvc.models.link_store import set_link_status
from syncsvc.models.lock import RELINK_LOCK, sync_lock
from syncsvc.models.relink_store import SqlLinkStore
from syncsvc.reconcile.drift import drift as find_drift
from syncsvc.sync.relink import RelinkReport, learn_identities, relink

link_app = typer.Typer(
    no_args_is_help=True,
    help="Add, confirm or reject links between commitments and bugs/changes.",
    epilog="Example: syncsvc link add 9 change:729292",
)
people_app = typer.Typer(
    help="The identity map: IRC nick ↔ Gerrit account ↔ Launchpad name.",
    epilog="Example: syncsvc people set haixin --gerrit haixin --launchpad haixin1",
    invoke_without_command=True,
)

ArtifactArg = Annotated[str, typer.Argument(help="bug:N, change:N or blueprint:project/name.")]
ActionArg = Annotated[int, typer.Argument(metavar="ID", help="Action id (see `actions`).")]


def team_projects(cfg: Config) -> tuple[str, ...]:
    """Gerrit and Launchpad projects the team works in (for candidates)."""
    return (*cfg.gerrit.projects, *cfg.launchpad.projects)


WaitOption = Annotated[
    float,
    typer.Option("--wait", metavar="SECONDS", help="Seconds to wait for another relink."),
]
RELINK_WAIT = 60.0


def refresh_links(
    app_ctx: AppContext, cfg: Config, *, now: datetime, wait: float = RELINK_WAIT
) -> RelinkReport:
    """Learn identities, recompute links and record commitment states (one transaction).

    Holds the relink lock, so two relinks never run at once; raises LockedError
    when another relink keeps it for ``wait`` seconds.
    """
    engine = app_ctx.engine()
    with sync_lock(engine, RELINK_LOCK, wait=wait), db.session_scope(engine) as session:
        store = SqlLinkStore(session)
        learn_identities(store, now=now)
        return relink(
            store,
            team_projects=team_projects(cfg),
            now=now,
            threshold=cfg.status.suggest_threshold,
            stall_days=cfg.status.stall_days,
        )


def relink_after_change(
    app_ctx: AppContext, cfg: Config, *, now: datetime, wait: float = RELINK_WAIT
) -> None:
    """Relink after a stored change and print the summary line.

    When another relink keeps the lock for ``wait`` seconds the change stays saved;
    a note on stderr says the next relink (a sync or `link refresh`) takes it up.
    """
    try:
        report = refresh_links(app_ctx, cfg, now=now, wait=wait)
    except LockedError:
        app_ctx.err.print(
            "links not refreshed: another relink is running; the next sync or "
            "`syncsvc link refresh` takes this change into account"
        )
        return
    print_relink(app_ctx, report)


def print_relink(app_ctx: AppContext, report: RelinkReport) -> None:
    """One summary line of a relink (none with ``-q``)."""
    if app_ctx.verbosity < 0:
        return
    app_ctx.out.print(
        f"links: {report.added} new, {report.updated} updated, {report.unchanged} unchanged; "
        f"{report.transitions} state changes"
    )


def _decide(
    ctx: typer.Context, action_id: int, artifact: str, status: LinkStatus, wait: float
) -> None:
    app_ctx = app_context(ctx)
    kind, sep, ident = artifact.partition(":")
    if not sep or kind not in {"bug", "change", "blueprint"} or not ident:
        raise InputError(f"{artifact!r}: expected bug:N, change:N or blueprint:project/name")
    now = datetime.now(UTC)
    with db.session_scope(app_ctx.engine()) as session:
        link = set_link_status(session, action_id, kind, ident, status, now=now)
    app_ctx.out.print(render.t(f"#{action_id} {link.kind}:{link.id} {link.status} (manual)"))
    relink_after_change(app_ctx, app_ctx.config, now=now, wait=wait)


@link_app.command("add", epilog="Example: syncsvc link add 6 change:758868")
def link_add(
    ctx: typer.Context,
    action_id: ActionArg,
    artifact: ArtifactArg,
    wait: WaitOption = RELINK_WAIT,
) -> None:
    """Link a commitment to a bug or change by hand (confirmed; never undone by sync)."""
    _decide(ctx, action_id, artifact, LinkStatus.CONFIRMED, wait)


@link_app.command("confirm", epilog="Example: syncsvc link confirm 13 change:760123")
def link_confirm(
    ctx: typer.Context,
    action_id: ActionArg,
    artifact: ArtifactArg,
    wait: WaitOption = RELINK_WAIT,
) -> None:
    """Confirm a suggested link."""
    _decide(ctx, action_id, artifact, LinkStatus.CONFIRMED, wait)


@link_app.command("reject", epilog="Example: syncsvc link reject 13 change:760123")
def link_reject(
    ctx: typer.Context,
    action_id: ActionArg,
    artifact: ArtifactArg,
    wait: WaitOption = RELINK_WAIT,
) -> None:
    """Reject a link; later syncs will not suggest it again."""
    _decide(ctx, action_id, artifact, LinkStatus.REJECTED, wait)


@link_app.command("refresh", epilog="Example: syncsvc link refresh")
def link_refresh(ctx: typer.Context, wait: WaitOption = RELINK_WAIT) -> None:
    """Recompute links and states from stored data (sync does this after fetching).

    Exit 6 when another relink keeps running for --wait seconds.
    """
    app_ctx = app_context(ctx)
    now = datetime.now(UTC)
    print_relink(app_ctx, refresh_links(app_ctx, app_ctx.config, now=now, wait=wait))


def mark(
    ctx: typer.Context,
    action_id: ActionArg,
    state: Annotated[ActionState, typer.Argument(help="done, dropped or open.")],
    force: Annotated[
        bool, typer.Option("--force", help="Mark it even if it was withdrawn from its summary.")
    ] = False,
    wait: WaitOption = RELINK_WAIT,
) -> None:
    """Mark a commitment done or dropped by hand (or open again).

    A withdrawn commitment (gone from the summary it came from) is refused
    (exit 2) unless --force.
    """
    app_ctx = app_context(ctx)
    with db.session_scope(app_ctx.engine()) as session:
        action = repo.set_state(session, action_id, state, now=datetime.now(UTC), force=force)
    app_ctx.out.print(render.t(f"#{action.id} marked {action.state}"))
    relink_after_change(app_ctx, app_ctx.config, now=datetime.now(UTC), wait=wait)


@people_app.callback()
def people(ctx: typer.Context) -> None:
    """List known people; `people set` confirms who a nick is."""
    if ctx.invoked_subcommand is not None:
        return
    app_ctx = app_context(ctx)
    with db.read_scope(app_ctx.engine()) as session:
        rows = list_identities(session)
    table = Table()
    for name in ("Nick", "Gerrit", "Name", "Launchpad", "Confirmed"):
        table.add_column(name)
    for row in rows:
        who = row.identity
        table.add_row(
            render.t(who.nick),
            render.t(who.gerrit_username or ""),
            render.t(who.name or ""),
            render.t(who.launchpad or ""),
            "yes" if row.confirmed else "learned",
        )
    app_ctx.out.print(table)


@people_app.command("set", epilog="Example: syncsvc people set gouthamr --gerrit gouthamr")
def people_set(
    ctx: typer.Context,
    nick: Annotated[str, typer.Argument(help="IRC nick as written in summaries.")],
    gerrit: Annotated[str | None, typer.Option("--gerrit", help="Username or id.")] = None,
    launchpad: Annotated[str | None, typer.Option("--launchpad", help="Launchpad name.")] = None,
) -> None:
    """Confirm a nick's Gerrit account and/or Launchpad name (overrides learned ones)."""
    app_ctx = app_context(ctx)
    if gerrit is None and launchpad is None:
        raise InputError("give --gerrit and/or --launchpad")
    with db.session_scope(app_ctx.engine()) as session:
        who = set_identity(session, nick, gerrit=gerrit, launchpad=launchpad)
    app_ctx.out.print(
        render.t(
            f"{who.nick}: gerrit {who.gerrit_username or '-'}, launchpad {who.launchpad or '-'}"
        )
    )


def drift(
    ctx: typer.Context,
    apply: Annotated[
        bool,
        typer.Option(
            "--apply/--dry-run",
            help="Write the mechanical fixes (set status) to Launchpad; the default only lists.",
        ),
    ] = False,
) -> None:
    """List Launchpad bugs whose state disagrees with Gerrit, as a to-do list.

    Exit status 0 for a listing (the items are to-dos, not an error). `--apply`
    needs [launchpad] credentials_file and sets the status of each mechanical item
    (merged change, bug still open → Fix Released), one line per write; the rest
    stay on the list for a person. Nothing else is changed: the next `sync`
    records the new statuses. A Launchpad failure exits 3 after saying what was
    written.
    """
    app_ctx = app_context(ctx)
    cfg = app_ctx.config
    if apply and cfg.launchpad.credentials_file is None:
        raise ConfigError(
            "drift --apply writes to Launchpad and needs [launchpad] credentials_file in the config"
        )
    with db.read_scope(app_ctx.engine()) as session:
        items = find_drift(drift_changes(session), partial(drift_tasks, session))
    if not apply:
        for item in items:
            app_ctx.out.print(render.t(f"- [ ] {item.todo}"))
        app_ctx.err.print("dry run: nothing written to Launchpad")
        app_ctx.out.print(f"{len(items)} to fix on Launchpad")
        return
    writes = [(i, i.set_status) for i in items if i.set_status is not None]
    written = 0
    if writes:
        cache_dir = Path(platformdirs.user_cache_dir("syncsvc"))
        with build_launchpad(cfg, cache_dir) as launchpad:
            for item, status in writes:
                try:
                    changed = launchpad.set_task_status(item.bug_id, item.target, status)
                except RemoteError:
                    app_ctx.out.print(
                        render.t(
                            f"{written} written to Launchpad before the failure at"
                            f" bug {item.bug_id} ({item.target})"
                        )
                    )
                    raise
                written += changed
                line = f"{item.status} → {status}" if changed else f"already {status} on Launchpad"
                app_ctx.out.print(render.t(f"set bug {item.bug_id} ({item.target}): {line}"))
    left = [i for i in items if i.set_status is None]
    for item in left:
        app_ctx.out.print(render.t(f"- [ ] {item.todo}"))
    app_ctx.out.print(f"{written} written to Launchpad, {len(left)} left for a person")
