"""Benchmark: two installed versions of `syncsvc`, interleaved with the import floor.

Each version is installed in its own venv (not editable, so both run compiled
bytecode). One round runs the floor ``python -c "import typer, sqlalchemy.orm,
rich.table"``, then each process of each version (`status`, `status --format json`,
`--help`, the completion of `syncsvc st<TAB>`), so a busy machine slows both alike.
Every process runs once untimed first. The table gives wall-clock p50 and p95, the
p50 as a multiple of the floor's, and the CPU seconds (user + system) of the child,
which a loaded machine disturbs less than wall time:

    python benchmarks/compare_status.py --before venv-a/bin --after venv-b/bin --runs 12

The database is the cached 10k one of `bench_status.py` (build it with that first).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from syncsvc.testing.status_bench import FLOOR, FULL, SINCE, cached_database

COMPLETE = {"_SYNCSVC_COMPLETE": "complete_bash", "COMP_WORDS": "syncsvc st", "COMP_CWORD": "1"}


def processes(before: Path, after: Path, url: str) -> dict[str, tuple[list[str], dict[str, str]]]:
    """Name → (argv, extra environment): the floor, then each process of each version."""
    todo: dict[str, tuple[list[str], dict[str, str]]] = {
        "floor": ([str(before / "python"), *FLOOR], {})
    }
    status = ["--db", url, "status", "--since", SINCE]
    for what, argv, env in (
        ("status", status, {}),
        ("status --format json", [*status, "--format", "json"], {}),
        ("--help", ["--help"], {}),
        ("completion", [], COMPLETE),
    ):
        for version, folder in (("before", before), ("after", after)):
            todo[f"{what} ({version})"] = ([str(folder / "syncsvc"), *argv], env)
    return todo


def run(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, child CPU seconds and stdout bytes of one process."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, check=True)
    wall = time.perf_counter() - started
    now = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (now.ru_utime - used.ru_utime) + (now.ru_stime - used.ru_stime)
    return wall, cpu, len(done.stdout)


def main(argv: Sequence[str] | None = None) -> int:
    """Time both versions round-robin and print the table and the load averages."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="bin folder of one venv")
    parser.add_argument("--after", type=Path, required=True, help="bin folder of the other")
    parser.add_argument("--runs", type=int, default=12, help="timed runs per process (12)")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(__file__).resolve().parent / ".bench-cache",
        help="folder of the cached database (default: benchmarks/.bench-cache)",
    )
    args = parser.parse_args(argv)
    database, _ = cached_database(args.cache, FULL)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNCSVC_")}
    env["COLUMNS"] = "160"
    todo = processes(args.before.resolve(), args.after.resolve(), f"sqlite:///{database}")
    wall: dict[str, list[float]] = {name: [] for name in todo}
    cpu: dict[str, list[float]] = {name: [] for name in todo}
    size = {name: run(a, {**env, **e}, database.parent)[2] for name, (a, e) in todo.items()}
    load = [os.getloadavg()]
    for _ in range(args.runs):
        for name, (command, extra) in todo.items():
            seconds, cpu_seconds, _ = run(command, {**env, **extra}, database.parent)
            wall[name].append(seconds)
            cpu[name].append(cpu_seconds)
        load.append(os.getloadavg())
    floor_wall, floor_cpu = statistics.median(wall["floor"]), statistics.median(cpu["floor"])
    print(
        "| process | p50 s | p95 s | p50 / floor | CPU p50 s | CPU / floor | stdout bytes |\n"
        "|---|---:|---:|---:|---:|---:|---:|"
    )
    for name in todo:
        ordered = sorted(wall[name])
        p50, p95 = statistics.median(ordered), ordered[round(0.95 * (len(ordered) - 1))]
        c50 = statistics.median(cpu[name])
        print(
            f"| {name} | {p50:.3f} | {p95:.3f} | {p50 / floor_wall:.2f}x | {c50:.3f} "
            f"| {c50 / floor_cpu:.2f}x | {size[name]:,} |"
        )
    one_minute = [f"{first:.1f}" for first, _, _ in load]
    print(f"\n1-minute load average before and after each round: {', '.join(one_minute)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
