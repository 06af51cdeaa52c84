"""Repository functions: persist parsed events and read actions back.

Every function takes a ``Session`` owned by the caller and never commits; every
result is a :mod:`syncsvc.domain` record, never an ORM object. Reads use a fixed
number of queries (joins plus ``selectinload``), whatever the number of actions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from difflib import SequenceMatcher
from typing import TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from syncsvc.domain import (
    ActionItem,
    ActionState,
    Day,
    Event,
    ImportReport,
    Ref,
    RefKind,
    StoredAction,
    StoredDecision,
    StoredEvent,
)
from syncsvc.errors import NotFoundError

from .db import insert_ignoring_conflicts
from .tables import (
    ActionOwnerRow,
    ActionRefRow,
    ActionRevisionRow,
    ActionRow,
    DayRow,
    EventRow,
    PersonRow,
    RefRow,
    TopicRefRow,
    TopicRow,
)

ACTION_SIMILARITY = 0.6  # difflib ratio for "the same action, lightly edited"
TOPIC_SIMILARITY = 0.8  # stricter: topic headings are short, so edits move the ratio more

_RefKey = tuple[RefKind, str, str]
_H = TypeVar("_H", bound=Hashable)


# --- Writing ----------------------------------------------------------------------


def save_event(
    session: Session, event: Event, *, source_digest: str, now: datetime
) -> ImportReport:
    """Insert or update ``event`` (keyed by team, cycle, title and source).

    Idempotent: saving the same event again changes no action and reports every
    action as unchanged. Days and topics are updated in place (topics matched by
    title); actions keep their ids when their text is unchanged, lightly edited
    (difflib ratio >= 0.6 within the topic) or, if the topic keeps its number of
    actions, at the same position. A change of text or owners records the old
    wording as a revision. Actions (and topics) gone from the summary are
    soft-removed and revived if they come back. User-set state is never touched.
    ``now`` must be timezone-aware.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    row = _upsert_event(session, event, source_digest, now)
    run = _Import(session, row, now, _ensure_people(session, event), _ensure_refs(session, event))
    topic_rows = run.sync_topics(event, _sync_days(row, event))
    session.flush()  # new events and topics need ids before actions point at them
    report = run.sync_actions(event, topic_rows)
    session.flush()
    return report


def _upsert_event(session: Session, event: Event, digest: str, now: datetime) -> EventRow:
    team, cycle = event.team or "", event.cycle or ""  # "" means "none", see EventRow
    stmt = (
        select(EventRow)
        .where(EventRow.team == team, EventRow.cycle == cycle)
        .where(EventRow.title == event.title, EventRow.source == event.source)
        .options(selectinload(EventRow.days), selectinload(EventRow.topics, TopicRow.ref_links))
    )
    row = session.scalars(stmt).one_or_none()
    if row is None:
        row = EventRow(team=team, cycle=cycle, title=event.title, source=event.source)
        session.add(row)
    row.source_digest, row.imported_at = digest, now
    return row


def _dedupe(items: Iterable[_H]) -> list[_H]:
    return list(dict.fromkeys(items))


def _ref_key(ref: Ref) -> _RefKey:
    return (ref.kind, ref.id, ref.url)


def _ensure_people(session: Session, event: Event) -> dict[str, PersonRow]:
    """Upsert every owner by nick; fill in names the summary gives."""
    nicks = _dedupe(nick for action in event.actions for nick in action.owners)
    names = {p.nick: p.name for p in event.people if p.name}
    stmt = select(PersonRow).where(PersonRow.nick.in_(nicks))
    found = {p.nick: p for p in session.scalars(stmt)} if nicks else {}
    if missing := [{"nick": n, "name": names.get(n)} for n in nicks if n not in found]:
        insert_ignoring_conflicts(session, PersonRow, missing)
        found = {p.nick: p for p in session.scalars(stmt)}
    for nick, person in found.items():
        if names.get(nick) and person.name != names[nick]:
            person.name = names[nick]
    return found


