"""Relink: run the pure reconciler over stored data, apply its plan, record states.

``relink`` is what `syncsvc sync` does after fetching and what `syncsvc link
refresh` does on its own. It reaches storage only through :class:`LinkStore`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from syncsvc.config import STALL_DAYS, SUGGEST_THRESHOLD
from syncsvc.domain import Plan
from syncsvc.reconcile.diff import diff
from syncsvc.reconcile.identities import learn_identities as learn
from syncsvc.reconcile.state import assess
from syncsvc.reconcile.transitions import plan_transitions
from syncsvc.sync.ports import IdentityStore, LinkStore


@dataclass(frozen=True, slots=True)
class RelinkReport:
    """What a relink did (or, with ``dry_run``, would do: ``plan`` holds the links)."""

    added: int
    updated: int
    unchanged: int
    transitions: int
    reasons: tuple[str, ...] = ()
    dry_run: bool = False
    plan: Plan = field(default_factory=Plan)

    @property
    def has_changes(self) -> bool:
        """Whether the relink wrote (or would write) any link or state transition."""
        return self.plan.has_changes or bool(self.transitions)


def relink(
    store: LinkStore,
    *,
    team_projects: Sequence[str],
    now: datetime,
    threshold: float = SUGGEST_THRESHOLD,
    stall_days: int = STALL_DAYS,
    dry_run: bool = False,
) -> RelinkReport:
    """Recompute links and commitment states from stored data.

    Idempotent: a second run with no new data adds, updates and records nothing.
    Commitments are judged by the bug tasks of ``team_projects`` when a bug has
    any (another project's open task does not keep them in progress). With
    ``dry_run`` nothing is written: the counts and ``plan`` say what would be.
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
        counts = (len(plan.add), len(plan.update), len(plan.unchanged), 0)
        return RelinkReport(*counts, plan.reasons, dry_run=True, plan=plan)
    added, updated = store.apply(plan, now=now)
    links = store.links()
    by_number = {c.number: c for c in changes}
    by_id = {b.bug_id: b for b in bugs}
    states = {
        action.id: assess(
            action, links, by_number, by_id, now=now, stall_days=stall_days, projects=team_projects
        )
        for action in actions
    }
    # A commitment is made on its day at the event: not started from then on.
    committed = {a.id: datetime.combine(a.day, time(), UTC) for a in actions if a.day}
    planned = plan_transitions(states, store.current_states(states), now=now, committed=committed)
    transitions = store.append_transitions(planned, now=now)
    return RelinkReport(added, updated, len(plan.unchanged), transitions, plan.reasons, plan=plan)


def learn_identities(store: IdentityStore, *, now: datetime) -> int:
    """Learn nick ↔ Gerrit identities from change owners and the people of summaries
    (see :func:`syncsvc.reconcile.identities.learn_identities`); return how many
    were stored."""
    people = store.people()
    names = {nick: name for nick, name in people.items() if name}
    owners = [change.owner for change in store.changes()]
    learned = learn(owners, people, names, store.stored_identities(), now=now)
    return store.add_identities(learned)
