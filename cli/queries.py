"""Read services of the commands: each opens one snapshot and returns records.

What only `show` and `drift` need (the wiring, the reconciler) is imported by them,
so that `status` and `actions` start light.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from syncsvc.cli.context import AppContext
from syncsvc.domain import StoredAction, StoredDecision, StoredEvent, StoredIdentity
from syncsvc.models import db, repo
from syncsvc.models.link_store import StateChange, state_history
from syncsvc.models.link_view import LinkView, link_view, linked_artifacts

if TYPE_CHECKING:
    from syncsvc.reconcile.drift import DriftItem


@dataclass(frozen=True, slots=True)
class ActionList:
    """Actions with their links, artifact states and progress."""

    actions: list[StoredAction]
    view: LinkView


@dataclass(frozen=True, slots=True)
class ActionDetail:
    """One action in full: links, judgement per branch, recorded transitions."""

    action: StoredAction
    view: LinkView
    branches: tuple[tuple[str, str, str], ...]
    transitions: list[StateChange]


def actions(
    app_ctx: AppContext,
    *,
    owner: str | None = None,
    topic: str | None = None,
    unassigned: bool = False,
) -> ActionList:
    """Current actions (filtered in SQL) with their links and states."""
    with db.read_scope(app_ctx.engine()) as session:
        found = repo.list_actions(session, owner=owner, topic=topic, unassigned=unassigned)
        return ActionList(found, link_view(session, found))


def action(app_ctx: AppContext, action_id: int) -> ActionDetail:
    """Action ``action_id`` in full; NotFoundError for an unknown id."""
    from syncsvc.cli.wiring import relink_settings
    from syncsvc.reconcile.state import action_branches

    judge = relink_settings(app_ctx.config)
    with db.read_scope(app_ctx.engine()) as session:
        found = repo.get_action(session, action_id)
        view = link_view(session, [found])
        links = view.links.get(found.id, [])
        branches = action_branches(
            found, links, *linked_artifacts(session, links), now=datetime.now(UTC),
            stall_days=judge.stall_days, projects=judge.team_projects,
        )  # fmt: skip
        return ActionDetail(found, view, branches, state_history(session, found.id))


def events(app_ctx: AppContext) -> tuple[list[StoredEvent], Counter[int]]:
    """Imported events, and how many decisions each has."""
    with db.read_scope(app_ctx.engine()) as session:
        found = repo.list_events(session)
        return found, Counter(d.event_id for d in repo.list_decisions(session))


def decisions(app_ctx: AppContext, event_id: int | None) -> list[StoredDecision]:
    """The decisions of current topics, of one event or all."""
    with db.read_scope(app_ctx.engine()) as session:
        return repo.list_decisions(session, event_id)


def people(app_ctx: AppContext) -> list[StoredIdentity]:
    """The identity map, confirmed rows first."""
    from syncsvc.models.identities import list_identities

    with db.read_scope(app_ctx.engine()) as session:
        return list_identities(session)


def drift_items(app_ctx: AppContext) -> list[DriftItem]:
    """Launchpad bug tasks whose state disagrees with Gerrit."""
    from syncsvc.models.drift import drift_changes, drift_tasks
    from syncsvc.reconcile.drift import drift

    with db.read_scope(app_ctx.engine()) as session:
        return drift(drift_changes(session), partial(drift_tasks, session))
