"""Everything `syncsvc status` reads, in a handful of bulk queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, and_, func, or_, select
from sqlalchemy.orm import Session

from syncsvc.domain import (
    ArtifactKey,
    Bug,
    Change,
    ChangeStatus,
    HistoryEvent,
    Link,
    LinkKind,
    LinkStatus,
    StoredAction,
)
from syncsvc.models.base import require_aware
from syncsvc.models.blueprint_store import blueprint_states
from syncsvc.models.link_store import current_states, load_links
from syncsvc.models.link_tables import ActionStateHistoryRow, LinkRow
from syncsvc.models.sync_records import HistoryField
from syncsvc.models.sync_store import artifact_states, get_bug, get_change
from syncsvc.models.sync_tables import ArtifactHistoryRow, BugTaskRow, ChangeRow, SyncStateRow
from syncsvc.models.tables import ActionOwnerRow, ActionRow, DayRow, PersonRow, TopicRow


@dataclass(frozen=True, slots=True)
class StatusAction:
    """What a status line shows of a commitment."""

    id: int
    topic: str
    text: str
    owners: tuple[str, ...]
    day: date | None


@dataclass(frozen=True, slots=True)
class StatusLink:
    """A link as status groups it: whose, to what, and whether it is confirmed."""

    action_id: int
    kind: LinkKind
    id: str
    status: LinkStatus


@dataclass(frozen=True, slots=True)
class ClosedChange:
    """A merged or abandoned change and the dates that say when it closed."""

    number: int
    status: ChangeStatus
    submitted: datetime | None
    updated: datetime


@dataclass(frozen=True, slots=True)
class TaskDates:
    """The status dates Launchpad keeps on a bug task."""

    bug_id: int
    target: str
    date_in_progress: datetime | None
    date_fix_committed: datetime | None
    date_fix_released: datetime | None


@dataclass(frozen=True, slots=True)
class StatusInputs:
    """The stored facts a status report is built from.

    ``history`` is what syncs observed since the window's start: the rows whose
    ``changed_at`` is in the window, and every status row (their values tell
    which remote dates a sync saw already);
    ``closed_changes`` (MERGED or ABANDONED, updated in the window) and ``tasks``
    (a status date in the window) are what
    :func:`syncsvc.report.history.status_history` reads the remote dates from.
    """

    actions: list[StatusAction]
    links: list[StatusLink]
    states: dict[int, tuple[str, str]]
    previous: dict[int, str | None]
    history: list[HistoryEvent]
    new_links: set[tuple[int, str, str]]
    closed_changes: list[ClosedChange]
    tasks: list[TaskDates]


def status_inputs(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    owner: str | None = None,
    topic: str | None = None,
) -> StatusInputs:
    """Actions, their links, states now and at ``since``, observed history, new links,
    and the changes and bug tasks whose remote dates may add history.

    ``owner`` and ``topic`` filter the actions in SQL, as ``repo.list_actions`` does.
    Every query selects only the columns a status report reads (no ORM objects), and
    the window is applied in SQL: at 10,000 commitments this is what keeps `status`
    quick.
    """
    since, until = require_aware(since, "since"), require_aware(until, "until")
    sql = session.connection()  # Core rows: the ORM's row processing is not needed here
    new_links = {
        (action_id, str(kind), ref_id)
        for action_id, kind, ref_id in sql.execute(
            select(LinkRow.action_id, LinkRow.kind, LinkRow.ref_id).where(
                LinkRow.created_at >= since, LinkRow.created_at <= until
            )
        )
    }
    history = [
        HistoryEvent(key, field, value, at)
        for key, field, value, at in sql.execute(
            select(
                ArtifactHistoryRow.artifact_key,
                ArtifactHistoryRow.field,
                ArtifactHistoryRow.new_value,
                ArtifactHistoryRow.changed_at,
            )
            .where(
                ArtifactHistoryRow.observed_at >= since,
                # what the window shows, and every status row: the remote dates of
                # closed changes and tasks are left out when a sync saw that status
                or_(
                    and_(
                        ArtifactHistoryRow.changed_at >= since,
                        ArtifactHistoryRow.changed_at <= until,
                    ),
                    ArtifactHistoryRow.field == HistoryField.STATUS,
                ),
            )
            .order_by(ArtifactHistoryRow.observed_at, ArtifactHistoryRow.id)
        )
    ]
    closed = select(ChangeRow.number, ChangeRow.status, ChangeRow.submitted, ChangeRow.updated)
    closed = closed.where(
        ChangeRow.status.in_([ChangeStatus.MERGED, ChangeStatus.ABANDONED]),
        ChangeRow.updated >= since,
    )
    dates = (
        BugTaskRow.date_in_progress,
        BugTaskRow.date_fix_committed,
        BugTaskRow.date_fix_released,
    )
    tasks = select(BugTaskRow.bug_id, BugTaskRow.target, *dates).where(
        or_(*(and_(d >= since, d <= until) for d in dates))
    )
    return StatusInputs(
        _actions(sql, owner=owner, topic=topic),
        [StatusLink(*row) for row in sql.execute(_LINKS)],
        _states_now(sql),
        _states_at(sql, since),
        history,
        new_links,
        [ClosedChange(*row) for row in sql.execute(closed)],
        [TaskDates(*row) for row in sql.execute(tasks)],
    )


_LINKS = select(LinkRow.action_id, LinkRow.kind, LinkRow.ref_id, LinkRow.status).order_by(
    LinkRow.action_id, LinkRow.kind, LinkRow.ref_id
)


def _actions(sql: Connection, *, owner: str | None, topic: str | None) -> list[StatusAction]:
    """The current actions (of ``owner``, in topics matching ``topic``), in
    ``repo.list_actions`` order, with their owners."""
    stmt = (
        select(ActionRow.id, TopicRow.title, ActionRow.text, DayRow.date)
        .join(TopicRow, ActionRow.topic_id == TopicRow.id)
        .outerjoin(DayRow, TopicRow.day_id == DayRow.id)
        .where(ActionRow.removed_at.is_(None))
    )
    if owner is not None:
        owned = (
            select(ActionOwnerRow.action_id)
            .join(PersonRow, ActionOwnerRow.person_id == PersonRow.id)
            .where(func.lower(PersonRow.nick) == owner.lower())
        )
        stmt = stmt.where(ActionRow.id.in_(owned))
    if topic is not None:
        stmt = stmt.where(func.lower(TopicRow.title).contains(topic.lower(), autoescape=True))
    stmt = stmt.order_by(
        ActionRow.event_id, TopicRow.source_id, TopicRow.position, ActionRow.position, ActionRow.id
    )
    found = sql.execute(stmt).all()
    owners: dict[int, list[str]] = {}
    nicks = (
        select(ActionOwnerRow.action_id, PersonRow.nick)
        .join(PersonRow, ActionOwnerRow.person_id == PersonRow.id)
        .join(ActionRow, ActionRow.id == ActionOwnerRow.action_id)
        .where(ActionRow.removed_at.is_(None))
        .order_by(ActionOwnerRow.action_id, ActionOwnerRow.position)
    )
    for action_id, nick in sql.execute(nicks):
        owners.setdefault(action_id, []).append(nick)
    return [
        StatusAction(action_id, title, text, tuple(owners.get(action_id, ())), day)
        for action_id, title, text, day in found
    ]


def _states_now(sql: Connection) -> dict[int, tuple[str, str]]:
    """Each action's latest state (its newest transition: rows are appended) and reason."""
    newest = select(func.max(ActionStateHistoryRow.id)).group_by(ActionStateHistoryRow.action_id)
    rows = sql.execute(
        select(
            ActionStateHistoryRow.action_id,
            ActionStateHistoryRow.state,
            ActionStateHistoryRow.reason,
        ).where(ActionStateHistoryRow.id.in_(newest))
    )
    return {action_id: (str(state), reason) for action_id, state, reason in rows}


