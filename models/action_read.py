"""Actions read as columns: the records `actions`, the reports and the relink list.

``ActionRow.to_record`` builds a record from ORM objects: the action, its topic,
event and day, and through ``selectinload`` each owner link with its person and
each ref link with its ref. At 10,000 commitments that is about 60,000 ORM
objects, most of `syncsvc actions`' time. Here the same records come from three
column queries (the actions with their topic, event, day and source; the owners'
nicks; the refs), and no ORM object is made. ``get_action`` keeps the ORM path
(with the revisions), which is also the reference the tests compare against.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from syncsvc.domain import (
    ActionOrigin,
    ActionState,
    Ref,
    RefKind,
    SourceKey,
    SourceKind,
    StoredAction,
)
from syncsvc.models.tables import (
    ActionOwnerRow,
    ActionRefRow,
    ActionRow,
    DayRow,
    EventRow,
    EventSourceRow,
    PersonRow,
    RefRow,
    TopicRow,
)

_SLICE = 500  # action rows per fetch: the relink reads every action
T = TypeVar("T")


def action_columns() -> Select[*tuple[Any, ...]]:
    """What a record is made of, with the joins ``list_actions`` filters on (topic,
    event) and the optional day and source."""
    return (
        select(
            ActionRow.id,
            ActionRow.event_id,
            EventRow.title,
            DayRow.date,
            TopicRow.title,
            ActionRow.text,
            ActionRow.milestone_text,
            ActionRow.milestone_key,
            ActionRow.due,
            ActionRow.starts,
            ActionRow.state,
            ActionRow.inferred,
            ActionRow.confidence,
            ActionRow.organisations,
            ActionRow.origin,
            EventSourceRow.kind,
            EventSourceRow.key,
            ActionRow.removed_at,
        )
        .join(TopicRow, ActionRow.topic_id == TopicRow.id)
        .join(EventRow, ActionRow.event_id == EventRow.id)
        .outerjoin(DayRow, TopicRow.day_id == DayRow.id)
        .outerjoin(EventSourceRow, ActionRow.source_id == EventSourceRow.id)
    )


def read_actions(
    session: Session, stmt: Select[*tuple[Any, ...]], ids: Collection[int] | None = None
) -> list[StoredAction]:
    """The records of the actions ``stmt`` (from :func:`action_columns`) selects, in
    event, source, topic and action order. ``ids``, when given, are all the ids ``stmt``
    can select: the owners and refs of those alone are read."""
    owners = _owners(session, ids)
    refs = _refs(session, ids)
    stmt = stmt.order_by(
        EventRow.id, TopicRow.source_id, TopicRow.position, ActionRow.position, ActionRow.id
    )
    rows = session.execute(stmt.execution_options(yield_per=_SLICE))
    return [_record(row, owners, refs) for row in rows]


_NONE: tuple[Any, ...] = ()


def _record(
    row: Any, owners: dict[int, tuple[str, ...]], refs: dict[int, tuple[Ref, ...]]
) -> StoredAction:
    (action_id, event_id, event, day, topic, text, milestone, milestone_key, due, starts) = row[:10]
    state, inferred, confidence, organisations, origin, kind, key, removed_at = row[10:]
    return StoredAction(
        id=action_id,
        event_id=event_id,
        event=event,
        day=day,
        topic=topic,
        text=text,
        owners=owners.get(action_id, _NONE),
        milestone=milestone,
        milestone_key=milestone_key,
        due=due,
        starts=starts,
        refs=refs.get(action_id, _NONE),
        state=ActionState(state),
        inferred=inferred,
        confidence=confidence,
        organisations=tuple(organisations),
        origin=ActionOrigin(origin),
        source=None if kind is None else SourceKey(SourceKind(kind), key),
        withdrawn_at=removed_at,
    )


def _owners(session: Session, ids: Collection[int] | None) -> dict[int, tuple[str, ...]]:
    """Each action's owners' nicks in their order (of ``ids``, or of every action)."""
    stmt = (
        select(ActionOwnerRow.action_id, PersonRow.nick)
        .join(PersonRow, ActionOwnerRow.person_id == PersonRow.id)
        .order_by(ActionOwnerRow.action_id, ActionOwnerRow.position)
    )
    if ids is not None:
        stmt = stmt.where(ActionOwnerRow.action_id.in_(ids))
    return _grouped(session.execute(stmt))


def _refs(session: Session, ids: Collection[int] | None) -> dict[int, tuple[Ref, ...]]:
    """Each action's refs in their order (of ``ids``, or of every action)."""
    stmt = (
        select(ActionRefRow.action_id, RefRow.kind, RefRow.ref_id, RefRow.url)
        .join(RefRow, ActionRefRow.ref_id == RefRow.id)
        .order_by(ActionRefRow.action_id, ActionRefRow.position)
    )
    if ids is not None:
        stmt = stmt.where(ActionRefRow.action_id.in_(ids))
    rows = session.execute(stmt)
    return _grouped((a, Ref(kind=RefKind(k), id=i, url=u)) for a, k, i, u in rows)


def _grouped(pairs: Iterable[tuple[int, T]]) -> dict[int, tuple[T, ...]]:
    """``(action_id, value)`` pairs, sorted by action, as a tuple of values per action."""
    grouped: dict[int, list[T]] = {}
    for action_id, value in pairs:
        grouped.setdefault(action_id, []).append(value)
    return {action_id: tuple(values) for action_id, values in grouped.items()}
