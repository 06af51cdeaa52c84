"""The sync benchmark end to end on a tiny data set (request counts, no timing).

benchmarks/bench_sync.py prints what sync_baseline (beside this test) measures.
"""

from __future__ import annotations

import sync_baseline as bench


class TestBenchmarkSmoke:
    """The benchmark's three scenarios run against the fakes and count requests."""

    def test_tiny_run(self, tmp_path) -> None:
        """syncsvc makes fewer requests than the naive script in every scenario."""
        data, rows = bench.run_benchmark(tmp_path, tasks=6, changes=8)
        assert (len(data.referenced_bugs), len(data.referenced_changes)) == (1, 1)
        assert [r.scenario for r in rows] == [
            "first sync (cold cache)",
            "re-sync, nothing changed",
            "re-sync after sample movement",
        ]
        # Launchpad: login, 1 bug + its tasks, 3 searches; Gerrit: referenced + one poll page.
        assert [(r.ours.launchpad, r.ours.gerrit) for r in rows] == [(7, 2), (3, 1), (3, 1)]
        assert all(r.request_ratio > 1 for r in rows)
        table = bench.format_table(rows).splitlines()
        assert len(table) == 5
        assert table[2].startswith("| first sync (cold cache) | ")
