"""`sync --format json`: the documented shape of a sync's outcome (README, Periodic sync)."""

from __future__ import annotations

from rich.console import Console

from syncsvc.cli.render.as_json import print_json
from syncsvc.report.views import JSONValue
from syncsvc.sync.engine import ScopeReport
from syncsvc.sync.service import SyncOutcome


def scope_json(scope: ScopeReport) -> dict[str, JSONValue]:
    """One (source, scope): the table's counts, its cursor, why it was skipped or failed."""
    return {
        "source": str(scope.source),
        "scope": scope.scope,
        "fetched": scope.fetched,
        "new": scope.counts.inserted,
        "changed": scope.counts.changed,
        "unchanged": scope.counts.unchanged,
        "history": scope.counts.history,
        "comments": scope.comments.inserted + scope.comments.changed,
        "since": scope.since.isoformat() if scope.since else None,
        "skipped": scope.skipped,
        "error": scope.error,
    }


def sync_outcome(console: Console, outcome: SyncOutcome) -> None:
    """The sync as one object: ``dry_run``, ``failed``, ``scopes``, ``links`` (``null``
    when links were not refreshed) and ``links_skipped`` (why not, or ``null``)."""
    links = outcome.links
    print_json(
        console,
        {
            "dry_run": outcome.sync.dry_run,
            "failed": outcome.sync.failed,
            "scopes": [scope_json(s) for s in outcome.sync.scopes],
            "links": None
            if links is None
            else {
                "added": links.added,
                "updated": links.updated,
                "unchanged": links.unchanged,
                "transitions": links.transitions,
            },
            "links_skipped": None if outcome.skipped is None else str(outcome.skipped),
        },
    )
