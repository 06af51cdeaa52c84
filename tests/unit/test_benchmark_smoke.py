"""benchmarks/bench_sync.py runs end to end on a tiny data set (request counts, no timing)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_sync.py"


def load_benchmark(monkeypatch):
    """Import the benchmark script as a module (it is not part of the package)."""
    spec = importlib.util.spec_from_file_location("bench_sync", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_sync", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


class TestBenchmarkSmoke:
    """The benchmark's three scenarios run against the fakes and count requests."""

    def test_tiny_run(self, tmp_path, monkeypatch) -> None:
        """syncsvc makes fewer requests than the naive script in every scenario."""
        bench = load_benchmark(monkeypatch)
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
