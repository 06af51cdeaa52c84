"""Benchmark: the relink after a sync, full against incremental, on a synthetic database.

A full relink (`syncsvc link refresh --full`) judges every commitment; the
incremental one a sync runs judges only those whose records changed and those
the clock may move. Three runs on the same database: full, a no-change cron run,
and 1% of the changes and bugs moved (next to a full relink of that data, whose
links and states must equal the incremental result).

    .venv/bin/python benchmarks/bench_relink.py         # 10k commitments, ~100k history rows
    .venv/bin/python benchmarks/bench_relink.py --size 1000x2000 --rounds 2
    .venv/bin/python benchmarks/bench_relink.py --db postgresql+psycopg://postgres@host/bench

All SAMPLE data (see tests/benchmarks/relink_baseline.py); ``--db`` must name an
empty database, by default a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

# The runs live beside their smoke test (tests/benchmarks), the data set in tests/.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "benchmarks"))
from relink_baseline import as_json, format_table, run_benchmark, sizes


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, run the benchmark, print the table (and JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=sizes, default=(10_000, 20_000),
                        help="commitments x changes (10000x20000)")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=4,
                        help="new patch sets per change, for history rows (4)")  # fmt: skip
    parser.add_argument("--share", type=float, default=0.01, help="share of records moved (0.01)")
    parser.add_argument("--db", help="an empty database URL (default: a temporary SQLite file)")
    parser.add_argument("--json", action="store_true", help="print JSON after the table")
    args = parser.parse_args(argv)
    commitments, changes = args.size
    with tempfile.TemporaryDirectory() as scratch:
        url = args.db or f"sqlite:///{Path(scratch) / 'relink.sqlite'}"
        result = run_benchmark(
            url,
            commitments=commitments,
            changes=changes,
            rounds=args.rounds,
            share=args.share,
            progress=lambda msg: print(f"… {msg}", file=sys.stderr),
        )
    print(format_table(result))
    if args.json:
        print(json.dumps(as_json(result), indent=2))
    return 0 if result.same_as_full else 1


if __name__ == "__main__":
    sys.exit(main())
