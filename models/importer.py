"""Import writing: store what one source says about an event, touching nothing else.

An event is found by its sources (a mail's Message-ID, an archive URL, a name),
never by its title; an import matches, updates and withdraws only the topics and
actions of its own source. The caller owns the session; nothing here commits.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol, TypeVar

from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from syncsvc.domain import (
    ActionItem,
    ActionOrigin,
    ActionSlot,
    ActionState,
    Day,
    Event,
    ImportReport,
    PendingKind,
    Ref,
    RefKind,
    SourceKey,
    SourceKind,
)
from syncsvc.errors import InputError, NotFoundError
from syncsvc.models.db import insert_ignoring_conflicts
from syncsvc.models.relink_pending import mark_pending
from syncsvc.models.tables import (
    ActionOwnerRow,
    ActionRefRow,
    ActionRevisionRow,
    ActionRow,
    DayRow,
    EventRow,
    EventSourceRow,
    PersonRow,
    RefRow,
    TopicRefRow,
    TopicRow,
)

_RefKey = tuple[RefKind, str, str]
_H = TypeVar("_H", bound=Hashable)


class ReimportRules(Protocol):
    """Which stored topics and actions a new version of a source updates (the rules
    live in the core: :data:`syncsvc.parse.reimport.REIMPORT`)."""

    def match_topics(self, new: Sequence[str], old: Sequence[str]) -> Mapping[int, int]:
        """Pair new topic titles with stored ones: ``{new index: old index}``."""
        ...

    def match_actions(self, new: Sequence[str], old: Sequence[ActionSlot]) -> Mapping[int, int]:
        """Pair a topic's new action texts with its stored actions."""
        ...

    def shares_content(self, new: Sequence[str], old: Sequence[str]) -> bool:
        """Whether new action texts read as a version of a source's current ones."""
        ...


