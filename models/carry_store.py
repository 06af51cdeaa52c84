"""Carry-over: copy a cycle's unfinished commitments into the next event.

A carried copy has ``origin = carried`` and ``carried_from_id`` = the original,
so no import of the next event's summary withdraws it, and ``(carried_from_id,
event_id)`` is unique: carrying again finds the copy instead of adding one. The
original is left as it is (its figures stay those of its own cycle).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from syncsvc.domain import ActionOrigin, ActionState, CommitmentState, EventSource, LinkStatus
from syncsvc.domain.retro import CarriedItem, CarryReport
from syncsvc.errors import InputError, NotFoundError
from syncsvc.models.link_store import current_states
from syncsvc.models.link_tables import LinkRow
from syncsvc.models.tables import (
    ActionOwnerRow,
    ActionRefRow,
    ActionRow,
    EventRow,
    TopicRow,
)

_FINISHED = frozenset({CommitmentState.DONE, CommitmentState.DROPPED})


def find_event(session: Session, key: str) -> EventRow | None:
    """The event with id ``key`` or title ``key``; InputError when several share it."""
    text = key.strip()
    if text.isdigit():
        return session.get(EventRow, int(text))
    rows = session.scalars(select(EventRow).where(EventRow.title == text)).all()
    if len(rows) > 1:
        raise InputError(f"{len(rows)} events are named {text!r}", hint="give the event id")
    return rows[0] if rows else None


def carry_over(
    session: Session,
    source: str,
    target: str,
    *,
    now: datetime,
    next_cycle: Callable[[str | None], str | None],
) -> CarryReport:
    """Copy the unfinished commitments of event ``source`` into event ``target``.

    Unfinished: not withdrawn, not marked done or dropped, and not done or dropped
    by its latest recorded state. ``target`` is an event id or title; a title no
    event has makes a PTG event of the source's team in the cycle ``next_cycle``
    gives for the source's. Copies keep
    text, owners, refs, the team's mark (open or ongoing) and the confirmed links;
    each goes under a topic of the same title (one made for it when missing).
    Idempotent: a commitment already carried into ``target`` is listed, not copied.
    NotFoundError for an unknown ``source`` or an id ``target`` no event has.
    """
    origin = find_event(session, source)
    if origin is None:
        raise NotFoundError(f"no event {source.strip()!r}", hint="see `syncsvc events`")
    dest = find_event(session, target)
    if dest is None and target.strip().isdigit():
        raise NotFoundError(f"no event with id {target.strip()}", hint="see `syncsvc events`")
    if dest is not None and dest.id == origin.id:
        raise InputError("--from and --to name the same event")
    if dest is None:
        dest = EventRow(
            team=origin.team, cycle=next_cycle(origin.cycle or None) or "", title=target.strip(),
            source=EventSource.PTG, source_digest="", imported_at=now,
        )  # fmt: skip
        session.add(dest)
        session.flush()
    actions = list(
        session.scalars(
            select(ActionRow)
            .where(ActionRow.event_id == origin.id, ActionRow.removed_at.is_(None))
            .options(selectinload(ActionRow.owner_links).joinedload(ActionOwnerRow.person))
            .options(selectinload(ActionRow.ref_links))
            .order_by(ActionRow.id)
        )
    )
    states = current_states(session, [a.id for a in actions])
    existing = {
        row.carried_from_id: row
        for row in session.scalars(select(ActionRow).where(ActionRow.event_id == dest.id))
        if row.carried_from_id is not None
    }
    items: list[CarriedItem] = []
    for action in actions:
        state = states.get(action.id)
        current = state.state if state is not None else CommitmentState.NOT_STARTED
        if action.state in (ActionState.DONE, ActionState.DROPPED) or current in _FINISHED:
            continue
        copy = existing.get(action.id)
        new = copy is None
        if copy is None:
            copy = _copy(session, action, dest, now=now)
        items.append(
            CarriedItem(
                action.id,
                copy.id,
                action.topic.title,
                action.text,
                tuple(link.person.nick for link in action.owner_links),
                str(current),
                new,
            )
        )
    return CarryReport(origin.title, dest.title, dest.id, tuple(items))


def _topic(session: Session, dest: EventRow, title: str) -> TopicRow:
    found = session.scalar(
        select(TopicRow)
        .where(TopicRow.event_id == dest.id, TopicRow.title == title)
        .order_by(TopicRow.removed_at.is_not(None), TopicRow.id)
    )
    if found is not None:
        return found
    position = len(session.scalars(select(TopicRow.id).where(TopicRow.event_id == dest.id)).all())
    topic = TopicRow(
        event_id=dest.id, source_id=None, position=position, title=title,
        etherpads=[], discussion=[], decisions=[],
    )  # fmt: skip
    session.add(topic)
    session.flush()
    return topic


def _copy(session: Session, action: ActionRow, dest: EventRow, *, now: datetime) -> ActionRow:
    topic = _topic(session, dest, action.topic.title)
    position = len(
        session.scalars(select(ActionRow.id).where(ActionRow.topic_id == topic.id)).all()
    )
    copy = ActionRow(
        event_id=dest.id, topic_id=topic.id, position=position, text=action.text,
        milestone_text=None, milestone_key=None, due=None, starts=None, state=action.state,
        inferred=action.inferred, confidence=action.confidence,
        organisations=[*action.organisations], created_at=now, updated_at=now,
        origin=ActionOrigin.CARRIED, source_id=None, carried_from_id=action.id,
        owner_links=[
            ActionOwnerRow(person_id=link.person_id, position=link.position)
            for link in action.owner_links
        ],
        ref_links=[
            ActionRefRow(ref_id=link.ref_id, position=link.position) for link in action.ref_links
        ],
    )  # fmt: skip
    session.add(copy)
    session.flush()
    for link in session.scalars(
        select(LinkRow).where(
            LinkRow.action_id == action.id, LinkRow.status == LinkStatus.CONFIRMED
        )
    ):
        session.add(
            LinkRow(
                action_id=copy.id,
                kind=link.kind,
                ref_id=link.ref_id,
                source=link.source,
                confidence=link.confidence,
                status=link.status,
                evidence=link.evidence,
                decided_by=link.decided_by,
                created_at=now,
                updated_at=now,
            )
        )
    session.flush()
    return copy
