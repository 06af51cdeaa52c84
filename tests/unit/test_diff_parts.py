"""The plan a batch of commitments at a time: the parts make :func:`diff`'s plan (issue 14)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from test_groups import CHANGES, EFFORT, JSON_POLICY, PROPOSE, TOPIC
from test_reconcile import EVENT_DAY, IDENTITIES, TEAM, action, run

from syncsvc.domain import Link, Plan, StoredAction
from syncsvc.reconcile.diff import PlanPart, batches, diff_parts
from syncsvc.reconcile.footers import collect_edges
from syncsvc.testing.reconcile_baseline import EVENT_START, generate

# Actions of other topics around the topic whose action 11 points back at it.
OTHERS = [action(n, f"fix secure rbac for the {n} api", topic=f"topic {n}") for n in range(1, 10)]
LATER = [action(n, "write the rbac release note", topic="Release notes") for n in range(13, 16)]


def parts_of(
    actions: Sequence[StoredAction], size: int | None, existing: Sequence[Link] = ()
) -> list[PlanPart]:
    """``diff_parts`` with the settings ``run`` gives ``diff``."""
    return list(
        diff_parts(
            actions,
            CHANGES,
            (),
            collect_edges(CHANGES, ()),
            IDENTITIES,
            lambda ids: [v for v in existing if v.action_id in ids],
            team_projects=TEAM,
            event_start=EVENT_DAY,
            size=size,
        )
    )


def joined(parts: Sequence[PlanPart]) -> tuple[object, ...]:
    """The parts' links by bucket and their reasons in ``diff``'s order."""
    return (
        tuple(v for p, _ in parts for v in p.add),
        tuple(v for p, _ in parts for v in p.update),
        tuple(v for p, _ in parts for v in p.unchanged),
        tuple(v for p, _ in parts for v in p.stale),
        (*(r for _, noted in parts for r in noted), *(r for p, _ in parts for r in p.reasons)),
    )


def plan_of(plan: Plan) -> tuple[object, ...]:
    """A plan's links by bucket and its reasons, as ``joined`` gives them."""
    return (plan.add, plan.update, plan.unchanged, plan.stale, plan.reasons)


class TestBatches:
    def test_runs_are_by_id_and_never_cut_a_topic_that_is_pointed_back_at(self) -> None:
        """Runs of two in id order, except that the topic of action 11 ('this effort') stays
        whole: its actions 10 to 12 take each other's groups."""
        actions = [*LATER, JSON_POLICY, EFFORT, PROPOSE, *OTHERS]
        runs = [[a.id for a in run] for run in batches(actions, 2)]
        assert runs == [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10, 11, 12], [13, 14], [15]]
        assert {a.topic for a in actions if a.id in (10, 11, 12)} == {TOPIC}

    def test_no_size_is_one_run_and_no_actions_one_empty_run(self) -> None:
        """``None`` keeps every action in one run; no actions still give one (empty) run."""
        assert [[a.id for a in run] for run in batches([EFFORT, PROPOSE], None)] == [[10, 11]]
        assert batches([], 2) == [[]]


class TestParts:
    @pytest.mark.parametrize("size", [1, 2, 5, None])
    def test_parts_join_into_the_plan_of_one_diff(self, size: int | None) -> None:
        """Whatever the batch size, the parts' links and reasons, joined, are diff's plan,
        the group action 11 takes from its siblings included."""
        actions = [*OTHERS, PROPOSE, EFFORT, JSON_POLICY, *LATER]
        plan = run(actions, CHANGES)
        parts = parts_of(actions, size)
        assert joined(parts) == plan_of(plan)
        assert {v.action_id for v in plan.add} >= {10, 11}
        assert [p.edges for p, _ in parts] == [()] * len(parts)

    def test_stored_links_are_read_per_batch(self) -> None:
        """Over the first run's links stored, each part judges its own actions' stored links
        (kept or stale) as one diff does."""
        actions = [*OTHERS, PROPOSE, EFFORT, JSON_POLICY]
        stored = list(run(actions, CHANGES).add)
        parts = parts_of(actions, 3, existing=stored)
        assert joined(parts) == plan_of(run(actions, CHANGES, existing=stored))
        judged = [(p.unchanged, p.stale) for p, _ in parts]
        assert {v for kept, stale in judged for v in (*kept, *stale)} == set(stored)
        ids = [{a.id for a in run} for run in batches(actions, 3)]
        assert all(
            {v.action_id for v in (*kept, *stale)} <= mine
            for (kept, stale), mine in zip(judged, ids, strict=True)
        )

    def test_generated_data_in_parts_gives_the_same_plan(self) -> None:
        """Over the benchmark generator's data (200 commitments, 2,000 changes), parts of 17
        commitments give diff's links and reasons."""
        data = generate(200, 2000)
        settings = {"team_projects": data.team_projects, "event_start": EVENT_START}
        edges = collect_edges(data.changes, ())
        whole = diff_parts(
            data.actions, data.changes, data.bugs, edges, data.identities, lambda _: (),
            size=None, **settings,
        )  # fmt: skip
        parts = diff_parts(
            data.actions, data.changes, data.bugs, edges, data.identities, lambda _: (),
            size=17, **settings,
        )  # fmt: skip
        one, many = list(whole), list(parts)
        assert len(one) == 1
        assert len(many) >= 200 // 17
        assert joined(many) == joined(one)
        assert len(one[0].plan.add) > 50
