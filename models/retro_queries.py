"""Everything `syncsvc retro` reads about one team's cycle, as plain records."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from syncsvc.domain import ActionOrigin, ActionState, EventSource, LinkStatus, TaskChange
from syncsvc.domain.retro import (
    RetroAction,
    RetroEvent,
    RetroFacts,
    RetroLink,
    RetroTransition,
)
from syncsvc.errors import InputError, NotFoundError
from syncsvc.models.blueprint_store import blueprint_changes, first_seen, stored_blueprints
from syncsvc.models.link_tables import ActionStateHistoryRow, LinkRow
from syncsvc.models.review_store import review_events, reviews_read
from syncsvc.models.squash_store import events_on
from syncsvc.models.sync_records import ArtifactKind
from syncsvc.models.sync_tables import ArtifactHistoryRow, BugRow, BugTaskRow, ChangeRow
from syncsvc.models.tables import ActionOwnerRow, ActionRow, DayRow, EventRow, TopicRow


def _retro_event(session: Session, row: EventRow) -> RetroEvent:
    first = session.scalar(select(func.min(DayRow.date)).where(DayRow.event_id == row.id))
    return RetroEvent(
        row.id, row.title, row.team or None, row.cycle or None, str(row.source), first
    )


def find_ptg(
    session: Session, *, event: str | None, team: str | None, cycle: str | None
) -> RetroEvent:
    """The PTG event a retrospective is about: ``event`` (an id or a title), else the
    latest PTG event of ``team`` and ``cycle``. NotFoundError when there is none;
    InputError when neither is given and the database has several PTG events."""
    stmt = select(EventRow).order_by(EventRow.id.desc())
    if event is not None:
        key = event.strip()
        found = session.scalar(
            stmt.where(EventRow.id == int(key))
            if key.isdigit()
            else stmt.where(EventRow.title == key)
        )
        if found is None:
            raise NotFoundError(f"no event {key!r} (see `syncsvc events`)")
        return _retro_event(session, found)
    stmt = stmt.where(EventRow.source == EventSource.PTG)
    if team:
        stmt = stmt.where(func.lower(EventRow.team) == team.lower())
    if cycle:
        stmt = stmt.where(func.lower(EventRow.cycle) == cycle.lower())
    rows = list(session.scalars(stmt))
    if not rows:
        what = " ".join(filter(None, [team, cycle])) or "any team"
        raise NotFoundError(f"no PTG event for {what} (see `syncsvc events`)")
    if len(rows) > 1 and not (team and cycle):
        raise InputError(
            f"{len(rows)} PTG events match", hint="pick one with --event ID or --team and --cycle"
        )
    return _retro_event(session, rows[0])


def find_previous_ptg(session: Session, ptg: RetroEvent, cycle: str) -> RetroEvent | None:
    """The latest PTG event of ``ptg``'s team in ``cycle``, or ``None``."""
    if not ptg.team:
        return None
    row = session.scalar(
        select(EventRow)
        .where(
            EventRow.source == EventSource.PTG,
            func.lower(EventRow.team) == ptg.team.lower(),
            func.lower(EventRow.cycle) == cycle.lower(),
        )
        .order_by(EventRow.id.desc())
    )
    return None if row is None else _retro_event(session, row)


def _meetings(session: Session, ptg: RetroEvent) -> list[RetroEvent]:
    if not (ptg.team and ptg.cycle):
        return []
    rows = session.scalars(
        select(EventRow)
        .where(
            EventRow.source == EventSource.MEETING,
            func.lower(EventRow.team) == ptg.team.lower(),
            func.lower(EventRow.cycle) == ptg.cycle.lower(),
        )
        .order_by(EventRow.id)
    )
    return [_retro_event(session, row) for row in rows]


def _committed(day: date | None, fallback: date | None, created: datetime) -> datetime:
    # As the relink dates a commitment's first state: its day at the event.
    chosen = day or fallback
    return datetime.combine(chosen, time(), UTC) if chosen else created


