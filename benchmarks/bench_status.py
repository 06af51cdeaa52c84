"""Benchmark: `syncsvc status`, `actions`, `--help` and tab completion as whole processes.

Each command runs as its own process against a SAMPLE SQLite database of 10,000
commitments and about 113,000 history rows, round-robin with the import floor
``python -c "import typer, sqlalchemy.orm, rich.table"`` in the same run, so the
ratios compare like with like on a busy machine.

    .venv/bin/python benchmarks/bench_status.py                      # 10k commitments, 10 runs
    .venv/bin/python benchmarks/bench_status.py --runs 20 --json status.json
    .venv/bin/python benchmarks/bench_status.py --small              # smoke run, seconds

The database is built once with the project's storage API and cached in
``--cache`` (default: .bench-cache next to this script). See benchmarks/README.md.
The data set, the timing and the table live in syncsvc.testing.status_bench,
which tests/benchmarks/test_status_bench.py runs in the small mode.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from syncsvc.testing.status_bench import (
    FULL,
    SINCE,
    SMALL,
    as_json,
    cached_database,
    format_table,
    measure,
)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, build or reuse the database, time every process, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs per process (10)")
    parser.add_argument("--small", action="store_true", help="tiny database, 1 run: a smoke test")
    parser.add_argument("--json", type=Path, help="also write the measurements to this file")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(__file__).resolve().parent / ".bench-cache",
        help="folder of the cached database (default: benchmarks/.bench-cache)",
    )
    args = parser.parse_args(argv)
    size, runs = (SMALL, 1) if args.small else (FULL, args.runs)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) if args.small else args.cache
        database, counts = cached_database(folder, size)
        rows = measure(database, runs)
    shown = ", ".join(f"{n:,} {what}" for what, n in counts.items())
    print(f"SAMPLE data: {shown}; status --since {SINCE}; {runs} runs each\n")
    print(format_table(rows))
    if args.json is not None:
        args.json.write_text(as_json(rows, counts, runs) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
