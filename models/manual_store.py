"""Commitments added by hand: what the parser missed, or what the team agreed later.

A hand-added action has ``origin = manual`` and no source, so no import withdraws
or rewrites it (an import matches only its own source's actions and the carried
ones). It goes last under a topic of its event found by title (case and spacing
aside), or under a topic made for it, dated by the event's first day so the
commitment has a day to judge work from. The next relink is told about it.
An event the parser could not read at all can be made for it (``create``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from syncsvc.domain import ActionItem, ActionOrigin, ActionState, Day, EventSource, PendingKind
from syncsvc.errors import InputError, NotFoundError
from syncsvc.models.carry_store import find_event
from syncsvc.models.importer import ensure_people, ensure_refs, ref_key
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


def _same(text: str) -> str:
    """``text`` as two wordings of one commitment compare: case and spacing aside."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True, slots=True)
class NewEvent:
    """The PTG event to make when no event has the title: its team, cycle and one day."""

    team: str
    cycle: str
    day: Day | None = None


@dataclass(frozen=True, slots=True)
class AddingTo:
    """What reading an added text needs of its event: team, cycle and the nicks that own
    its commitments (an added "dviroel to ..." names dviroel)."""

    team: str
    cycle: str
    known: frozenset[str]


def add_by_hand(
    session: Session,
    key: str,
    read: Callable[[AddingTo], ActionItem],
    *,
    topic: str,
    now: datetime,
    create: NewEvent | None = None,
) -> int:
    """Add the commitment ``read`` makes for the event ``key`` names (id or title) under
    ``topic``; its id. With ``create``, a title no event has makes that event.

    NotFoundError for an unknown event; InputError (see :func:`add_action`) for words
    the event already holds.
    """
    event = find_event(session, key)
    if event is None and create is not None and not key.strip().isdigit():
        event = create_event(session, key, create, now=now)
    if event is None:
        hint = "see `syncsvc events`" + ("" if key.strip().isdigit() else "; --create makes it")
        raise NotFoundError(f"no event {key.strip()!r}", hint=hint)
    nicks = session.scalars(
        select(PersonRow.nick)
        .join(ActionOwnerRow, ActionOwnerRow.person_id == PersonRow.id)
        .join(ActionRow, ActionRow.id == ActionOwnerRow.action_id)
        .where(ActionRow.event_id == event.id)
        .distinct()
    )
    item = read(AddingTo(event.team, event.cycle, frozenset(nicks)))
    return add_action(session, event, item, topic=topic, now=now)


def create_event(session: Session, title: str, new: NewEvent, *, now: datetime) -> EventRow:
    """A new PTG event titled ``title``, with ``new.day`` as its one day when given."""
    event = EventRow(
        team=new.team, cycle=new.cycle, title=" ".join(title.split()), source=EventSource.PTG,
        source_digest="", imported_at=now,
    )  # fmt: skip
    session.add(event)
    session.flush()
    if new.day is not None:
        session.add(DayRow(event_id=event.id, position=0, label=new.day.label, date=new.day.date))
        session.flush()
    return event


def add_action(
    session: Session, event: EventRow, item: ActionItem, *, topic: str, now: datetime
) -> int:
    """Store ``item`` as a hand-added commitment of ``event`` under ``topic``; its id.

    InputError when the event already holds a commitment worded the same (case and
    spacing aside) that no import has withdrawn: adding it again would count it twice.
    """
    same = _same(item.text)
    for action_id, text in session.execute(
        select(ActionRow.id, ActionRow.text).where(
            ActionRow.event_id == event.id, ActionRow.removed_at.is_(None)
        )
    ):
        if _same(text) == same:
            raise InputError(
                f"event {event.id} already has this commitment as #{action_id}",
                hint=f"see `syncsvc show {action_id}`",
            )
    home = _topic(session, event, topic)
    position = session.scalar(
        select(func.coalesce(func.max(ActionRow.position) + 1, 0)).where(
            ActionRow.topic_id == home.id
        )
    )
    people = ensure_people(session, item.owners, {}, dry_run=False)
    refs = ensure_refs(session, item.refs, dry_run=False)
    row = ActionRow(
        event_id=event.id, topic_id=home.id, position=position or 0, text=item.text,
        milestone_text=item.milestone.text if item.milestone else None,
        milestone_key=item.milestone.key if item.milestone else None,
        due=item.due, starts=item.starts, state=ActionState.OPEN, inferred=False,
        confidence=1.0, organisations=[*item.organisations], created_at=now, updated_at=now,
        origin=ActionOrigin.MANUAL, source_id=None, carried_from_id=None,
        owner_links=[
            ActionOwnerRow(person=people[nick], position=i)
            for i, nick in enumerate(dict.fromkeys(item.owners))
        ],
        ref_links=[
            ActionRefRow(ref=refs[key], position=i)
            for i, key in enumerate(dict.fromkeys(ref_key(r) for r in item.refs))
        ],
    )  # fmt: skip
    session.add(row)
    session.flush()
    mark_pending(session, [(PendingKind.ACTION, row.id)])
    return row.id


def _topic(session: Session, event: EventRow, title: str) -> TopicRow:
    """The event's topic titled ``title`` (a current one first), or a new last topic
    on the event's first day."""
    wanted = _same(title)
    topics = session.scalars(
        select(TopicRow)
        .where(TopicRow.event_id == event.id)
        .order_by(TopicRow.removed_at.is_not(None), TopicRow.position, TopicRow.id)
    ).all()
    for found in topics:
        if _same(found.title) == wanted:
            return found
    first_day = session.scalar(
        select(DayRow.id).where(DayRow.event_id == event.id).order_by(DayRow.position).limit(1)
    )
    row = TopicRow(
        event_id=event.id, source_id=None, day_id=first_day,
        position=max((t.position for t in topics), default=-1) + 1,
        title=" ".join(title.split()), etherpads=[], discussion=[], decisions=[],
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row