def _ensure_refs(session: Session, event: Event) -> dict[_RefKey, RefRow]:
    """Upsert every ref of the event on (kind, ref_id, url)."""
    refs = [r for t in event.topics for r in t.refs] + [r for a in event.actions for r in a.refs]
    keys = _dedupe(_ref_key(r) for r in refs)
    wanted = set(keys)
    stmt = select(RefRow).where(RefRow.ref_id.in_({key[1] for key in keys}))

    def load() -> dict[_RefKey, RefRow]:
        rows = ((r, (RefKind(r.kind), r.ref_id, r.url)) for r in session.scalars(stmt))
        return {key: r for r, key in rows if key in wanted}

    found = load() if keys else {}
    if missing := [
        {"kind": k, "ref_id": i, "url": u} for k, i, u in keys if (k, i, u) not in found
    ]:
        insert_ignoring_conflicts(session, RefRow, missing)
        found = load()
    return found


def _sync_days(row: EventRow, event: Event) -> dict[Day, DayRow]:
    """Update days in place by position; return each day record's row."""
    wanted = _dedupe([*event.days, *(t.day for t in event.topics if t.day is not None)])
    old = {day.position: day for day in row.days}
    result: dict[Day, DayRow] = {}
    for position, day in enumerate(wanted):
        day_row = old.pop(position, None)
        if day_row is None:
            day_row = DayRow(position=position)
            row.days.append(day_row)
        day_row.label, day_row.date = day.label, day.date
        result[day] = day_row
    for gone in old.values():
        row.days.remove(gone)
    return result


def _match_texts(new: Sequence[str], old: Sequence[str], threshold: float) -> dict[int, int]:
    """Pair ``new[i]`` with ``old[j]``: equal texts first, in order, then the most similar.

    Similar pairs (difflib ratio >= ``threshold``) are taken greedily, best ratio
    first, ties to the closest indexes. Returns ``{i: j}``.
    """
    pairs: dict[int, int] = {}
    free: dict[str, list[int]] = defaultdict(list)
    for j, text in enumerate(old):
        free[text].append(j)
    for i, text in enumerate(new):
        if free.get(text):
            pairs[i] = free[text].pop(0)
    taken = set(pairs.values())
    scored: list[tuple[float, int, int, int]] = []
    for i, text in enumerate(new):
        for j, other in enumerate(old):
            if i in pairs or j in taken:
                continue
            matcher = SequenceMatcher(None, text, other, autojunk=False)
            if matcher.real_quick_ratio() >= threshold and matcher.quick_ratio() >= threshold:
                scored.append((-matcher.ratio(), abs(i - j), i, j))
    for ratio, _, i, j in sorted(scored):
        if -ratio >= threshold and i not in pairs and j not in taken:
            pairs[i] = j
            taken.add(j)
    return pairs


def _match_actions(items: Sequence[ActionItem], olds: list[ActionRow]) -> dict[int, ActionRow]:
    """Match a topic's new items to its stored actions (``olds``, active first)."""
    pairs = _match_texts([a.text for a in items], [a.text for a in olds], ACTION_SIMILARITY)
    matched = {i: olds[j] for i, j in pairs.items()}
    if sum(a.removed_at is None for a in olds) == len(items):
        taken = set(pairs.values())
        free = {a.position: a for j, a in enumerate(olds) if j not in taken and not a.removed_at}
        for i in range(len(items)):
            if i not in matched and i in free:
                matched[i] = free[i]
    return matched