def save_event(
    session: Session,
    event: Event,
    *,
    source_digest: str,
    now: datetime,
    rules: ReimportRules,
    source: SourceKey | None = None,
    into: int | str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Store what ``source`` (default: the name ``event.title``) says about ``event``.

    The event is the one ``source`` was imported into before; else ``into`` (an
    event id, or a name: the event with that title or name source, created with
    that title when there is none); else a new event. Raises ``NotFoundError``
    for an unknown event id and ``InputError`` when ``into`` is ambiguous or
    names another event than the one ``source`` belongs to.

    Only this source's topics and actions are matched and withdrawn: other
    sources of the event, and actions carried over or added by hand, are never
    touched. Idempotent: saving the same event again changes no action and
    reports every action as unchanged. Topics are updated in place and actions
    keep their ids as ``rules`` pair them with the stored ones (see
    :mod:`syncsvc.parse.reimport`). A change of text or owners records the old
    wording as a revision. Actions (and topics) gone from the source are
    withdrawn (kept, with their ids) and revived if they come back. Days are
    shared by the event's sources (matched by label and date). User-set state is
    never touched. ``now`` must be timezone-aware.

    ``dry_run`` computes the same report without writing anything: nothing is
    flushed, so new rows get no ids (a new event's ``event_id`` is ``None``) and
    no sequence moves; the caller must roll the session back.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if dry_run:
        with session.no_autoflush:
            return _save(session, event, source or SourceKey(SourceKind.NAME, event.title),
                         into=into, digest=source_digest, now=now, dry_run=True,
                         rules=rules)  # fmt: skip
    with _watching_writes(session) as wrote:
        report = _save(session, event, source or SourceKey(SourceKind.NAME, event.title),
                       into=into, digest=source_digest, now=now, dry_run=False,
                       rules=rules)  # fmt: skip
    if wrote and report.event_id is not None:  # its commitments or topics changed: relink them
        mark_pending(session, [(PendingKind.EVENT, report.event_id)])
    return report


@contextmanager
def _watching_writes(session: Session) -> Iterator[list[bool]]:
    """Yield a list that gets an item when a flush writes anything but the event's and its
    sources' rows (a re-import of the same text only stamps the import time there)."""
    wrote: list[bool] = []

    def check(flushing: Session, _context: object, _instances: object) -> None:
        bookkeeping = (EventRow, EventSourceRow)
        changed = [*flushing.new, *flushing.deleted]
        changed += [o for o in flushing.dirty if flushing.is_modified(o)]
        if any(not isinstance(o, bookkeeping) for o in changed):
            wrote.append(True)

    sa_event.listen(session, "before_flush", check)
    try:
        yield wrote
    finally:
        sa_event.remove(session, "before_flush", check)


def _save(
    session: Session,
    event: Event,
    key: SourceKey,
    *,
    into: int | str | None,
    digest: str,
    now: datetime,
    dry_run: bool,
    rules: ReimportRules,
) -> ImportReport:
    def flush() -> None:
        if not dry_run:
            session.flush()

    row, source_row, new_event = _resolve_event(session, event, key, into, digest, now, rules)
    flush()  # the event and source need ids before topics and actions point at them
    people = _ensure_people(session, event, dry_run=dry_run)
    refs = _ensure_refs(session, event, dry_run=dry_run)
    run = _Import(session, row, source_row, now, people, refs, rules)
    days = _sync_days(row, event)
    topic_rows = run.sync_topics(event, days)
    flush()  # new topics need ids before actions point at them
    report = run.sync_actions(event, topic_rows)
    if not dry_run:
        session.flush()
        _drop_unused_days(row, keep=days.values())
        session.flush()
    return replace(report, new_event=new_event)


def _resolve_event(
    session: Session,
    event: Event,
    key: SourceKey,
    into: int | str | None,
    digest: str,
    now: datetime,
    rules: ReimportRules,
) -> tuple[EventRow, EventSourceRow, bool]:
    """The event and source row an import writes to (stamped with ``digest`` and ``now``),
    and whether the event is new."""
    if key.kind is SourceKind.NAME:
        source_row, key = _find_named_source(session, event, key.key, rules)
    else:
        stmt = select(EventSourceRow).where(
            EventSourceRow.kind == key.kind, EventSourceRow.key == key.key
        )
        source_row = session.scalars(stmt).one_or_none()
    target = _target_event(session, into)
    new_event = False
    if source_row is not None:
        row = source_row.event
        if target is not None and target.id != row.id:
            raise InputError(
                f"{key} was imported into event {row.id} ({row.title}), not event {target.id}",
                hint="one source belongs to one event; leave out --event to update it",
            )
    else:
        row = target or EventRow(
            team=event.team or "",
            cycle=event.cycle or "",
            title=into if isinstance(into, str) else event.title,
            source=event.source,
            source_digest=digest,
            imported_at=now,
            sources=[],
        )
        new_event = target is None
        if new_event:
            session.add(row)
        source_row = EventSourceRow(kind=key.kind, key=key.key, digest=digest, imported_at=now)
        row.sources.append(source_row)
    row.team, row.cycle = row.team or event.team or "", row.cycle or event.cycle or ""
    source_row.digest = row.source_digest = digest
    source_row.imported_at = row.imported_at = now
    if row.id is not None:  # load days and topics at once, not one topic's refs at a time
        loaded = (selectinload(EventRow.days), selectinload(EventRow.topics, TopicRow.ref_links))
        session.scalars(select(EventRow).where(EventRow.id == row.id).options(*loaded)).one()
    return row, source_row, new_event


def _find_named_source(
    session: Session, event: Event, name: str, rules: ReimportRules
) -> tuple[EventSourceRow | None, SourceKey]:
    """The source a summary known only by a name (given, or its Subject or title) is, and its key.

    A name says little (every team-less summary is a "PTG", every file of one
    PTG may be given the event's name), so sources sharing it are told apart by
    content: the first of ``name``, ``name (2)``,
    ``name (3)``… (oldest first) that this summary reads as a version of (see
    ``rules.shares_content``) is this summary; when none is, it is a new source
    under the first free of those names. An edit keeps most actions, so it still
    finds its source; a different summary never takes another's.
    """
    similar = EventSourceRow.key.startswith(f"{name} (", autoescape=True)
    stmt = (
        select(EventSourceRow)
        .where(EventSourceRow.kind == SourceKind.NAME)
        .where((EventSourceRow.key == name) | (similar & EventSourceRow.key.endswith(")")))
        .order_by(EventSourceRow.key != name, EventSourceRow.id)
    )
    candidates = session.scalars(stmt).all()
    for candidate in candidates:
        current = (ActionRow.source_id == candidate.id) & ActionRow.removed_at.is_(None)
        texts = session.scalars(select(ActionRow.text).where(current)).all()
        if rules.shares_content([action.text for action in event.actions], texts):
            return candidate, candidate.to_key()
    taken = {candidate.key for candidate in candidates}
    free = next(
        key for n in itertools.count(1) if (key := name if n == 1 else f"{name} ({n})") not in taken
    )
    return None, SourceKey(SourceKind.NAME, free)


def _target_event(session: Session, into: int | str | None) -> EventRow | None:
    """The event ``--event`` names: by id, else by title or name source (``None``: new)."""
    if into is None:
        return None
    if isinstance(into, int):
        found = session.get(EventRow, into)
        if found is None:
            raise NotFoundError(f"no event with id {into}", hint="see `syncsvc events`")
        return found
    named = EventRow.sources.any(
        (EventSourceRow.kind == SourceKind.NAME) & (EventSourceRow.key == into)
    )
    rows = session.scalars(select(EventRow).where((EventRow.title == into) | named)).all()
    if len(rows) > 1:
        hint = "give the event id (see `syncsvc events`)"
        raise InputError(f"{len(rows)} events are named {into!r}", hint=hint)
    return rows[0] if rows else None


def _dedupe(items: Iterable[_H]) -> list[_H]:
    return list(dict.fromkeys(items))


def ref_key(ref: Ref) -> _RefKey:
    """A ref's key among the stored refs: kind, natural id and URL as written."""
    return (ref.kind, ref.id, ref.url)


def _ensure_people(session: Session, event: Event, *, dry_run: bool) -> dict[str, PersonRow]:
    """Upsert every owner by nick; fill in names the summary gives (unsaved in a dry run)."""
    nicks = [nick for action in event.actions for nick in action.owners]
    names = {p.nick: p.name for p in event.people if p.name}
    return ensure_people(session, nicks, names, dry_run=dry_run)


def ensure_people(
    session: Session, owners: Iterable[str], names: Mapping[str, str | None], *, dry_run: bool
) -> dict[str, PersonRow]:
    """The person row of each nick in ``owners``, added when new, with the names given
    filled in (unsaved in a dry run)."""
    nicks = _dedupe(owners)
    stmt = select(PersonRow).where(PersonRow.nick.in_(nicks))
    found = {p.nick: p for p in session.scalars(stmt)} if nicks else {}
    if missing := [{"nick": n, "name": names.get(n)} for n in nicks if n not in found]:
        if dry_run:
            return found | {str(m["nick"]): PersonRow(**m) for m in missing}
        insert_ignoring_conflicts(session, PersonRow, missing)
        found = {p.nick: p for p in session.scalars(stmt)}
    for nick, person in found.items():
        if names.get(nick) and person.name != names[nick]:
            person.name = names[nick]
    return found


def _ensure_refs(session: Session, event: Event, *, dry_run: bool) -> dict[_RefKey, RefRow]:
    """Upsert every ref of the event on (kind, ref_id, url) (unsaved in a dry run)."""
    refs = [r for t in event.topics for r in t.refs] + [r for a in event.actions for r in a.refs]
    return ensure_refs(session, refs, dry_run=dry_run)


def ensure_refs(session: Session, refs: Iterable[Ref], *, dry_run: bool) -> dict[_RefKey, RefRow]:
    """The ref row of each ref on (kind, ref_id, url), added when new (unsaved in a dry
    run), by :func:`ref_key`."""
    keys = _dedupe(ref_key(r) for r in refs)
    wanted = set(keys)
    stmt = select(RefRow).where(RefRow.ref_id.in_({key[1] for key in keys}))

    def load() -> dict[_RefKey, RefRow]:
        rows = ((r, (RefKind(r.kind), r.ref_id, r.url)) for r in session.scalars(stmt))
        return {key: r for r, key in rows if key in wanted}

    found = load() if keys else {}
    if missing := [
        {"kind": k, "ref_id": i, "url": u} for k, i, u in keys if (k, i, u) not in found
    ]:
        if dry_run:
            return found | {
                (k, i, u): RefRow(kind=k, ref_id=i, url=u)
                for k, i, u in keys
                if (k, i, u) not in found
            }
        insert_ignoring_conflicts(session, RefRow, missing)
        found = load()
    return found


def _sync_days(row: EventRow, event: Event) -> dict[Day, DayRow]:
    """Find or add the event's days by label and date; return each day record's row.

    Days are shared by the event's sources, so one source never relabels a day
    another source's topics (withdrawn ones too) point at.
    """
    wanted = _dedupe([*event.days, *(t.day for t in event.topics if t.day is not None)])
    known = {(day.label, day.date): day for day in row.days}
    position = max((day.position for day in row.days), default=-1)
    result: dict[Day, DayRow] = {}
    for day in wanted:
        day_row = known.get((day.label, day.date))
        if day_row is None:
            position += 1
            day_row = DayRow(position=position, label=day.label, date=day.date)
            row.days.append(day_row)
        result[day] = day_row
    return result


def _drop_unused_days(row: EventRow, *, keep: Iterable[DayRow]) -> None:
    """Delete the event's days, but ``keep``, that no topic (of any source, withdrawn or not)
    points at. Call after a flush, so that every topic's ``day_id`` is set."""
    used = {topic.day_id for topic in row.topics} | {day.id for day in keep}
    for day in [d for d in row.days if d.id not in used]:
        row.days.remove(day)


@dataclass
class _Import:
    """State of one ``save_event`` call: the event and source rows, the upserted people and refs."""

    session: Session
    row: EventRow
    source: EventSourceRow
    now: datetime
    people: dict[str, PersonRow]
    refs: dict[_RefKey, RefRow]
    rules: ReimportRules

    def sync_topics(self, event: Event, days: dict[Day, DayRow]) -> list[TopicRow]:
        """Update this source's topics in place; return rows aligned with ``event.topics``."""
        new = self.source.id is None  # a dry run's new source owns nothing yet
        mine = [t for t in self.row.topics if not new and t.source_id == self.source.id]
        old = sorted(mine, key=lambda t: (t.removed_at is not None, t.position, t.id))
        titles = [t.title for t in event.topics]
        pairs = self.rules.match_topics(titles, [t.title for t in old])
        result: list[TopicRow] = []
        for position, topic in enumerate(event.topics):
            if position in pairs:
                topic_row = old[pairs[position]]
            else:
                topic_row = TopicRow(ref_links=[], source_id=self.source.id)
                self.row.topics.append(topic_row)
            topic_row.position, topic_row.title = position, topic.title
            topic_row.day = days[topic.day] if topic.day is not None else None
            topic_row.etherpads, topic_row.discussion = [*topic.etherpads], [*topic.discussion]
            topic_row.decisions = [*topic.decisions]
            topic_row.removed_at = None
            wanted = [self.refs[key] for key in _dedupe(ref_key(r) for r in topic.refs)]
            if [link.ref for link in topic_row.ref_links] != wanted:
                topic_row.ref_links = [TopicRefRow(ref=r, position=i) for i, r in enumerate(wanted)]
            result.append(topic_row)
        matched = set(pairs.values())
        for topic_row in (t for j, t in enumerate(old) if j not in matched):
            topic_row.removed_at = topic_row.removed_at or self.now  # keeps its day
        return result

    def sync_actions(self, event: Event, topic_rows: list[TopicRow]) -> ImportReport:
        """Match, update, create and withdraw this source's actions; count outcomes."""
        stmt = (
            select(ActionRow)
            .where(ActionRow.source_id == self.source.id, ActionRow.origin == ActionOrigin.SOURCE)
            .order_by(ActionRow.removed_at.is_not(None), ActionRow.position, ActionRow.id)
            .options(selectinload(ActionRow.owner_links).joinedload(ActionOwnerRow.person))
            .options(selectinload(ActionRow.ref_links).joinedload(ActionRefRow.ref))
        )
        by_topic: dict[int, list[ActionRow]] = defaultdict(list)
        for action in self.session.scalars(stmt) if self.source.id is not None else ():
            by_topic[action.topic_id].append(action)
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        seen: set[int] = set()
        carried = self._carried()
        for topic, topic_row in zip(event.topics, topic_rows, strict=True):
            olds = by_topic[topic_row.id]
            slots = [ActionSlot(a.text, a.position, a.removed_at is not None) for a in olds]
            pairs = self.rules.match_actions([item.text for item in topic.actions], slots)
            matched = {i: olds[j] for i, j in pairs.items()}
            for position, item in enumerate(topic.actions):
                found = matched.get(position) or self._claim(carried, item.text, topic_row)
                action = found or ActionRow(
                    event_id=self.row.id,
                    topic_id=topic_row.id,
                    state=ActionState.OPEN,
                    origin=ActionOrigin.SOURCE,
                    source_id=self.source.id,
                )
                counts[self.apply(action, item)] += 1
                seen.add(action.id)
                action.position = position
        withdrawn = 0
        for action in (a for actions in by_topic.values() for a in actions):
            if action.id not in seen and action.removed_at is None:
                action.removed_at = action.updated_at = self.now
                withdrawn += 1
        return ImportReport(
            event_id=self.row.id,
            created=counts["created"],
            updated=counts["updated"],
            unchanged=counts["unchanged"],
            withdrawn=withdrawn,
            source=self.source.to_key(),
        )

    def _carried(self) -> list[ActionRow]:
        """The event's carried-over actions: a summary that lists one again updates it."""
        if self.row.id is None:
            return []
        stmt = (
            select(ActionRow)
            .where(ActionRow.event_id == self.row.id, ActionRow.origin == ActionOrigin.CARRIED)
            .order_by(ActionRow.id)
            .options(selectinload(ActionRow.owner_links).joinedload(ActionOwnerRow.person))
            .options(selectinload(ActionRow.ref_links).joinedload(ActionRefRow.ref))
        )
        return list(self.session.scalars(stmt))

    def _claim(self, carried: list[ActionRow], text: str, topic_row: TopicRow) -> ActionRow | None:
        """The carried action ``text`` reads as (taken out of ``carried``), moved under
        ``topic_row``; it stays carried, so no import withdraws it."""
        slots = [ActionSlot(a.text, i, withdrawn=False) for i, a in enumerate(carried)]
        pairs = self.rules.match_actions([text], slots) if carried else {}
        if 0 not in pairs:
            return None
        action = carried.pop(pairs[0])
        action.topic_id = topic_row.id
        return action

    def apply(self, action: ActionRow, item: ActionItem) -> str:
        """Copy ``item`` onto ``action``; return ``created``, ``updated`` or ``unchanged``."""
        people = [self.people[nick] for nick in _dedupe(item.owners)]
        refs = [self.refs[key] for key in _dedupe(ref_key(r) for r in item.refs)]
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
