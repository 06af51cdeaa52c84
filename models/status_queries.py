"""Everything `syncsvc status` reads, in a handful of bulk queries.

The queries name their columns with lightweight Core ``table()`` clauses, not the
mapped classes: importing the table modules (declarative classes, their enums and
constraints) cost `status` more than its queries did. Only the columns a report
reads are selected, and the window is applied in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import (
    Connection,
    Date,
    Integer,
    Select,
    String,
    and_,
    case,
    column,
    func,
    or_,
    select,
    table,
)

from syncsvc.domain import ChangeStatus, HistoryEvent
from syncsvc.models.column_types import UTCDateTime, require_aware, value_enum

_TIME = UTCDateTime()
_ACTIONS = table(
    "actions",
    column("id", Integer),
    column("event_id", Integer),
    column("topic_id", Integer),
    column("position", Integer),
    column("text", String),
    column("removed_at", _TIME),
)
_TOPICS = table(
    "topics",
    column("id", Integer),
    column("source_id", Integer),
    column("day_id", Integer),
    column("position", Integer),
    column("title", String),
)
_DAYS = table("days", column("id", Integer), column("date", Date))
_PEOPLE = table("people", column("id", Integer), column("nick", String))
_OWNERS = table(
    "action_owners",
    column("action_id", Integer),
    column("person_id", Integer),
    column("position", Integer),
)
_LINKS = table(
    "links",
    column("action_id", Integer),
    # kind and status as the plain strings stored (a StrEnum member equals its value):
    # converting 16,000 of them to enum members took 4 ms of `status` at 10k
    column("kind", String),
    column("ref_id", String),
    column("status", String),
    column("created_at", _TIME),
)
_STATES = table(
    "action_state_history",
    column("id", Integer),
    column("action_id", Integer),
    column("state", String),
    column("reason", String),
    column("changed_at", _TIME),
)
_HISTORY = table(
    "artifact_history",
    column("id", Integer),
    column("artifact_key", String),
    column("field", String),
    column("new_value", String),
    column("changed_at", _TIME),
    column("observed_at", _TIME),
)
_CHANGES = table(
    "changes",
    column("number", Integer),
    column("status", value_enum(ChangeStatus)),
    column("submitted", _TIME),
    column("updated", _TIME),
)
_TASKS = table(
    "bug_tasks",
    column("bug_id", Integer),
    column("target", String),
    column("date_in_progress", _TIME),
    column("date_fix_committed", _TIME),
    column("date_fix_released", _TIME),
)
_SYNC_STATE = table("sync_state", column("last_run_at", _TIME))
#: ``artifact_history.field`` of a status change (``HistoryField.STATUS``).
_STATUS_FIELD = "status"
#: ``links.status`` of a confirmed link (``LinkStatus.CONFIRMED``).
_CONFIRMED = "confirmed"


class StatusAction(NamedTuple):
    """What a status line shows of a commitment.

    The read's per-row records are named tuples: at 10,000 commitments, building frozen
    dataclasses (one ``object.__setattr__`` per field) cost `status` more than reading
    their rows.
    """

    id: int
    topic: str
    text: str
    owners: tuple[str, ...]
    day: date | None


class StatusLink(NamedTuple):
    """A link as status groups it: whose, to what, and whether it is confirmed."""

    action_id: int
    kind: str  #: a LinkKind value
    id: str
    status: str  #: a LinkStatus value


class ClosedChange(NamedTuple):
    """A merged or abandoned change and the dates that say when it closed."""

    number: int
    status: ChangeStatus
    submitted: datetime | None
    updated: datetime


class TaskDates(NamedTuple):
    """The status dates Launchpad keeps on a bug task."""

    bug_id: int
    target: str
    date_in_progress: datetime | None
    date_fix_committed: datetime | None
    date_fix_released: datetime | None


@dataclass(frozen=True, slots=True)
class StatusInputs:
    """The stored facts a status report is built from.

    ``history`` is what syncs observed since the window's start and dated in the
    window; ``known_statuses`` the (key, status) of every status row observed since
    the window's start, whenever dated (they tell which remote dates a sync saw
    already; read apart, as plain strings, since most of them fall outside the window);
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
    known_statuses: set[tuple[str, str | None]]
    closed_changes: list[ClosedChange]
    tasks: list[TaskDates]