@dataclass
class _Import:
    """State of one ``save_event`` call: the event row and the upserted people and refs."""

    session: Session
    row: EventRow
    now: datetime
    people: dict[str, PersonRow]
    refs: dict[_RefKey, RefRow]

    def sync_topics(self, event: Event, days: dict[Day, DayRow]) -> list[TopicRow]:
        """Update topics in place; return rows aligned with ``event.topics``."""
        old = sorted(self.row.topics, key=lambda t: (t.removed_at is not None, t.position, t.id))
        titles = [t.title for t in event.topics]
        pairs = _match_texts(titles, [t.title for t in old], TOPIC_SIMILARITY)
        result: list[TopicRow] = []
        for position, topic in enumerate(event.topics):
            if position in pairs:
                topic_row = old[pairs[position]]
            else:
                topic_row = TopicRow(ref_links=[])
                self.row.topics.append(topic_row)
            topic_row.position, topic_row.title = position, topic.title
            topic_row.day = days[topic.day] if topic.day is not None else None
            topic_row.etherpads, topic_row.discussion = [*topic.etherpads], [*topic.discussion]
            topic_row.decisions = [*topic.decisions]
            topic_row.removed_at = None
            wanted = [self.refs[key] for key in _dedupe(_ref_key(r) for r in topic.refs)]
            if [link.ref for link in topic_row.ref_links] != wanted:
                topic_row.ref_links = [TopicRefRow(ref=r, position=i) for i, r in enumerate(wanted)]
            result.append(topic_row)
        kept_days, matched = set(days.values()), set(pairs.values())
        for topic_row in (t for j, t in enumerate(old) if j not in matched):
            topic_row.removed_at = topic_row.removed_at or self.now
            if topic_row.day not in kept_days:
                topic_row.day = None
        return result

    def sync_actions(self, event: Event, topic_rows: list[TopicRow]) -> ImportReport:
        """Match, update, create and soft-remove the event's actions; count outcomes."""
        stmt = (
            select(ActionRow)
            .where(ActionRow.event_id == self.row.id)
            .order_by(ActionRow.removed_at.is_not(None), ActionRow.position, ActionRow.id)
            .options(selectinload(ActionRow.owner_links).joinedload(ActionOwnerRow.person))
            .options(selectinload(ActionRow.ref_links).joinedload(ActionRefRow.ref))
        )
        by_topic: dict[int, list[ActionRow]] = defaultdict(list)
        for action in self.session.scalars(stmt):
            by_topic[action.topic_id].append(action)
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        seen: set[int] = set()
        for topic, topic_row in zip(event.topics, topic_rows, strict=True):
            matched = _match_actions(topic.actions, by_topic[topic_row.id])
            for position, item in enumerate(topic.actions):
                action = matched.get(position) or ActionRow(
                    event_id=self.row.id, topic_id=topic_row.id, state=ActionState.OPEN
                )
                counts[self.apply(action, item)] += 1
                seen.add(action.id)
                action.position = position
        removed = 0
        for action in (a for actions in by_topic.values() for a in actions):
            if action.id not in seen and action.removed_at is None:
                action.removed_at = action.updated_at = self.now
                removed += 1
        return ImportReport(event_id=self.row.id, removed=removed, **counts)

    def apply(self, action: ActionRow, item: ActionItem) -> str:
        """Copy ``item`` onto ``action``; return ``created``, ``updated`` or ``unchanged``."""
        people = [self.people[nick] for nick in _dedupe(item.owners)]
        refs = [self.refs[key] for key in _dedupe(_ref_key(r) for r in item.refs)]
        old_people = [link.person for link in action.owner_links]
        old_refs = [link.ref for link in action.ref_links]
        old_text, old_content = action.text, _content(action)
        action.text, action.due, action.starts = item.text, item.due, item.starts
        action.milestone_text = item.milestone.text if item.milestone else None
        action.milestone_key = item.milestone.key if item.milestone else None
        action.inferred, action.confidence = item.inferred, item.confidence
        action.organisations = [*item.organisations]
        if old_people != people:
            action.owner_links = [
                ActionOwnerRow(person=p, position=i) for i, p in enumerate(people)
            ]
        if old_refs != refs:
            action.ref_links = [ActionRefRow(ref=r, position=i) for i, r in enumerate(refs)]
        if action.id is None:
            action.created_at = self.now
            self.session.add(action)
        elif old_text != item.text or old_people != people:
            owners = [person.nick for person in old_people]
            revision = ActionRevisionRow(action_id=action.id, text=old_text, owners=owners)
            revision.replaced_at = self.now
            self.session.add(revision)
        elif old_content == _content(action) and old_refs == refs and action.removed_at is None:
            return "unchanged"
        action.updated_at, action.removed_at = self.now, None
        return "created" if action.id is None else "updated"


