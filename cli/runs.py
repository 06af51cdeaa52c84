"""Sync and relink runs of one invocation: the sources, SIGTERM, the spinner, then
the core's :mod:`syncsvc.sync.service` on the SQL database."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from rich.text import Text

from syncsvc.cli.context import AppContext
from syncsvc.cli.options import RELINK_WAIT, SourceChoice
from syncsvc.cli.render.text import t
from syncsvc.cli.sources import recording, remote_sources, replay_sources
from syncsvc.cli.stores import SqlDatabase
from syncsvc.cli.wiring import relink_settings, request_budget, sync_settings
from syncsvc.config import Config
from syncsvc.errors import ConfigError
from syncsvc.models import db
from syncsvc.models.lock import DEFAULT_WAIT
from syncsvc.models.scope_lock import scope_claims
from syncsvc.models.squash_store import add_snapshots
from syncsvc.sync.relink import RelinkReport
from syncsvc.sync.service import SyncOutcome, refresh_links, sync_and_relink


def sync_with(
    app_ctx: AppContext,
    cfg: Config,
    *,
    source: SourceChoice = SourceChoice.ALL,
    full: bool = False,
    dry_run: bool = False,
    wait: float = DEFAULT_WAIT,
    cache_dir: Path,
    save_to: Path | None = None,
    from_file: Path | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    team: str | None = None,
) -> SyncOutcome:
    """Build the sources (``cfg``'s adapters, or a recording), then sync and relink under
    the sync lock (or, with ``[sync] scope_locks`` on PostgreSQL, claiming each scope).

    ``team`` syncs that team's projects only (ConfigError for an unknown one). The
    adapters share one request budget (``[http]``).

    ``save_to`` also records what the adapters yield there, replacing an earlier
    recording once the lock is held; ``from_file`` replays a recording and
    contacts no host (no allow-list check). Raises ConfigError when both are
    given; InputError for a ``from_file`` recording that is missing, corrupt or
    lacks the source asked for (before the database is opened), or a ``save_to``
    directory that cannot be written.

    A sync that saved every scope (not a dry run) then appends a snapshot to each
    bug-squash event whose window holds ``now()``.
    """
    if save_to is not None and from_file is not None:
        raise ConfigError(
            "--save-to and --from-file cannot be used together",
            hint="replay with --from-file DIR, or record with --save-to DIR",
        )
    teams = cfg.teams_named(team)
    with ExitStack() as stack:
        if from_file is not None:
            pair = replay_sources(from_file, source)
        else:
            pair = remote_sources(stack, cfg, source, cache_dir, request_budget(cfg))
        sources = (lambda: pair) if save_to is None else (lambda: recording(save_to, *pair))
        engine = app_ctx.engine()
        database = SqlDatabase(engine)
        claims = scope_claims(engine) if cfg.sync.scope_locks else None
        claim = None if claims is None else stack.enter_context(claims).claim
        with _progress(app_ctx) as progress, _stop_on_sigterm() as stop:
            outcome = sync_and_relink(
                database,
                sources,
                settings=sync_settings(cfg, teams),
                links=relink_settings(cfg),
                full=full,
                dry_run=dry_run,
                wait=wait,
                progress=progress,
                stop=stop,
                now=now,
                claim=claim,
            )
    if not dry_run and not outcome.sync.failed:
        with db.session_scope(app_ctx.engine()) as session:
            add_snapshots(session, now=now())
    return outcome


def relink_with(
    app_ctx: AppContext,
    cfg: Config,
    *,
    wait: float = RELINK_WAIT,
    now: datetime | None = None,
    full: bool = False,
    same_settings: bool = False,
) -> RelinkReport:
    """Learn identities, recompute links and record states under the relink lock (what
    changed since the last relink, or everything with ``full``; ``same_settings``: only
    when the config's settings are those of the last relink)."""
    database = SqlDatabase(app_ctx.engine())
    when = now or datetime.now(UTC)
    return refresh_links(
        database, relink_settings(cfg), now=when, wait=wait, full=full, same_settings=same_settings
    )


@contextmanager
def _stop_on_sigterm() -> Iterator[Callable[[], bool]]:
    """While the block runs, SIGTERM only asks the sync to stop after its current
    batch (exit 143); the returned callable says whether it was asked. Outside the
    main thread (no signal handlers there) it is never asked."""
    asked = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield asked.is_set
        return
    previous = signal.signal(signal.SIGTERM, lambda _signum, _frame: asked.set())
    try:
        yield asked.is_set
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _progress(app_ctx: AppContext) -> Iterator[Callable[[str], None]]:
    """A spinner on stderr when it is a terminal and not quieted; silent under cron."""
    if not sys.stderr.isatty() or app_ctx.verbosity < 0:
        yield lambda _msg: None
        return
    with app_ctx.err.status("syncing") as status:
        yield lambda msg: status.update(Text("syncing ") + t(msg))
