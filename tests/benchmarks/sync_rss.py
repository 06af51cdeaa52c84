"""Peak RSS of one whole `syncsvc sync` process (fetch, save and relink) at a given size.

The fakes (:func:`sync_baseline.benchmark_servers`, no latency) run in this
process; the sync runs in a child process started with this file as its script,
and the child reports its own peak RSS (``VmHWM`` in ``/proc/self/status``) on
exit. ``ru_maxrss`` would not do: Linux carries the parent's high-water mark
into a child across ``fork``/``exec``, so a child of this process (which holds
the fakes' data) would report at least this process's size. Where there is no
``/proc`` the child falls back to its ``ru_maxrss``.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sync_baseline import benchmark_servers, no_retry_sleep, prepare_database, sync_once

HERE = Path(__file__).resolve().parent
FLOOR = "import syncsvc.cli.runs, syncsvc.cli.commands.demo, sync_baseline"


@dataclass(frozen=True, slots=True)
class RssRow:
    """One measured size: records served, records the sync fetched, seconds, peak MB."""

    tasks: int
    changes: int
    fetched: int
    seconds: float
    peak_mb: float


def own_peak_mb() -> float:
    """This process's peak RSS in MB since its ``exec`` (``VmHWM``), else ``ru_maxrss``."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def floor_mb() -> float:
    """Peak RSS of a child that only imports what the sync imports."""
    code = (
        f"import sys; sys.path.insert(0, {str(HERE)!r}); {FLOOR}; "
        "from sync_rss import own_peak_mb; print(own_peak_mb())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], check=True, cwd=HERE, capture_output=True, text=True
    )
    return float(done.stdout)


def measure_rss(work_dir: Path, *, tasks: int, changes: int) -> RssRow:
    """Serve ``tasks`` bug tasks and ``changes`` changes, sync them into a fresh SQLite
    database in a child process and return its peak RSS."""
    db_url = f"sqlite:///{work_dir / f'rss-{tasks}-{changes}.sqlite'}"
    with no_retry_sleep(), benchmark_servers(tasks=tasks, changes=changes) as (servers, data):
        prepare_database(db_url, data)
        argv = [servers.gerrit_url, servers.launchpad_service_root, db_url]
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, __file__, *argv, str(work_dir / f"cache-{tasks}")],
            check=True,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
    reported = json.loads(done.stdout)
    return RssRow(
        data.bug_tasks, data.changes, int(reported["fetched"]), seconds, reported["peak_mb"]
    )


def format_rss(floor: float, rows: Sequence[RssRow]) -> str:
    """A Markdown table of the measured sizes, with the import-only floor."""
    lines = [
        f"import-only floor: {floor:.0f} MB",
        "",
        "| bug tasks | changes | records fetched | s | peak RSS MB |",
        "|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.tasks:,} | {r.changes:,} | {r.fetched:,} | {r.seconds:.1f} | {r.peak_mb:.0f} |"
        for r in rows
    ]
    return "\n".join(lines)


def _child(argv: Sequence[str]) -> None:
    gerrit_url, launchpad_root, db_url, cache_dir = argv
    fetched = sync_once(gerrit_url, launchpad_root, db_url, Path(cache_dir))
    sys.stdout.write(json.dumps({"fetched": fetched, "peak_mb": own_peak_mb()}) + "\n")


if __name__ == "__main__":  # the child: this file's folder is already on sys.path
    _child(sys.argv[1:])
