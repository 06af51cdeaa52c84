"""Relink: run the pure reconciler over stored data, apply its plan, record states.

``relink`` is what `syncsvc sync` does after fetching and what `syncsvc link
refresh` does on its own. It reaches storage only through :class:`LinkStore`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Protocol

from syncsvc.domain import Bug, BugMessage, Change, StoredAction
from syncsvc.linking import Identity, Link
from syncsvc.reconcile import Assessment, Plan, TopicRefs, assess, diff


class LinkStore(Protocol):
    """The stored data the reconciler reads and the writes it makes (one transaction)."""

    def actions(self) -> Sequence[StoredAction]:
        """Current (not removed) actions."""
        ...

    def topic_refs(self) -> TopicRefs:
        """(event id, topic title) → refs written in that topic's discussion."""
        ...

    def changes(self) -> Sequence[Change]:
        """Every stored Gerrit change."""
        ...

    def bugs(self) -> Sequence[Bug]:
        """Every stored Launchpad bug with its tasks."""
        ...

    def messages(self) -> Sequence[BugMessage]:
        """Stored bug comments carrying link evidence (may be empty)."""
        ...

    def identities(self) -> Sequence[Identity]:
        """Known people: nick ↔ Gerrit ↔ Launchpad."""
        ...

    def links(self) -> Sequence[Link]:
        """Every stored link, including manual decisions."""
        ...

    def event_start(self) -> date | None:
        """The first day of the earliest event (candidates must be newer)."""
        ...

    def apply(self, plan: Plan, *, now: datetime) -> tuple[int, int]:
        """Write the plan's additions and updates; return (added, updated). Never
        overrides manual decisions."""
        ...

    def record_states(
        self,
        states: Mapping[int, Assessment],
        *,
        now: datetime,
        committed: Mapping[int, datetime],
    ) -> int:
        """Append a transition for each action whose state differs from its latest
        recorded one, from the time its evidence gives; an action seen for the first
        time starts not started at its ``committed`` time. Return how many rows
        were appended."""
        ...


@dataclass(frozen=True, slots=True)
class RelinkReport:
    """What a relink did."""

    added: int
    updated: int
    unchanged: int
    transitions: int
    reasons: tuple[str, ...] = ()


def relink(
    store: LinkStore,
    *,
    team_projects: Sequence[str],
    now: datetime,
    threshold: float = 0.5,
    stall_days: int = 21,
    dry_run: bool = False,
) -> RelinkReport:
    """Recompute links and commitment states from stored data.

    Idempotent: a second run with no new data adds, updates and records nothing.
    With ``dry_run`` nothing is written (the counts say what would be).
    """
    actions = store.actions()
    changes, bugs = store.changes(), store.bugs()
    plan = diff(
        actions,
        changes,
        bugs,
        store.messages(),
        store.identities(),
        store.links(),
        team_projects=team_projects,
        event_start=store.event_start(),
        threshold=threshold,
        topic_refs=store.topic_refs(),
    )
    if dry_run:
        return RelinkReport(len(plan.add), len(plan.update), len(plan.unchanged), 0, plan.reasons)
    added, updated = store.apply(plan, now=now)
    links = store.links()
    by_number = {c.number: c for c in changes}
    by_id = {b.bug_id: b for b in bugs}
    states = {
        action.id: assess(action, links, by_number, by_id, now=now, stall_days=stall_days)
        for action in actions
    }
    # A commitment is made on its day at the event: not started from then on.
    committed = {a.id: datetime.combine(a.day, time(), UTC) for a in actions if a.day}
    transitions = store.record_states(states, now=now, committed=committed)
    return RelinkReport(added, updated, len(plan.unchanged), transitions, plan.reasons)