def status_inputs(
    sql: Connection,
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
    history = _HISTORY.c
    links, new_links = _links(sql, since, until)
    seen = (
        select(history.artifact_key, history.field, history.new_value, history.changed_at)
        .where(
            history.observed_at >= since,
            history.changed_at >= since,
            history.changed_at <= until,
        )
        .order_by(history.observed_at, history.id)
    )
    observed = list(map(HistoryEvent._make, sql.execute(seen).all()))
    # the status rows' values tell which remote dates a sync saw already: strings only
    statuses = select(history.artifact_key, history.new_value).where(
        history.observed_at >= since, history.field == _STATUS_FIELD
    )
    known: set[tuple[str, str | None]] = set(map(tuple, sql.execute(statuses).all()))
    changes, tasks = _CHANGES.c, _TASKS.c
    closed = select(changes.number, changes.status, changes.submitted, changes.updated).where(
        changes.status.in_([ChangeStatus.MERGED, ChangeStatus.ABANDONED]),
        changes.updated >= since,
    )
    dates = (tasks.date_in_progress, tasks.date_fix_committed, tasks.date_fix_released)
    dated = select(tasks.bug_id, tasks.target, *dates).where(
        or_(*(and_(d >= since, d <= until) for d in dates))
    )
    return StatusInputs(
        _actions(sql, owner=owner, topic=topic),
        links,
        *_states(sql, since),
        observed,
        new_links,
        known,
        list(map(ClosedChange._make, sql.execute(closed).all())),
        list(map(TaskDates._make, sql.execute(dated).all())),
    )


def _links(
    sql: Connection, since: datetime, until: datetime
) -> tuple[list[StatusLink], set[tuple[int, str, str]]]:
    """The confirmed links (the only ones a report shows as work) and those created in
    ``[since, until]`` whatever their status, in (action, kind, id) order; and the keys of
    the latter.

    One read of both: the report asks a new link's status (confirmed, suggested) and
    every confirmed link's artifact, never the status of an older suggestion.
    """
    links = _LINKS.c
    new = and_(links.created_at >= since, links.created_at <= until)
    rows = sql.execute(
        select(links.action_id, links.kind, links.ref_id, links.status, case((new, 1), else_=0))
        .where(or_(links.status == _CONFIRMED, new))
        .order_by(links.action_id, links.kind, links.ref_id)
    ).all()
    created = {(action_id, kind, ref_id) for action_id, kind, ref_id, _, is_new in rows if is_new}
    return [StatusLink(a, kind, ref_id, status) for a, kind, ref_id, status, _ in rows], created


def _actions(sql: Connection, *, owner: str | None, topic: str | None) -> list[StatusAction]:
    """The current actions (of ``owner``, in topics matching ``topic``), by id, with
    their topic, text, owners and topic's day.

    By id, not in ``repo.list_actions`` order: the report orders by id, and the id order
    is the table's own, so SQLite sorts nothing. Topics and their days are read apart
    (a few hundred rows, not one date per action). Owners are read for every action (the
    removed ones' are a few rows more than a join to ``actions`` would keep).
    """
    actions, topics, days = _ACTIONS.c, _TOPICS.c, _DAYS.c
    titles: dict[int, str] = {}
    day_of: dict[int, date | None] = {}
    for topic_id, title, day in sql.execute(
        select(topics.id, topics.title, days.date).select_from(
            _TOPICS.outerjoin(_DAYS, topics.day_id == days.id)
        )
    ).all():
        titles[topic_id], day_of[topic_id] = title, day
    stmt = select(actions.id, actions.topic_id, actions.text).where(actions.removed_at.is_(None))
    if owner is not None:
        stmt = stmt.where(actions.id.in_(_owned_by(owner)))
    if topic is not None:
        matching = select(topics.id).where(
            func.lower(topics.title).contains(topic.lower(), autoescape=True)
        )
        stmt = stmt.where(actions.topic_id.in_(matching))
    found = sql.execute(stmt.order_by(actions.id)).all()
    no_owners: tuple[str, ...] = ()
    owners = _owners(sql)
    return [
        StatusAction(
            action_id, titles[topic_id], text, owners.get(action_id, no_owners), day_of[topic_id]
        )
        for action_id, topic_id, text in found
        if topic_id in titles  # an inner join to topics
    ]


def _owned_by(owner: str) -> Select[tuple[int]]:
    owners_, people = _OWNERS.c, _PEOPLE.c
    return (
        select(owners_.action_id)
        .select_from(_OWNERS.join(_PEOPLE, owners_.person_id == people.id))
        .where(func.lower(people.nick) == owner.lower())
    )


def _owners(sql: Connection) -> dict[int, tuple[str, ...]]:
    """The owners' nicks of every action, in order."""
    owners_, people = _OWNERS.c, _PEOPLE.c
    nicks = (
        select(owners_.action_id, people.nick)
        .select_from(_OWNERS.join(_PEOPLE, owners_.person_id == people.id))
        .order_by(owners_.action_id, owners_.position)
    )
    owners: dict[int, list[str]] = {}
    for action_id, nick in sql.execute(nicks).all():
        owners.setdefault(action_id, []).append(nick)
    return {action_id: tuple(names) for action_id, names in owners.items()}


def _states(
    sql: Connection, at: datetime
) -> tuple[dict[int, tuple[str, str]], dict[int, str | None]]:
    """Each action's latest state and reason (its newest transition: rows are appended),
    and the state it was in at ``at`` (its newest transition at or before ``at``; actions
    without one are left out).

    One pass over the history finds both transitions' ids, instead of one grouping
    query for each.
    """
    states = _STATES.c
    ids = (
        select(
            states.action_id,
            func.max(states.id).label("now_id"),
            func.max(case((states.changed_at <= at, states.id))).label("at_id"),
        )
        .group_by(states.action_id)
        .subquery()
    )
    now, then = _STATES.alias("state_now"), _STATES.alias("state_then")
    rows = sql.execute(
        select(ids.c.action_id, now.c.state, now.c.reason, then.c.state).select_from(
            ids.join(now, now.c.id == ids.c.now_id).outerjoin(then, then.c.id == ids.c.at_id)
        )
    ).all()
    current: dict[int, tuple[str, str]] = {}
    previous: dict[int, str | None] = {}
    for action_id, state, reason, state_at in rows:
        current[action_id] = (state, reason)
        if state_at is not None:
            previous[action_id] = state_at
    return current, previous


def last_sync_run(sql: Connection) -> datetime | None:
    """When any sync last ran on this database (for ``--since last-run``)."""
    last: datetime | None = sql.scalar(select(func.max(_SYNC_STATE.c.last_run_at)))
    return last
