"""The reconciler benchmark's core on a tiny data set (same plans, no timing).

benchmarks/bench_reconcile.py prints what syncsvc.testing.reconcile_baseline measures.
"""

from __future__ import annotations

from dataclasses import replace

from syncsvc.reconcile.candidates import CandidatePool
from syncsvc.testing import reconcile_baseline as bench


class TestBenchReconcileSmoke:
    """The indexed reconciler agrees with the all-pairs baseline on synthetic data."""

    def test_indexed_and_naive_plans_agree(self) -> None:
        """diff with indexes and diff with the all-pairs scan give the same plan."""
        data = bench.generate(60, 400, seed=7)
        indexed = bench.run_diff(data, data.actions, naive=False)
        naive = bench.run_diff(data, data.actions, naive=True)
        assert indexed.plan == naive.plan
        assert indexed.plan.add
        assert 0 < indexed.pairs < naive.pairs

    def test_pool_ranking_matches_the_scan(self) -> None:
        """The indexed pool ranks every action's candidates exactly as the scan does."""
        for seed in (1, 2):
            data = bench.generate(40, 300, seed=seed)
            args = (data.changes, data.bugs, data.identities, data.team_projects)
            pool, scan = CandidatePool(*args), bench.NaivePool(*args)
            for action in data.actions:
                expected = scan.score(action, bench.EVENT_START)
                assert pool.score(action, bench.EVENT_START) == expected
                assert pool.score(action, bench.EVENT_START, limit=3) == expected[:3]

    def test_pool_ranking_matches_the_scan_with_bodies(self) -> None:
        """With commit bodies (every third change's holds another action's words), the
        indexed pool still ranks every action's candidates exactly as the scan does."""
        data = bench.generate(40, 300, seed=3)
        texts = [a.text.split(" will ", 1)[-1] for a in data.actions]
        changes = [
            replace(c, body=f"As agreed: {texts[n % len(texts)]}.") if n % 3 == 0 else c
            for n, c in enumerate(data.changes)
        ]
        args = (changes, data.bugs, data.identities, data.team_projects)
        pool, scan = CandidatePool(*args), bench.NaivePool(*args)
        with_body = 0
        for action in data.actions:
            expected = scan.score(action, bench.EVENT_START)
            with_body += sum("body words [" in c.evidence for c in expected)
            assert pool.score(action, bench.EVENT_START) == expected
            assert pool.score(action, bench.EVENT_START, limit=3) == expected[:3]
        assert with_body > 40

    def test_measure_and_table(self) -> None:
        """measure() checks both paths on a sample and the table has one row per size."""
        row = bench.measure(20, 200, naive_seconds=0.001, naive_max_changes=1000, seed=5)
        assert row.naive is not None
        assert row.naive_sampled >= 1
        table = bench.format_table([row]).splitlines()
        assert len(table) == 3
        assert bench.parse_sizes("1kx20k,5x7") == ((1000, 20000), (5, 7))
