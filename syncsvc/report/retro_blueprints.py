"""The retrospective's blueprint figures: targeted, approved, implemented, completion."""

from __future__ import annotations

from datetime import datetime

from syncsvc.domain.blueprints import (
    Blueprint,
    BlueprintChange,
    DefinitionStatus,
    ImplementationStatus,
    as_of,
)
from syncsvc.domain.retro import RetroFacts
from syncsvc.report.views import JSONValue


def in_series(milestone: str | None, cycle: str | None) -> bool:
    """Whether a Launchpad milestone (``wallaby-2``, ``wallaby-rc1``) belongs to ``cycle``."""
    if not milestone or not cycle:
        return False
    return cycle.lower() in milestone.lower().split("-")


def blueprints(facts: RetroFacts, *, cycle: str | None, until: datetime) -> dict[str, JSONValue]:
    """The cycle's blueprints as PTLs count them, as of ``until``: targeted to one of
    the cycle's milestones, approved among those, implemented among the approved
    (Launchpad marked them complete at or before ``until``); completion = implemented /
    approved. Launchpad keeps no date for a definition status or a milestone, so each
    blueprint's are the stored ones with the changes syncs saw after ``until`` undone;
    ``since`` says when the first sync saw them (before it, the first state seen)."""
    changes: dict[tuple[str, str], list[BlueprintChange]] = {}
    for change in facts.blueprint_changes:
        changes.setdefault((change.project, change.name), []).append(change)
    known = [
        as_of(b, changes.get((b.project, b.name), ()), until)
        for b in facts.blueprints
        if b.date_created is None or b.date_created <= until
    ]
    targeted = sorted(
        (b for b in known if in_series(b.milestone, cycle)),
        key=lambda b: (b.milestone or "", b.project, b.name),
    )
    approved = [b for b in targeted if b.definition_status == DefinitionStatus.APPROVED]

    def done(b: Blueprint) -> bool:
        return (
            b.definition_status == DefinitionStatus.APPROVED
            and b.implementation_status == ImplementationStatus.IMPLEMENTED
            and (b.date_completed is None or b.date_completed <= until)
        )

    implemented = [b for b in approved if done(b)]
    share = round(100 * len(implemented) / len(approved), 1) if approved else None
    since = facts.blueprints_since
    return {
        "since": None if since is None else since.isoformat(),
        "before_first_sync": since is not None and until < since,
        "targeted": len(targeted),
        "approved": len(approved),
        "implemented": len(implemented),
        "completion": share,
        "items": [
            {
                "project": b.project,
                "name": b.name,
                "title": b.title,
                "milestone": b.milestone,
                "definition": b.definition_status,
                "implementation": b.implementation_status,
                "implemented": done(b),
                "url": b.url or None,
            }
            for b in targeted
        ],
    }
