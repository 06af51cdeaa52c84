"""The ``blueprints:<project>`` scopes: each Launchpad project's blueprints, at most daily.

Blueprints change rarely and Launchpad has no "modified since" filter for them, so
a scope reads the project's whole ``all_specifications`` collection (one paged
read, ``ceil(N / 75)`` requests) and upserts every blueprint; its cursor is the
time of that read. A later run within :data:`BLUEPRINT_REFRESH` of it makes no
request (the scope is reported skipped), unless ``--full``. Guarded like the
engine's other scopes (claims, request budget, a remote failure reported per
scope); a source that cannot read blueprints (a replayed recording) is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta

from syncsvc.domain import SourceName
from syncsvc.domain.blueprints import Blueprint
from syncsvc.sync.engine import ScopeReport, SyncSettings, _Run, always_claimed
from syncsvc.sync.ports import BlueprintSource, ReadAhead, ScopeClaim, SyncStore

#: A project's blueprints are read again only once this has passed since the last read.
BLUEPRINT_REFRESH = timedelta(days=1)
READ_LATELY = "read within a day"  # ScopeReport.skipped: the last read is recent
NO_BLUEPRINT_SOURCE = "source cannot read blueprints"  # a replayed recording


def blueprint_scope(project: str) -> str:
    """The scope name of ``project``'s blueprints."""
    return f"blueprints:{project}"


Started = Mapping[str, tuple[datetime, Future[list[Blueprint]]]]
"""Blueprint reads started ahead (:func:`start_blueprints`): when, and the result, by project."""


def _due(store: SyncStore, project: str, *, full: bool, now: datetime) -> bool:
    last = store.cursor(SourceName.LAUNCHPAD, blueprint_scope(project))
    return full or last is None or now - last >= BLUEPRINT_REFRESH


def start_blueprints(
    store: SyncStore,
    source: object,
    *,
    settings: SyncSettings,
    full: bool = False,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> dict[str, tuple[datetime, Future[list[Blueprint]]]]:
    """Start the due projects' blueprint reads at once, on the source's own threads
    (:class:`~syncsvc.sync.ports.ReadAhead`), for :func:`run_blueprints` to take in their
    turn; empty when the source cannot or declines (a request budget). Only for a run
    alone on its database: a claimed scope's reads wait for its claim."""
    if not isinstance(source, ReadAhead):
        return {}
    due = [
        p for p in sorted(set(settings.launchpad_projects)) if _due(store, p, full=full, now=now())
    ]
    store.rollback()  # no read transaction open while the reads are in flight
    started: dict[str, tuple[datetime, Future[list[Blueprint]]]] = {}
    for project in due:
        at = now()
        read = source.blueprints_ahead(project)
        if read is None:
            break
        started[project] = (at, read)
    return started


def run_blueprints(
    store: SyncStore,
    source: object,
    *,
    settings: SyncSettings,
    full: bool = False,
    dry_run: bool = False,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    progress: Callable[[str], None] = lambda _msg: None,
    stop: Callable[[], bool] = lambda: False,
    claim: ScopeClaim = always_claimed,
    started: Started | None = None,
) -> tuple[ScopeReport, ...]:
    """One report per configured Launchpad project (``settings.launchpad_projects``).

    ``fetched`` counts the blueprints read, ``counts`` the upsert; ``since`` is the
    previous read. ``dry_run`` reads and rolls back (the cursor too). A project's read
    in ``started`` (:func:`start_blueprints`) is taken instead of reading in its turn.
    """
    ahead = dict(started or {})
    projects = sorted(set(settings.launchpad_projects))
    if not isinstance(source, BlueprintSource):
        return tuple(
            ScopeReport(SourceName.LAUNCHPAD, blueprint_scope(p), skipped=NO_BLUEPRINT_SOURCE)
            for p in projects
        )
    reader: BlueprintSource = source
    run = _Run(store, settings, full=full, dry_run=dry_run, now=now, progress=progress,
               stop=stop, claim=claim)  # fmt: skip
    for project in projects:
        scope = blueprint_scope(project)

        def work(project: str = project, scope: str = scope) -> ScopeReport:
            last = run.store.cursor(SourceName.LAUNCHPAD, scope)
            if not run.full and last is not None and run.now() - last < BLUEPRINT_REFRESH:
                return ScopeReport(SourceName.LAUNCHPAD, scope, since=last, skipped=READ_LATELY)
            run.idle()
            if project in ahead:
                read_at, read = ahead.pop(project)
                found = read.result()  # raises, in this scope's turn, what the read did
            else:
                read_at = run.now()
                found = list(reader.get_blueprints(project))
            counts = run.store.save_blueprints(found, observed_at=read_at)
            run.store.set_cursor(SourceName.LAUNCHPAD, scope, read_at, ran_at=read_at)
            run.finish_batch()
            return ScopeReport(SourceName.LAUNCHPAD, scope, len(found), counts, last)

        run.guarded(SourceName.LAUNCHPAD, scope, work)
    return tuple(run.reports)
