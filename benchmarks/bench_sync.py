"""Time `syncsvc sync` against a naive launchpadlib/python-gerritclient script, in one run.

Both talk to the same local fake Launchpad and Gerrit (the bundled SAMPLE data plus
a synthetic data set built with the fakes' builders), and every request either
makes is counted by the fakes. Three scenarios, each run by both: a first sync
of a fresh database, a re-sync when nothing changed, and a re-sync after
:func:`syncsvc.testing.demo_servers.apply_sample_movement`.

    .venv/bin/python benchmarks/bench_sync.py              # 300 bug tasks, 500 changes
    .venv/bin/python benchmarks/bench_sync.py --tasks 1000 --changes 2000
    .venv/bin/python benchmarks/bench_sync.py --db postgresql+psycopg://localhost/bench

See benchmarks/README.md for what the numbers mean. The scenarios, both
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


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, run, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=300, help="synthetic bug tasks (300)")
    parser.add_argument("--changes", type=int, default=500, help="synthetic changes (500)")
    parser.add_argument("--db", help="an EMPTY database URL (default: a temporary SQLite file)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="syncsvc-bench-") as scratch:
        data, rows = run_benchmark(
            Path(scratch), tasks=args.tasks, changes=args.changes, db_url=args.db
        )
    print(
        f"data set (SAMPLE): {data.bug_tasks} bug tasks, {data.changes} changes; "
        f"referenced: {len(data.referenced_bugs)} bugs, {len(data.referenced_changes)} changes\n"
    )
    print(format_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
