"""The relink benchmark's core: a synthetic database, its changes and the three runs.

All SAMPLE data, from ``tests/relinking.py``: with ``--rounds 4`` the history
holds about 100k rows at 10k commitments. Three runs are timed on it: a full relink (`link refresh --full`),
the incremental relink of a no-change cron run, and the incremental relink after
1% of the changes and bugs moved, next to a full relink of that same data.

``benchmarks/bench_relink.py`` is the command line; ``test_relink_baseline.py``
runs it on a tiny data set and checks rows, never timings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from relinking import RELINK_AT, move, relink_once, seed, snapshot
from sqlalchemy.engine import Engine

from syncsvc.models import db
from syncsvc.sync.relink import RelinkReport
from syncsvc.sync.service import RelinkSettings


@dataclass(frozen=True, slots=True)
class Row:
    """One timed run of the table."""

    name: str
    seconds: float
    covered: int | None
    added: int
    updated: int
    transitions: int
    has_changes: bool


@dataclass(frozen=True, slots=True)
class Result:
    """What :func:`run_benchmark` measured, and whether the incremental runs matched a
    full relink of the same data."""

    commitments: int
    changes: int
    history_rows: int
    moved: int
    rows: tuple[Row, ...]
    same_as_full: bool


def _row(name: str, run: tuple[RelinkReport, float]) -> Row:
    report, seconds = run
    added, updated, moved = report.added, report.updated, report.transitions
    return Row(name, seconds, report.covered, added, updated, moved, report.has_changes)


def settle(engine: Engine, settings: RelinkSettings, now: datetime, *, most: int = 20) -> datetime:
    """Relink incrementally, a minute apart, until a run judges nothing (a commitment whose
    due date or stall window passed is judged once more); return the last time."""
    for _ in range(most):
        now += timedelta(minutes=1)
        report, _seconds = relink_once(engine, settings, now=now, full=False)
        if not report.covered:
            return now
    raise RuntimeError(f"links did not settle in {most} relinks")


def run_benchmark(
    db_url: str,
    *,
    commitments: int,
    changes: int,
    rounds: int,
    share: float = 0.01,
    progress: Callable[[str], None] = lambda _msg: None,
) -> Result:
    """Seed an empty database at ``db_url`` and time the relinks (see the module docstring)."""
    engine = db.open_engine(db_url)
    try:
        progress("seeding")
        seeded = seed(engine, commitments=commitments, changes=changes, rounds=rounds)
        settings = seeded.settings
        progress("full relink")
        full = _row("full relink (link refresh --full)", relink_once(
            engine, settings, now=RELINK_AT, full=True))  # fmt: skip
        now = settle(engine, settings, RELINK_AT)
        progress("no-change incremental relink")
        idle = _row("no-change cron run (incremental)", relink_once(
            engine, settings, now=now, full=False))  # fmt: skip
        later = now + timedelta(minutes=30)
        moved = move(engine, seeded.data, share=share, seed=7, at=later)
        progress(f"incremental relink after {moved} records moved")
        some = _row(f"{share:.0%} changed (incremental)", relink_once(
            engine, settings, now=later, full=False))  # fmt: skip
        later = settle(engine, settings, later)
        after = snapshot(engine)
        progress("full relink of the same data")
        again = _row(f"{share:.0%} changed, then full", relink_once(
            engine, settings, now=later, full=True))  # fmt: skip
        same = snapshot(engine) == after and not again.has_changes
        rows = (full, idle, some, again)
        return Result(seeded.commitments, changes, seeded.history_rows, moved, rows, same)
    finally:
        engine.dispose()


def format_table(result: Result) -> str:
    """The result as a plain-text table with the ratios to the full relink."""
    full = result.rows[0].seconds
    head = f"{'run':<42} {'seconds':>9} {'vs full':>8} {'judged':>7} {'+links':>7}"
    lines = [
        (
            f"relink at {result.commitments} commitments, {result.changes} changes,"
            f" {result.history_rows} history rows; {result.moved} records moved"
        ),
        f"{head} {'~links':>7} {'states':>7}",
    ]
    for row in result.rows:
        judged = "all" if row.covered is None else str(row.covered)
        lines.append(
            f"{row.name:<42} {row.seconds:>9.3f} {full / max(row.seconds, 1e-9):>7.0f}x"
            f" {judged:>7} {row.added:>7} {row.updated:>7} {row.transitions:>7}"
        )
    verdict = "yes" if result.same_as_full else "NO"
    lines.append(f"a full relink after the incremental ones changes nothing: {verdict}")
    return "\n".join(lines)


def as_json(result: Result) -> dict[str, object]:
    """The result as JSON-ready data."""
    return {
        "commitments": result.commitments,
        "changes": result.changes,
        "history_rows": result.history_rows,
        "moved": result.moved,
        "same_as_full": result.same_as_full,
        "runs": [
            {
                "name": r.name,
                "seconds": round(r.seconds, 4),
                "judged": r.covered,
                "added": r.added,
                "updated": r.updated,
                "transitions": r.transitions,
            }
            for r in result.rows
        ],
    }


def sizes(text_value: str) -> Sequence[int]:
    """``10000x20000`` → (10000, 20000)."""
    left, _, right = text_value.partition("x")
    return int(left), int(right)