def _states_at(sql: Connection, at: datetime) -> dict[int, str | None]:
    """The state each action was in at ``at`` (its latest transition at or before it)."""
    newest = (
        select(func.max(ActionStateHistoryRow.id))
        .where(ActionStateHistoryRow.changed_at <= at)
        .group_by(ActionStateHistoryRow.action_id)
    )
    rows = sql.execute(
        select(ActionStateHistoryRow.action_id, ActionStateHistoryRow.state).where(
            ActionStateHistoryRow.id.in_(newest)
        )
    )
    return {action_id: str(state) for action_id, state in rows}


def last_sync_run(session: Session) -> datetime | None:
    """When any sync last ran on this database (for ``--since last-run``)."""
    return session.scalar(select(func.max(SyncStateRow.last_run_at)))


@dataclass(frozen=True, slots=True)
class LinkView:
    """Links, artifact states and commitment states for a set of actions."""

    links: dict[int, list[Link]]
    artifact_states: dict[str, str]
    progress: dict[int, str]


def link_view(session: Session, actions: list[StoredAction]) -> LinkView:
    """Three bulk reads: the actions' links, their artifacts' states, their progress."""
    ids = [a.id for a in actions]
    links: dict[int, list[Link]] = {}
    for link in load_links(session, ids):
        links.setdefault(link.action_id, []).append(link)
    keys = {f"{link.kind}:{link.id}" for group in links.values() for link in group}
    keys |= {f"{r.kind}:{r.id}" for a in actions for r in a.refs}
    wanted = {k for k in keys if (p := ArtifactKey.parse_or_none(k)) and p.target is None}
    progress = {i: str(c.state) for i, c in current_states(session, ids).items()}
    states = artifact_states(session, wanted)
    named = {v.id for group in links.values() for v in group if v.kind is LinkKind.BLUEPRINT}
    states |= {f"blueprint:{i}": b.state for i, b in blueprint_states(session, named).items()}
    return LinkView(links, states, progress)


def linked_artifacts(
    session: Session, links: list[Link]
) -> tuple[dict[int, Change], dict[int, Bug]]:
    """The stored changes and bugs ``links`` point at, by number and bug id."""
    changes = {
        int(link.id): change
        for link in links
        if link.kind == "change" and (change := get_change(session, int(link.id))) is not None
    }
    bugs = {
        int(link.id): bug
        for link in links
        if link.kind == "bug" and (bug := get_bug(session, int(link.id))) is not None
    }
    return changes, bugs
