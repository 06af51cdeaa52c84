"""benchmarks/probe_linking.py and the hooks it uses in tests/linking_runs.py: a feature read
from a commitment's whole ranking, measured without changing the reconciler (issue 13)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))
sys.path.insert(0, str(TESTS.parent / "benchmarks"))

import linking_runs  # noqa: E402
import probe_linking  # noqa: E402
from linking_set import history_available, load  # noqa: E402

from syncsvc.domain import LinkKind  # noqa: E402
from syncsvc.reconcile.candidates import CandidatePool  # noqa: E402
from syncsvc.reconcile.evidence import Candidate  # noqa: E402
from syncsvc.testing.reconcile_baseline import EVENT_START, generate  # noqa: E402


def _cand(ident: str, score: float) -> Candidate:
    return Candidate(LinkKind.CHANGE, ident, score, "", (0.0,) * 6)


class TestRescored:
    def test_scores_are_replaced_and_ranked_inside_the_block_only(self) -> None:
        """rescored re-ranks every action's candidates by the new scores, cuts at the limit,
        and puts the pool's own scorer back on exit."""
        data = generate(5, 200, seed=7)
        pool = CandidatePool(data.changes, data.bugs, data.identities, data.team_projects)
        action = next(a for a in data.actions if len(pool.score(a, EVENT_START)) >= 3)
        before = pool.score(action, EVENT_START)
        n = len(before)
        with linking_runs.rescored(lambda _p, _a, found: [(i + 1) / n for i in range(len(found))]):
            inside = pool.score(action, EVENT_START, limit=2)
        assert [c.id for c in inside] == [before[-1].id, before[-2].id]
        assert [c.score for c in inside] == [1.0, (n - 1) / n]
        assert pool.score(action, EVENT_START) == before

    def test_records_give_a_candidates_words(self) -> None:
        """Records names a candidate's change by its number and gives the words it is
        matched on, with its body's other words when asked."""
        data = generate(5, 200, seed=7)
        pool = CandidatePool(data.changes, data.bugs, data.identities, data.team_projects)
        change = data.changes[0]
        found = Candidate(LinkKind.CHANGE, str(change.number), 0.5, "", ())
        records = linking_runs.Records(pool)
        mine = linking_runs.change_words(change)
        assert records.words(found) == mine
        assert records.words(found, body=True) == mine | linking_runs.body_words(change, mine)


class TestFeatures:
    def test_first_and_margin_mark_the_first_record_only(self) -> None:
        """first is 1 for the first record; margin is its logit over the second's, capped."""
        found = (_cand("1", 0.5), _cand("2", 0.25), _cand("3", 0.1))
        ctx = None
        assert probe_linking.first(ctx, found) == [1.0, 0.0, 0.0]  # type: ignore[arg-type]
        values = probe_linking.margin(ctx, found)  # type: ignore[arg-type]
        assert values[0] == pytest.approx(1.0986, abs=1e-4)
        assert values[1:] == [0.0, 0.0]
        assert probe_linking.margin(ctx, (_cand("1", 0.999), _cand("2", 0.001)))[0] == 5.0  # type: ignore[arg-type]

    def test_prf_scores_a_top_record_on_the_others_words(self) -> None:
        """A record among the best three is scored on the expansion of the other two, not
        its own words; the others on the expansion of all three."""
        words = {"1": {"alpha", "beta"}, "2": {"alpha", "gamma"}, "3": {"delta"}, "4": {"beta"}}

        class Pool:
            def weight(self, word: str) -> float:
                return 2.0

        class Records:
            def words(self, found: Candidate) -> frozenset[str]:
                return frozenset(words[found.id])

        ctx = probe_linking.Context(Pool(), Records(), {"query": 4.0}, probe_linking.Cooccurrence())  # type: ignore[arg-type]
        found = tuple(_cand(i, s) for i, s in (("1", 0.5), ("2", 0.3), ("3", 0.2), ("4", 0.1)))
        values = probe_linking.prf(ctx, found)
        # record 1 against 2 and 3 (alpha 0.6 x 2, gamma 1.2, delta 0.8): alpha
        assert values[0] == pytest.approx(1.2 / 4.0)
        # record 4 against all three: beta 0.5 x 2 = 1.0
        assert values[3] == pytest.approx(1.0 / 4.0)
        # record 3 against 1 and 2: delta is nowhere else
        assert values[2] == 0.0

    def test_npmi_needs_two_changes_together(self) -> None:
        """The co-occurrence's normalised PMI is 0 under two changes together, 1 for two
        words always seen together."""
        cooc = probe_linking.Cooccurrence(changes=10)
        cooc.single.update({"a": 2, "b": 2, "c": 1, "d": 5})
        cooc.pairs.update({("a", "b"): 2, ("c", "d"): 1})
        assert cooc.npmi("b", "a") == pytest.approx(1.0)
        assert cooc.npmi("c", "d") == 0.0


@pytest.mark.skipif(not history_available(), reason="the linking history is not available")
def test_the_probe_reads_tuning_commitments_only() -> None:
    """A probe's examples and end-to-end runs are tuning commitments' alone, and with no
    feature it reproduces the shipped model's tuning figures."""
    data = load()
    probe = probe_linking.Probe(data, linking_runs.build_runs(data), None)
    assert not probe.tuning.keys() & data.held_back
    x, y, teams = probe.examples()
    assert x.shape == (7304, 6)
    assert int(y.sum()) == 126
    assert set(teams.tolist()) == {"cinder", "glance", "manila"}
    found = probe.end_to_end(linking_runs.shipped_weights(), probe.tuning, 0.5)
    assert (found.suggestions, found.right, found.found) == (121, 111, 110)
