"""Commitment-state transitions: which history rows an assessment adds, and when they hold.

A pure function over the assessments and each action's latest recorded state;
the storage loads the latest states and appends the rows
(:mod:`syncsvc.models.link_store`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from syncsvc.domain import Assessment, CommitmentState, CurrentState, Transition

NOT_STARTED = CommitmentState.NOT_STARTED
COMMITTED_REASON = "committed at the event; no linked work known yet"


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return value


def plan_transitions(
    states: Mapping[int, Assessment],
    latest: Mapping[int, CurrentState],
    *,
    now: datetime,
    committed: Mapping[int, datetime] | None = None,
) -> list[Transition]:
    """The history rows to append for each action (id → assessment) whose state differs
    from its ``latest`` recorded one, by action id.

    A row holds from the assessment's ``since`` (``now`` when it has none), clamped
    between the previous row's time and ``now`` so that history stays in order.
    An action seen for the first time (not in ``latest``) gets a not-started row
    at its ``committed`` time (when the commitment was made, if given, and not
    after ``now``) first, so its first movement has a previous state.
    """
    now = _aware(now, "now")
    planned: list[Transition] = []
    for action_id in sorted(states):
        assessed = states[action_id]
        state = CommitmentState(assessed.state)
        current = latest.get(action_id)
        previous, after = (current.state, current.since) if current is not None else (None, None)
        made = (committed or {}).get(action_id)
        if current is None and made is not None:
            made = min(_aware(made, "committed"), now)
            reason = COMMITTED_REASON if state is not NOT_STARTED else assessed.reason
            planned.append(Transition(action_id, NOT_STARTED, None, reason, made))
            previous, after = NOT_STARTED, made
        if previous == state:
            continue
        at = now if assessed.since is None else _aware(assessed.since, "since")
        at = min(at if after is None else max(at, after), now)
        planned.append(Transition(action_id, state, previous, assessed.reason, at))
    return planned
