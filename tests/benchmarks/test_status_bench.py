"""The status and startup benchmark in its small mode: rows and data, never ratios.

benchmarks/bench_status.py prints what syncsvc.testing.status_bench measures.
"""

from __future__ import annotations

import json

from syncsvc.testing import status_bench as bench


class TestBenchStatusSmoke:
    """A tiny database and one run of every process."""

    def test_small_run(self, tmp_path) -> None:
        """The smoke run builds the data, times each process and tabulates them in order."""
        database, counts = bench.cached_database(tmp_path, bench.SMALL)
        assert counts["commitments"] == bench.SMALL.commitments == 30
        assert counts["artifact history rows"] > counts["commitments"]
        assert bench.cached_database(tmp_path, bench.SMALL) == (database, counts)  # reused
        rows = bench.measure(database, runs=1)
        names = ["floor", "--help", "completion", "status", "status --format json", "actions"]
        assert [r.name for r in rows] == names
        assert all(len(r.seconds) == 1 and r.p50 == r.p95 > 0 for r in rows)
        by_name = {r.name: r for r in rows}
        assert by_name["floor"].output_bytes == 0
        assert by_name["status --format json"].output_bytes > by_name["status"].output_bytes
        table = bench.format_table(rows).splitlines()
        assert [line.split(" | ")[0] for line in table[2:]] == [f"| {n}" for n in names]
        assert table[2].split(" | ")[3] == "1.00x"
        data = json.loads(bench.as_json(rows, counts, 1))
        assert [r["name"] for r in data["rows"]] == names
        assert data["data"] == counts
