"""Save and read Launchpad blueprints (the ``blueprints`` table).

A sync upserts each project's blueprints on (project, name) and appends a
``blueprint_history`` row for each tracked field (definition and implementation
status, milestone) it sees change, dated when it saw it: Launchpad keeps no date for
those, and the retrospective for a past day undoes the changes seen after it.
Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from syncsvc.domain import SaveCounts
from syncsvc.domain.blueprints import TRACKED_FIELDS, Blueprint, BlueprintChange
from syncsvc.models.base import in_chunks, require_aware
from syncsvc.models.blueprint_tables import BlueprintChangeRow, BlueprintRow

_FIELDS = (
    "title",
    "definition_status",
    "implementation_status",
    "lifecycle_status",
    "milestone",
    "assignee",
    "date_created",
    "date_completed",
    "is_complete",
    "url",
)


def save_blueprints(
    session: Session, found: Sequence[Blueprint], *, observed_at: datetime
) -> SaveCounts:
    """Upsert ``found`` on (project, name): inserted, changed (a field differs) or
    unchanged; ``last_seen`` moves to ``observed_at`` (aware) on every one."""
    observed_at = require_aware(observed_at, "observed_at")
    keys = {(b.project, b.name) for b in found}
    stored: dict[tuple[str, str], BlueprintRow] = {}
    for chunk in in_chunks(keys):
        stmt = select(BlueprintRow).where(
            tuple_(BlueprintRow.project, BlueprintRow.name).in_(chunk)
        )
        stored |= {(r.project, r.name): r for r in session.scalars(stmt)}
    inserted = changed = unchanged = 0
    for blueprint in found:
        row = stored.get((blueprint.project, blueprint.name))
        if row is None:
            row = BlueprintRow(
                project=blueprint.project,
                name=blueprint.name,
                first_seen=observed_at,
                last_seen=observed_at,
                **{f: getattr(blueprint, f) for f in _FIELDS},
            )
            session.add(row)
            stored[(blueprint.project, blueprint.name)] = row
            inserted += 1
            continue
        differs = [f for f in _FIELDS if getattr(row, f) != getattr(blueprint, f)]
        session.add_all(
            BlueprintChangeRow(
                project=row.project,
                name=row.name,
                field=name,
                old_value=getattr(row, name),
                new_value=getattr(blueprint, name),
                observed_at=observed_at,
            )
            for name in differs
            if name in TRACKED_FIELDS
        )
        for name in differs:
            setattr(row, name, getattr(blueprint, name))
        row.last_seen = observed_at
        changed += bool(differs)
        unchanged += not differs
    session.flush()
    return SaveCounts(inserted=inserted, changed=changed, unchanged=unchanged)


def stored_blueprints(session: Session, projects: Collection[str] | None = None) -> list[Blueprint]:
    """The stored blueprints (of ``projects`` when given), by project and name."""
    stmt = select(BlueprintRow).order_by(BlueprintRow.project, BlueprintRow.name)
    if projects is not None:
        stmt = stmt.where(BlueprintRow.project.in_(sorted(projects)))
    return [row.to_record() for row in session.scalars(stmt)]


def blueprint_changes(
    session: Session, projects: Collection[str] | None = None
) -> list[BlueprintChange]:
    """The tracked changes syncs saw (of ``projects``' blueprints when given), oldest
    first."""
    stmt = select(BlueprintChangeRow).order_by(
        BlueprintChangeRow.observed_at, BlueprintChangeRow.id
    )
    if projects is not None:
        stmt = stmt.where(BlueprintChangeRow.project.in_(sorted(projects)))
    return [row.to_record() for row in session.scalars(stmt)]


def first_seen(session: Session, projects: Collection[str] | None = None) -> datetime | None:
    """When a sync first saved a blueprint (of ``projects`` when given): the history
    starts then."""
    stmt = select(func.min(BlueprintRow.first_seen))
    if projects is not None:
        stmt = stmt.where(BlueprintRow.project.in_(sorted(projects)))
    return session.scalar(stmt)


def blueprint_states(session: Session, ids: Iterable[str]) -> dict[str, Blueprint]:
    """The stored blueprint each link id names: ``project/name`` (from a URL) exactly,
    a bare ``name`` (from a footer or topic) in whichever project has it (the first
    by project name when several do). Ids with no stored blueprint are left out."""
    wanted = set(ids)
    names = {i.rsplit("/", 1)[-1] for i in wanted}
    if not names:
        return {}
    found: dict[str, Blueprint] = {}
    for chunk in in_chunks(names):
        stmt = select(BlueprintRow).where(BlueprintRow.name.in_(chunk))
        for row in sorted(session.scalars(stmt), key=lambda r: (r.project, r.name)):
            record = row.to_record()
            for ident in (f"{row.project}/{row.name}", row.name):
                if ident in wanted:
                    found.setdefault(ident, record)
    return found
