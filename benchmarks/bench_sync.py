"""Time `syncsvc sync` against a naive and a competent stateless script, in one run.

All three talk to the same local fake Launchpad and Gerrit (the bundled SAMPLE data
plus a synthetic data set built with the fakes' builders), which wait
``--latency-ms`` (default 50) before every answer and count every request. Four
scenarios, each run by all three: a first sync of a fresh database, a re-sync
when nothing changed, a re-sync after
:func:`syncsvc.testing.demo_servers.apply_sample_movement`, and a re-sync after
1% of the synthetic records moved. ``--rss`` also measures the peak RSS of a
whole `syncsvc sync` process at the given sizes (tests/benchmarks/sync_rss.py).

    .venv/bin/python benchmarks/bench_sync.py              # 300 bug tasks, 500 changes
    .venv/bin/python benchmarks/bench_sync.py --tasks 1000 --changes 2000 --latency-ms 20
    .venv/bin/python benchmarks/bench_sync.py --db postgresql+psycopg://localhost/bench
    .venv/bin/python benchmarks/bench_sync.py --rss 2000x20000,4000x40000

See benchmarks/README.md for what the numbers mean. The scenarios, the three
contenders and the table live in tests/benchmarks/sync_baseline.py, which
tests/benchmarks/test_sync_baseline.py runs once on a tiny data set; this
script is only the command line.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

# The contenders live beside their smoke test (tests/benchmarks), which runs them on a
# tiny data set; they drive the command line, so they are not part of the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "benchmarks"))
from sync_baseline import format_table, run_benchmark
from sync_rss import floor_mb, format_rss, measure_rss


def _sizes(text: str) -> list[tuple[int, int]]:
    pairs = [part.split("x") for part in text.split(",") if part]
    return [(int(tasks), int(changes)) for tasks, changes in pairs]


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, run, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=300, help="synthetic bug tasks (300)")
    parser.add_argument("--changes", type=int, default=500, help="synthetic changes (500)")
    parser.add_argument("--db", help="an EMPTY database URL (default: a temporary SQLite file)")
    parser.add_argument(
        "--latency-ms", type=float, default=50.0, help="wait before every answer (50)"
    )
    parser.add_argument(
        "--rss",
        type=_sizes,
        default=[],
        metavar="TASKSxCHANGES,...",
        help="also measure a whole sync process's peak RSS at these sizes (ascending)",
    )
    parser.add_argument("--rss-only", action="store_true", help="skip the scenarios")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="syncsvc-bench-") as scratch:
        if args.rss:
            floor = floor_mb()
            measured = [measure_rss(Path(scratch), tasks=t, changes=c) for t, c in args.rss]
            print(format_rss(floor, measured) + "\n")
        if args.rss_only:
            return 0
        data, rows = run_benchmark(
            Path(scratch),
            tasks=args.tasks,
            changes=args.changes,
            db_url=args.db,
            latency_ms=args.latency_ms,
        )
    print(
        f"latency {args.latency_ms:g} ms per request; "
        f"data set (SAMPLE): {data.bug_tasks} bug tasks, {data.changes} changes; "
        f"referenced: {len(data.referenced_bugs)} bugs, {len(data.referenced_changes)} changes\n"
    )
    print(format_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
