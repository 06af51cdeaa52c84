"""Everything `syncsvc status` reads, in a handful of bulk queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from syncsvc.domain import (
    ArtifactKey,
    Bug,
    BugTask,
    Change,
    ChangeStatus,
    HistoryEvent,
    Link,
    StoredAction,
)
from syncsvc.models import repo
from syncsvc.models.link_store import current_states, load_links
from syncsvc.models.link_tables import ActionStateHistoryRow, LinkRow
from syncsvc.models.sync_store import artifact_states, get_bug, get_change, history_since
from syncsvc.models.sync_tables import BugTaskRow, ChangeRow, SyncStateRow


@dataclass(frozen=True, slots=True)
class StatusInputs:
    """The stored facts a status report is built from.

    ``history`` is what syncs observed since the window's start;
    ``closed_changes`` (MERGED or ABANDONED, updated in the window) and ``tasks``
    are what :func:`syncsvc.report.history.status_history` reads the remote
    dates from.
    """

    actions: list[StoredAction]
    links: list[Link]
    states: dict[int, tuple[str, str]]
    previous: dict[int, str | None]
    history: list[HistoryEvent]
    new_links: set[tuple[int, str, str]]
    closed_changes: list[Change]
    tasks: list[BugTask]


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
    """
    actions = repo.list_actions(session, owner=owner, topic=topic)
    reasons = _latest_reasons(session)
    states = {
        action_id: (str(current.state), reasons.get(action_id, ""))
        for action_id, current in current_states(session).items()
    }
    new_links = {
        (row.action_id, str(row.kind), row.ref_id)
        for row in session.scalars(
            select(LinkRow).where(LinkRow.created_at >= since, LinkRow.created_at <= until)
        )
    }
    history = [
        HistoryEvent(row.key, row.field, row.new_value, row.changed_at)
        for row in history_since(session, since)
    ]
    closed = select(ChangeRow).where(
        ChangeRow.status.in_([ChangeStatus.MERGED, ChangeStatus.ABANDONED]),
        ChangeRow.updated >= since,
    )
    return StatusInputs(
        actions,
        load_links(session),
        states,
        _states_at(session, since),
        history,
        new_links,
        [row.to_record() for row in session.scalars(closed)],
        [row.to_record() for row in session.scalars(select(BugTaskRow))],
    )


def _latest_reasons(session: Session) -> dict[int, str]:
    newest = select(func.max(ActionStateHistoryRow.id)).group_by(ActionStateHistoryRow.action_id)
    rows = session.scalars(
        select(ActionStateHistoryRow).where(ActionStateHistoryRow.id.in_(newest))
    )
    return {row.action_id: row.reason for row in rows}


def _states_at(session: Session, at: datetime) -> dict[int, str | None]:
    """The state each action was in at ``at`` (its latest transition at or before it)."""
    newest = (
        select(func.max(ActionStateHistoryRow.id))
        .where(ActionStateHistoryRow.changed_at <= at)
        .group_by(ActionStateHistoryRow.action_id)
    )
    rows = session.scalars(
        select(ActionStateHistoryRow).where(ActionStateHistoryRow.id.in_(newest))
    )
    return {row.action_id: row.state for row in rows}


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
    return LinkView(links, artifact_states(session, wanted), progress)


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
