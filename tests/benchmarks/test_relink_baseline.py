"""The relink benchmark end to end on a tiny data set (rows and counts, no timing).

benchmarks/bench_relink.py prints what relink_baseline (beside this test) measures.
"""

from __future__ import annotations

import relink_baseline as bench


class TestRelinkBenchmarkSmoke:
    """The benchmark's runs on 60 commitments and 120 changes."""

    def test_tiny_run(self, tmp_path) -> None:
        """The full run judges every commitment, the no-change run none, the 1% run a few;
        a full relink afterwards finds nothing left to do."""
        result = bench.run_benchmark(
            f"sqlite:///{tmp_path / 'relink.sqlite'}", commitments=60, changes=120, rounds=2
        )
        assert (result.commitments, result.changes, result.moved) == (60, 120, 2)
        assert result.history_rows >= 3 * 120
        full, idle, some, again = result.rows
        assert (full.covered, full.transitions) == (60, 60)
        assert full.added > 0
        assert (idle.covered, idle.added, idle.updated, idle.transitions) == (0, 0, 0, 0)
        assert some.covered is not None
        assert some.covered < 60
        assert (again.covered, again.has_changes) == (60, False)
        assert result.same_as_full
        table = bench.format_table(result).splitlines()
        assert table[-1] == "a full relink after the incremental ones changes nothing: yes"
        assert [r["judged"] for r in bench.as_json(result)["runs"]] == [60, 0, some.covered, 60]
