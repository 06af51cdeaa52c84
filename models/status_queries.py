"""Everything `syncsvc status` reads, in a handful of bulk queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from syncsvc.domain import ChangeStatus, HistoryEvent, Link, StoredAction
from syncsvc.models import repo
from syncsvc.models.link_store import current_states, load_links
from syncsvc.models.link_tables import ActionStateHistoryRow, LinkRow
from syncsvc.models.sync_records import bug_key, change_key
from syncsvc.models.sync_store import artifact_states, get_bug, get_change, history_since
from syncsvc.models.sync_tables import BugTaskRow, ChangeRow, SyncStateRow
from syncsvc.reconcile.state import branch_states


@dataclass(frozen=True, slots=True)
class StatusInputs:
    """The stored facts a status report is built from."""

    actions: list[StoredAction]
    links: list[Link]
    states: dict[int, tuple[str, str]]
    previous: dict[int, str | None]
    history: list[HistoryEvent]
    new_links: set[tuple[int, str, str]]


def status_inputs(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    owner: str | None = None,
    topic: str | None = None,
) -> StatusInputs:
    """Actions, their links, states now and at ``since``, history and new links.

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
    history += _remote_transitions(session, since, until, history)
    return StatusInputs(
        actions, load_links(session), states, _states_at(session, since), history, new_links
    )


def _remote_transitions(
    session: Session, since: datetime, until: datetime, seen: list[HistoryEvent]
) -> list[HistoryEvent]:
    """Status changes the remote dates put in the window but no sync observed.

    A change merged before the first sync is stored already MERGED: Gerrit's
    ``submitted`` still says when. Likewise a bug task's ``date_in_progress``,
    ``date_fix_committed`` and ``date_fix_released``.
    """
    known = {(e.key, e.new_value) for e in seen if e.field == "status"}
    found: list[HistoryEvent] = []
    closed = select(ChangeRow).where(
        ChangeRow.status.in_([ChangeStatus.MERGED, ChangeStatus.ABANDONED]),
        ChangeRow.updated >= since,
    )
    for change in session.scalars(closed):
        closed_at = change.submitted or change.updated
        key = change_key(change.number)
        if since <= closed_at <= until and (key, str(change.status)) not in known:
            found.append(HistoryEvent(key, "status", str(change.status), closed_at))
    for task in session.scalars(select(BugTaskRow)):
        key = bug_key(task.bug_id, task.target)
        for status, reached in (
            ("In Progress", task.date_in_progress),
            ("Fix Committed", task.date_fix_committed),
            ("Fix Released", task.date_fix_released),
        ):
            if reached is not None and since <= reached <= until and (key, status) not in known:
                found.append(HistoryEvent(key, "status", status, reached))
    return found


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
    wanted = {k for k in keys if k.partition(":")[0] in {"bug", "change"} and _numeric(k)}
    progress = {i: str(c.state) for i, c in current_states(session, ids).items()}
    return LinkView(links, artifact_states(session, wanted), progress)


def _numeric(key: str) -> bool:
    return key.partition(":")[2].isdigit()


def action_branches(
    session: Session,
    action: StoredAction,
    links: list[Link],
    *,
    now: datetime,
    stall_days: int,
    projects: Sequence[str] = (),
) -> tuple[tuple[str, str, str], ...]:
    """(branch, state, reason): the main line first, then each linked backport branch;
    bugs are judged by the tasks of ``projects`` when they have any."""
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
    rows = branch_states(
        action, links, changes, bugs, now=now, stall_days=stall_days, projects=projects
    )
    return tuple((branch, str(state), reason) for branch, state, reason in rows)
