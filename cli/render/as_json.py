"""The documented JSON shapes (README.md), printed as plain text for machines."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich.console import Console

from syncsvc import escape
from syncsvc.report.status import StatusReport
from syncsvc.report.views import (
    JSONValue,
    action_detail_json,
    action_json,
    decision_json,
    event_json,
)

if TYPE_CHECKING:  # types only: `status` prints without loading the mapped tables
    from syncsvc.domain import (
        ImportReport,
        QueuedLink,
        StoredAction,
        StoredDecision,
        StoredEvent,
        StoredIdentity,
    )
    from syncsvc.models.link_store import StateChange
    from syncsvc.models.link_view import LinkView
    from syncsvc.reconcile.drift import DriftItem  # the reconciler is `drift`'s alone
    from syncsvc.reconcile.learning import LearnedWord


def print_json(console: Console, data: JSONValue) -> None:
    """Print JSON as plain text (no colour, no wrapping) for machines.

    Non-ASCII text stays readable; control and Cf characters are ``\\uXXXX``.
    """
    dumped = json.dumps(data, indent=2, ensure_ascii=False)
    # Written as it is: Rich's print would measure and wrap every line of a large
    # report (and replace :emoji: codes in remote text) only to print it unchanged.
    console.file.write(escape.json_text(dumped) + "\n")


def actions(console: Console, found: Sequence[StoredAction], *, view: LinkView) -> None:
    """The JSON array of `actions --format json`."""
    print_json(
        console,
        [
            action_json(a, view.links.get(a.id, []), view.artifact_states, view.progress.get(a.id))
            for a in found
        ],
    )


def action_detail(
    console: Console,
    action: StoredAction,
    *,
    view: LinkView,
    branches: Sequence[tuple[str, str, str]],
    transitions: Sequence[StateChange],
) -> None:
    """The JSON object of `show --format json`."""
    links = view.links.get(action.id, [])
    data = action_detail_json(action, links, view.artifact_states, view.progress.get(action.id))
    data["branches"] = [{"branch": b, "state": st, "reason": r} for b, st, r in branches]
    data["transitions"] = [transition_json(h) for h in transitions]
    data.update(provenance_json(action))
    print_json(console, data)


def provenance_json(action: StoredAction) -> dict[str, JSONValue]:
    """Where ``syncsvc show --format json``'s action came from and whether it was withdrawn."""
    return {
        "origin": str(action.origin),
        "source": str(action.source) if action.source is not None else None,
        "withdrawn_at": action.withdrawn_at.isoformat() if action.withdrawn_at else None,
    }


def transition_json(moved: StateChange) -> dict[str, JSONValue]:
    """One state transition of ``syncsvc show --format json``."""
    return {
        "state": str(moved.state),
        "previous_state": str(moved.previous_state) if moved.previous_state else None,
        "changed_at": moved.changed_at.isoformat(),
        "observed_at": moved.observed_at.isoformat(),
        "reason": moved.reason,
    }


def events(console: Console, found: Sequence[StoredEvent], *, decisions: Mapping[int, int]) -> None:
    """Imported events as a JSON array, each with its count of decisions."""
    print_json(console, [{**event_json(e), "decisions": decisions.get(e.id, 0)} for e in found])


def decisions(console: Console, found: Sequence[StoredDecision]) -> None:
    """The JSON array of `decisions --format json`."""
    print_json(console, [decision_json(d) for d in found])


def import_report(console: Console, report: ImportReport, *, dry_run: bool) -> None:
    """The counts of an import (or of what a dry run would do) as one JSON object."""
    source: JSONValue = None
    if report.source is not None:
        source = {"kind": str(report.source.kind), "key": report.source.key}
    print_json(
        console,
        {
            "event_id": report.event_id,
            "new_event": report.new_event,
            "source": source,
            "dry_run": dry_run,
            **import_counts(report),
        },
    )


def import_counts(report: ImportReport) -> dict[str, int]:
    """What an import did, by kind, in the order every format shows them."""
    return {
        "new": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "withdrawn": report.withdrawn,
    }


def status(console: Console, report: StatusReport) -> None:
    """The documented JSON shape of `status --format json`."""
    print_json(
        console,
        {
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
        },
    )


def people(console: Console, rows: Sequence[StoredIdentity]) -> None:
    """The JSON array of `people --format json`, in the table's order."""
    print_json(
        console,
        [
            {
                "nick": row.identity.nick,
                "gerrit": row.identity.gerrit_username,
                "gerrit_account_id": row.gerrit_account_id,
                "name": row.identity.name,
                "launchpad": row.identity.launchpad,
                "confirmed": row.confirmed,
            }
            for row in rows
        ],
    )


def drift_item_json(item: DriftItem) -> dict[str, JSONValue]:
    """One drift item as `drift --format json` lists it."""
    return {
        "kind": str(item.kind),
        "bug": item.bug_id,
        "target": item.target,
        "status": item.status,
        "assignee": item.assignee,
        "change": item.change,
        "change_status": None if item.change_status is None else str(item.change_status),
        "at": None if item.at is None else item.at.isoformat(),
        "set_status": item.set_status,
        "todo": item.todo,
    }


def drift(console: Console, items: Sequence[DriftItem], *, dry_run: bool, written: int) -> None:
    """The object of `drift --format json`: ``items`` are those left for a person after
    ``--apply`` (all of them in a dry run)."""
    print_json(
        console,
        {"dry_run": dry_run, "written": written, "items": [drift_item_json(i) for i in items]},
    )


def revisions(console: Console, current: str | None, needs: str | None) -> None:
    """The object of `db current --format json`."""
    up_to_date = current is not None and current == needs
    print_json(console, {"current": current, "needs": needs, "up_to_date": up_to_date})


def review_queue(console: Console, items: Sequence[QueuedLink]) -> None:
    """The JSON array of `link review --format json`, most confident first."""
    print_json(
        console,
        [
            {
                "action": item.action_id,
                "topic": item.topic,
                "text": item.action_text,
                "kind": str(item.kind),
                "id": item.id,
                "confidence": item.confidence,
                "evidence": item.evidence,
                "title": item.title,
                "project": item.project,
                "state": item.state,
                "url": item.url,
            }
            for item in items
        ],
    )


def learned_words(console: Console, found: Sequence[LearnedWord]) -> None:
    """The JSON array of `link learned --format json`, by word."""
    rows: list[JSONValue] = [
        {
            "word": w.shown,
            "stem": w.stem,
            "rejected": w.rejected,
            "confirmed": w.confirmed,
            "factor": w.factor,
            "rejected_links": list(w.rejected_links),
        }
        for w in found
    ]
    print_json(console, rows)
