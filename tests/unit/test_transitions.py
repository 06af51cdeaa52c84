"""Commitment-state transitions: which history rows an assessment adds and their times.

Sample action ids and times; no database.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from syncsvc.domain import Assessment, CommitmentState, CurrentState, Transition
from syncsvc.reconcile.transitions import COMMITTED_REASON, plan_transitions

NOW = datetime(2020, 11, 12, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=1)
LATEST = NOW + timedelta(days=2)
NOT_STARTED, IN_PROGRESS = CommitmentState.NOT_STARTED, CommitmentState.IN_PROGRESS
STALLED, DONE = CommitmentState.STALLED, CommitmentState.DONE


class TestPlanTransitions:
    def test_only_what_moved(self):
        """Unchanged states add nothing; a moved or unseen action adds one row, by id."""
        states = {
            3: Assessment(NOT_STARTED, "none"),
            1: Assessment(NOT_STARTED, "no linked work"),
            2: Assessment(DONE, "merged"),
        }
        latest = {1: CurrentState(NOT_STARTED, NOW), 2: CurrentState(STALLED, NOW)}
        assert plan_transitions(states, latest, now=LATER) == [
            Transition(2, DONE, STALLED, "merged", LATER),
            Transition(3, NOT_STARTED, None, "none", LATER),
        ]

    def test_first_sight_starts_not_started_when_committed(self):
        """An action first seen done gets a not-started row at its commitment time first."""
        day = datetime(2020, 10, 26, tzinfo=UTC)
        merged = datetime(2020, 11, 10, tzinfo=UTC)
        states = {
            1: Assessment(DONE, "all linked work complete: change 1 MERGED", merged),
            2: Assessment(NOT_STARTED, "no linked work"),
        }
        assert plan_transitions(states, {}, now=LATEST, committed={1: day, 2: day}) == [
            Transition(1, NOT_STARTED, None, COMMITTED_REASON, day),
            Transition(1, DONE, NOT_STARTED, states[1].reason, merged),
            Transition(2, NOT_STARTED, None, "no linked work", day),
        ]

    def test_a_commitment_in_the_future_is_clamped_to_now(self):
        """A commitment time after now becomes now."""
        states = {1: Assessment(NOT_STARTED, "no linked work")}
        assert plan_transitions(states, {}, now=NOW, committed={1: LATER}) == [
            Transition(1, NOT_STARTED, None, "no linked work", NOW)
        ]

    @pytest.mark.parametrize(
        ("since", "expected"),
        [
            pytest.param(NOW, LATER, id="before-the-previous-row"),
            pytest.param(LATEST + timedelta(days=1), LATEST, id="after-now"),
            pytest.param(LATER + timedelta(hours=3), LATER + timedelta(hours=3), id="in-between"),
            pytest.param(None, LATEST, id="no-date"),
        ],
    )
    def test_evidence_times_stay_in_order(self, since, expected):
        """A state's time is its evidence's, kept between the previous row and now."""
        states = {1: Assessment(DONE, "merged", since)}
        latest = {1: CurrentState(IN_PROGRESS, LATER)}
        assert plan_transitions(states, latest, now=LATEST) == [
            Transition(1, DONE, IN_PROGRESS, "merged", expected)
        ]

    def test_naive_times_are_refused(self):
        """A naive ``now`` or evidence time raises ValueError."""
        states = {1: Assessment(DONE, "merged", datetime(2020, 11, 10))}  # noqa: DTZ001
        with pytest.raises(ValueError, match="since must be timezone-aware"):
            plan_transitions(states, {}, now=NOW)
        with pytest.raises(ValueError, match="now must be timezone-aware"):
            plan_transitions({}, {}, now=datetime(2020, 11, 10))  # noqa: DTZ001
