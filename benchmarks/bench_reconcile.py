"""Benchmark: the reconciler's ``diff`` on synthetic commitments and changes, indexed vs all-pairs.

``diff`` draws candidates from indexes (words → records, owner account →
changes, assignee → bugs) and follows change ↔ bug edges through a lookup
table. The naive baseline is the same ``diff`` with the all-pairs candidate
scan and the linear edge scan it used before: every commitment is scored
against every change and bug, with the identity map scanned per pair. The
baseline is far too slow for the big sizes, so it runs on an evenly spaced
sample of commitments until a time cap is reached and is extrapolated to all
of them; both paths must produce the same plan on that sample.

    .venv/bin/python benchmarks/bench_reconcile.py                   # 1kx20k, 5kx100k, 10kx200k
    .venv/bin/python benchmarks/bench_reconcile.py --sizes 500x10000 --naive-seconds 5

See benchmarks/README.md. The data set, the baseline and the table live in
syncsvc.testing.reconcile_baseline, which tests/benchmarks/test_reconcile_baseline.py
runs on a tiny data set; this script is only the command line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from syncsvc.testing.reconcile_baseline import (
    DEFAULT_SIZES,
    EVENT_START,
    NICKS,
    PROJECT_COUNT,
    TEAM_SIZE,
    format_table,
    measure,
    parse_sizes,
)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, run every size, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=DEFAULT_SIZES,
        help="commitments x changes, comma-separated (1kx20k,5kx100k,10kx200k)",
    )
    parser.add_argument(
        "--naive-seconds", type=float, default=20.0, help="time cap of the naive run (20; 0: off)"
    )
    parser.add_argument(
        "--naive-max-changes",
        type=int,
        default=100_000,
        help="run the naive baseline only up to this many changes (100000)",
    )
    parser.add_argument("--seed", type=int, default=2021, help="random seed (2021)")
    args = parser.parse_args(argv)
    rows = []
    for commitments, changes in args.sizes:
        row = measure(
            commitments,
            changes,
            naive_seconds=args.naive_seconds,
            naive_max_changes=args.naive_max_changes,
            seed=args.seed,
        )
        rows.append(row)
        print(f"measured {commitments:,} x {changes:,}", file=sys.stderr)
    print(
        f"SAMPLE data, seed {args.seed}: {NICKS} people, {PROJECT_COUNT} projects"
        f" ({TEAM_SIZE} in the team), event start {EVENT_START}\n"
    )
    print(format_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