def _content(a: ActionRow) -> tuple[object, ...]:
    """The stored fields an import compares, besides owners and refs."""
    return (
        a.text, a.milestone_text, a.milestone_key, a.due, a.starts, a.inferred, a.confidence,
        tuple(a.organisations or ()),
    )  # fmt: skip


def set_state(
    session: Session, action_id: int, state: ActionState, *, now: datetime | None = None
) -> StoredAction:
    """Set the state of action ``action_id`` and return it.

    ``updated_at`` becomes ``now`` (default: the current UTC time) when the state
    changes. Raises ``NotFoundError`` for an unknown id.
    """
    action = session.get(ActionRow, action_id)
    if action is None:
        raise NotFoundError(f"no action with id {action_id}")
    if action.state != state:
        action.state = ActionState(state)
        action.updated_at = now or datetime.now(UTC)
        session.flush()
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
    )


def list_actions(
    session: Session,
    *,
    owner: str | None = None,
    topic: str | None = None,
    unassigned: bool = False,
    event_id: int | None = None,
    include_removed: bool = False,
) -> list[StoredAction]:
    """Return actions ordered by event, topic position and action position.

    Filters combine with AND: ``owner`` is a nick (case-insensitive), ``topic`` a
    case-insensitive substring of the topic title, ``unassigned`` keeps actions
    without owners. Soft-removed actions are left out unless ``include_removed``.
    """
    stmt = _actions_query()
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
    stmt = stmt.order_by(EventRow.id, TopicRow.position, ActionRow.position, ActionRow.id)
    rows = session.execute(stmt)
    return [action.to_record(event=e, topic=t, day=d) for action, t, e, d in rows]


def get_action(session: Session, action_id: int) -> StoredAction:
    """Return action ``action_id`` with its history (oldest revision first).

    Soft-removed actions are returned too. Raises ``NotFoundError`` for an unknown id.
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
    """Return every event in import order, counting its current topics and actions."""
    topics = (
        select(func.count(TopicRow.id))
        .where(TopicRow.event_id == EventRow.id, TopicRow.removed_at.is_(None))
        .scalar_subquery()
    )
    actions = (
        select(func.count(ActionRow.id))
        .where(ActionRow.event_id == EventRow.id, ActionRow.removed_at.is_(None))
        .scalar_subquery()
    )
    stmt = select(EventRow, topics, actions).order_by(EventRow.id)
    rows = session.execute(stmt)
    return [row.to_record(topics=n_topics, actions=n_actions) for row, n_topics, n_actions in rows]


def list_decisions(session: Session, event_id: int | None = None) -> list[StoredDecision]:
    """Return the decisions of current topics, ordered by event, topic position and text order.

    ``event_id`` keeps one event's decisions. Decisions of soft-removed topics are
    left out.
    """
    stmt = (
        select(EventRow.id, EventRow.title, TopicRow.title, TopicRow.decisions)
        .join(TopicRow, TopicRow.event_id == EventRow.id)
        .where(TopicRow.removed_at.is_(None))
        .order_by(EventRow.id, TopicRow.position, TopicRow.id)
    )
    if event_id is not None:
        stmt = stmt.where(EventRow.id == event_id)
    return [
        StoredDecision(event_id=eid, event=event, topic=topic, text=text)
        for eid, event, topic, decisions in session.execute(stmt)
        for text in decisions or ()
    ]
