"""Repository functions: persist parsed events and read actions back.

Every function takes a ``Session`` owned by the caller and never commits; every
result is a :mod:`syncsvc.domain` record, never an ORM object. Reads use a fixed
number of queries, whatever the number of actions: lists read columns (see
:mod:`syncsvc.models.action_read`); one action in full, with joins and ``selectinload``.
``save_event`` lives in :mod:`syncsvc.models.importer` and is re-exported here; it takes the
re-import rules (:data:`syncsvc.parse.reimport.REIMPORT`) from its caller.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from syncsvc.domain import ActionState, PendingKind, StoredAction, StoredDecision, StoredEvent
from syncsvc.errors import InputError, NotFoundError
from syncsvc.models.action_read import action_columns, read_actions
from syncsvc.models.base import in_chunks
from syncsvc.models.importer import save_event
from syncsvc.models.relink_pending import mark_pending
from syncsvc.models.tables import (
    ActionOwnerRow,
    ActionRefRow,
    ActionRow,
    DayRow,
    EventRow,
    PersonRow,
    TopicRow,
)

__all__ = [
    "get_action",
    "list_actions",
    "list_decisions",
    "list_events",
    "save_event",
    "set_state",
]


# --- Writing ----------------------------------------------------------------------


def set_state(
    session: Session,
    action_id: int,
    state: ActionState,
    *,
    now: datetime | None = None,
    force: bool = False,
) -> StoredAction:
    """Set the state of action ``action_id`` and return it.

    ``updated_at`` becomes ``now`` (default: the current UTC time) when the state
    changes. Raises ``NotFoundError`` for an unknown id and ``InputError`` for a
    withdrawn action (gone from its source) unless ``force``.
    """
    action = session.get(ActionRow, action_id)
    if action is None:
        raise NotFoundError(f"no action with id {action_id}")
    if action.removed_at is not None and not force:
        raise InputError(
            f"action {action_id} was withdrawn on {action.removed_at:%Y-%m-%d}:"
            " it is gone from the summary it came from",
            hint="--force marks it anyway",
        )
    if action.state != state:
        action.state = ActionState(state)
        action.updated_at = now or datetime.now(UTC)
        session.flush()
        mark_pending(session, [(PendingKind.ACTION, action_id)])
    return get_action(session, action_id)


# --- Reading ----------------------------------------------------------------------


def _actions_query() -> Select[ActionRow, str, str, date | None]:
    return (
        select(ActionRow, TopicRow.title, EventRow.title, DayRow.date)
        .join(TopicRow, ActionRow.topic_id == TopicRow.id)
        .join(EventRow, ActionRow.event_id == EventRow.id)
        .outerjoin(DayRow, TopicRow.day_id == DayRow.id)
        .options(selectinload(ActionRow.owner_links).joinedload(ActionOwnerRow.person))
        .options(selectinload(ActionRow.ref_links).joinedload(ActionRefRow.ref))
        .options(joinedload(ActionRow.source))
    )


def list_actions(
    session: Session,
    *,
    owner: str | None = None,
    topic: str | None = None,
    unassigned: bool = False,
    event_id: int | None = None,
    include_removed: bool = False,
    ids: Collection[int] | None = None,
) -> list[StoredAction]:
    """Return actions ordered by event, topic position and action position.

    Filters combine with AND: ``owner`` is a nick (case-insensitive), ``topic`` a
    case-insensitive substring of the topic title, ``unassigned`` keeps actions
    without owners; ``ids`` keeps only those actions (a relink's few). Withdrawn
    actions are left out unless ``include_removed``. An
    event's sources come in import order, each in document order.
    """
    stmt = action_columns()
    if owner is not None:
        nick_matches = func.lower(PersonRow.nick) == owner.lower()
        stmt = stmt.where(ActionRow.owner_links.any(ActionOwnerRow.person.has(nick_matches)))
    if topic is not None:
        stmt = stmt.where(func.lower(TopicRow.title).contains(topic.lower(), autoescape=True))
    if unassigned:
        stmt = stmt.where(~ActionRow.owner_links.any())
    if event_id is not None:
        stmt = stmt.where(ActionRow.event_id == event_id)
    if not include_removed:
        stmt = stmt.where(ActionRow.removed_at.is_(None))
    if ids is not None:
        found = [
            a
            for chunk in in_chunks(ids)
            for a in read_actions(session, stmt.where(ActionRow.id.in_(chunk)), chunk)
        ]
        return sorted(found, key=lambda a: a.id)
    return read_actions(session, stmt)


def get_action(session: Session, action_id: int) -> StoredAction:
    """Return action ``action_id`` with its history (oldest revision first).

    Withdrawn actions are returned too (with ``withdrawn_at``). Raises
    ``NotFoundError`` for an unknown id.
    """
    stmt = (
        _actions_query().where(ActionRow.id == action_id).options(selectinload(ActionRow.revisions))
    )
    row = session.execute(stmt).one_or_none()
    if row is None:
        raise NotFoundError(f"no action with id {action_id}")
    action, topic, event, day = row
    return action.to_record(event=event, topic=topic, day=day, history=True)


def list_events(session: Session) -> list[StoredEvent]:
    """Return every event in import order, counting its current topics and actions.

    A topic several sources of the event share counts once.
    """
    topics = (
        select(func.count(TopicRow.title.distinct()))
        .where(TopicRow.event_id == EventRow.id, TopicRow.removed_at.is_(None))
        .scalar_subquery()
    )
    actions = (
        select(func.count(ActionRow.id))
        .where(ActionRow.event_id == EventRow.id, ActionRow.removed_at.is_(None))
        .scalar_subquery()
    )
    days = select(
        DayRow.event_id, func.min(DayRow.date).label("first"), func.max(DayRow.date).label("last")
    )
    dated = days.group_by(DayRow.event_id).subquery()
    stmt = (
        select(EventRow, topics, actions, dated.c.first, dated.c.last)
        .outerjoin(dated, dated.c.event_id == EventRow.id)
        .order_by(EventRow.id)
    )
    return [
        row.to_record(topics=n_topics, actions=n_actions, first_day=first, last_day=last)
        for row, n_topics, n_actions, first, last in session.execute(stmt)
    ]


def list_decisions(session: Session, event_id: int | None = None) -> list[StoredDecision]:
    """Return the decisions of current topics, ordered by event, topic position and text order.

    ``event_id`` keeps one event's decisions. Decisions of withdrawn topics are
    left out. Raises ``NotFoundError`` when ``event_id`` names no event.
    """
    if event_id is not None and session.get(EventRow, event_id) is None:
        raise NotFoundError(f"no event with id {event_id}")
    stmt = (
        select(EventRow.id, EventRow.title, TopicRow.title, TopicRow.decisions)
        .join(TopicRow, TopicRow.event_id == EventRow.id)
        .where(TopicRow.removed_at.is_(None))
        .order_by(EventRow.id, TopicRow.source_id, TopicRow.position, TopicRow.id)
    )
    if event_id is not None:
        stmt = stmt.where(EventRow.id == event_id)
    return [
        StoredDecision(event_id=eid, event=event, topic=topic, text=text)
        for eid, event, topic, decisions in session.execute(stmt)
        for text in decisions or ()
    ]