def retro_facts(session: Session, ptg: RetroEvent, *, projects: Collection[str] = ()) -> RetroFacts:
    """The PTG's commitments plus those of later meetings of its team and cycle (withdrawn
    ones included), their state history and confirmed links, the linked changes with
    their stored review messages, and the bug tasks of ``projects`` (every project's
    when empty)."""
    events = [ptg, *_meetings(session, ptg)]
    first_day = {e.id: e.first_day for e in events}
    rows = session.execute(
        select(ActionRow, TopicRow.title, DayRow.date)
        .join(TopicRow, ActionRow.topic_id == TopicRow.id)
        .outerjoin(DayRow, TopicRow.day_id == DayRow.id)
        .where(ActionRow.event_id.in_(first_day))
        .options(selectinload(ActionRow.owner_links).joinedload(ActionOwnerRow.person))
        .order_by(ActionRow.id)
    ).all()
    ids = [row.id for row, _, _ in rows]
    carried_to: dict[int, list[int]] = {}
    for origin, event_id in session.execute(
        select(ActionRow.carried_from_id, ActionRow.event_id).where(
            ActionRow.carried_from_id.in_(ids)
        )
    ):
        if origin is not None:
            carried_to.setdefault(origin, []).append(event_id)
    actions = tuple(
        RetroAction(
            id=row.id,
            event_id=row.event_id,
            topic=topic,
            text=row.text,
            owners=tuple(link.person.nick for link in row.owner_links),
            committed_at=_committed(day, first_day.get(row.event_id), row.created_at),
            state=ActionState(row.state),
            withdrawn_at=row.removed_at,
            origin=ActionOrigin(row.origin),
            carried_from=row.carried_from_id,
            carried_to=tuple(sorted(carried_to.get(row.id, ()))),
            dated=(day or first_day.get(row.event_id)) is not None,
        )
        for row, topic, day in rows
    )
    transitions = tuple(
        RetroTransition(h.action_id, str(h.state), h.changed_at)
        for h in session.scalars(
            select(ActionStateHistoryRow)
            .where(ActionStateHistoryRow.action_id.in_(ids))
            .order_by(ActionStateHistoryRow.id)
        )
    )
    links = tuple(
        RetroLink(v.action_id, str(v.kind), v.ref_id, v.created_at)
        for v in session.scalars(
            select(LinkRow).where(
                LinkRow.action_id.in_(ids), LinkRow.status == LinkStatus.CONFIRMED
            )
        )
    )
    numbers = {int(v.id) for v in links if v.kind == "change" and v.id.isdigit()}
    changes = tuple(
        row.to_record()
        for row in session.scalars(select(ChangeRow).where(ChangeRow.number.in_(numbers)))
    )
    tasks = _tasks(session, projects)
    stored = {c.number for c in changes}
    lp_projects = {p.rpartition("/")[2] for p in projects} or None
    return RetroFacts(
        events=tuple(events),
        actions=actions,
        transitions=transitions,
        links=links,
        changes=changes,
        tasks=tuple(t.to_record() for t in tasks),
        bugs_since=min((t.first_seen_at for t in tasks), default=None),
        squash_events=tuple(events_on(session, projects)),
        task_changes=tuple(_importance_changes(session, {(t.bug_id, t.target) for t in tasks})),
        review_events=tuple(review_events(session, stored)),
        reviews_read=frozenset(reviews_read(session, stored)),
        blueprints=tuple(stored_blueprints(session, lp_projects)),
        blueprint_changes=tuple(blueprint_changes(session, lp_projects)),
        blueprints_since=first_seen(session, lp_projects),
    )


def _importance_changes(session: Session, tasks: Collection[tuple[int, str]]) -> list[TaskChange]:
    """The stored importance changes of ``tasks`` ((bug id, target) pairs), oldest first."""
    stmt = (
        select(ArtifactHistoryRow)
        .where(
            ArtifactHistoryRow.artifact_kind == ArtifactKind.BUG_TASK,
            ArtifactHistoryRow.field == "importance",
        )
        .order_by(ArtifactHistoryRow.changed_at, ArtifactHistoryRow.id)
    )
    found = []
    for row in session.scalars(stmt):
        head, _, target = row.artifact_key.partition("/")
        bug_id = int(head.removeprefix("bug:"))
        if (bug_id, target) in tasks:
            found.append(
                TaskChange(bug_id, target, row.field, row.old_value, row.new_value, row.changed_at)
            )
    return found


def _tasks(session: Session, projects: Collection[str]) -> Sequence[BugTaskRow]:
    """The visible bugs' project tasks (not series tasks) of ``projects``."""
    stmt = (
        select(BugTaskRow)
        .join(BugRow, BugRow.bug_id == BugTaskRow.bug_id)
        .where(BugRow.visible.is_(True), BugTaskRow.target.not_like("%/%"))
        .order_by(BugTaskRow.id)
    )
    names = {p.rpartition("/")[2].lower() for p in projects}
    rows = list(session.scalars(stmt))
    return [t for t in rows if not names or t.target.lower() in names]


class SqlRetroReader:
    """The retrospective's reader (``syncsvc.report.retro_service.RetroReader``) on one
    read-only session; ``projects`` are the team's, for the bug figures."""

    def __init__(self, session: Session, projects: Collection[str] = ()) -> None:
        self._session = session
        self._projects = tuple(projects)

    def find_ptg(self, *, event: str | None, team: str | None, cycle: str | None) -> RetroEvent:
        return find_ptg(self._session, event=event, team=team, cycle=cycle)

    def find_previous_ptg(self, ptg: RetroEvent, cycle: str) -> RetroEvent | None:
        return find_previous_ptg(self._session, ptg, cycle)

    def facts(self, ptg: RetroEvent) -> RetroFacts:
        return retro_facts(self._session, ptg, projects=self._projects)
