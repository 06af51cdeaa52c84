"""The relink benchmark's core: a synthetic database, its changes and the three runs.

All SAMPLE data: the reconciler benchmark's generator
(:func:`syncsvc.testing.reconcile_baseline.generate`) gives commitments, changes,
bugs; they are imported as events (500 commitments each, 10 per topic, one in 8
with a due date) and saved through the sync store, then every change gets
``--rounds`` new patch sets so the history holds about 100k rows at 10k
commitments. Three runs are timed on it: a full relink (`link refresh --full`),
the incremental relink of a no-change cron run, and the incremental relink after
1% of the changes and bugs moved, next to a full relink of that same data.

``benchmarks/bench_relink.py`` is the command line; ``test_relink_baseline.py``
runs it on a tiny data set and checks rows, never timings.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from syncsvc.cli.stores import SqlDatabase
from syncsvc.domain import ActionItem, Bug, Change, ChangeStatus, Day, Event, Topic
from syncsvc.models import db, repo
from syncsvc.models.sync_store import SqlSyncStore
from syncsvc.models.sync_tables import ArtifactHistoryRow
from syncsvc.models.tables import ActionRow
from syncsvc.parse.reimport import REIMPORT
from syncsvc.sync.relink import RelinkReport
from syncsvc.sync.service import RelinkSettings, refresh_links
from syncsvc.testing.reconcile_baseline import EVENT_START, DataSet, generate

EVENTS_OF, TOPICS_OF = 500, 10
SEEDED_AT = datetime(2021, 10, 1, tzinfo=UTC)
RELINK_AT = datetime(2021, 10, 2, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Seeded:
    """The generated data set as stored, and the relink settings to judge it with."""

    data: DataSet
    settings: RelinkSettings
    history_rows: int
    commitments: int


def _events(data: DataSet) -> list[Event]:
    day = Day("Day 1", EVENT_START)
    events = []
    actions = list(data.actions)
    for first in range(0, len(actions), EVENTS_OF):
        block = actions[first : first + EVENTS_OF]
        topics = []
        for start in range(0, len(block), TOPICS_OF):
            items = tuple(
                ActionItem(
                    text=a.text,
                    owners=a.owners,
                    refs=a.refs,
                    position=i,
                    due=EVENT_START + timedelta(days=60 + a.id % 90) if a.id % 8 == 0 else None,
                )
                for i, a in enumerate(block[start : start + TOPICS_OF])
            )
            title = f"{block[start].topic} ({first + start})"
            topics.append(Topic(title=title, day=day, actions=items, position=len(topics)))
        title = f"Synthetic PTG {first // EVENTS_OF + 1} (sample data)"
        events.append(Event("synthetic", "xena", title, days=(day,), topics=tuple(topics)))
    return events


def seed(
    engine: Engine, *, commitments: int, changes: int, rounds: int, seed: int = 2021
) -> Seeded:
    """Upgrade the schema and store the generated data set with ``rounds`` patch sets more."""
    data = generate(commitments, changes, seed)
    db.upgrade(engine)
    with Session(engine) as session:
        for event in _events(data):
            repo.save_event(session, event, source_digest="bench", now=SEEDED_AT, rules=REIMPORT)
        session.commit()
        store = SqlSyncStore(session)
        store.save_bugs(data.bugs, observed_at=SEEDED_AT)
        store.save_changes(data.changes, observed_at=SEEDED_AT)
        store.commit()
        for n in range(rounds):
            moved = [replace(c, current_patch_set=n + 2) for c in data.changes]
            store.save_changes(moved, observed_at=SEEDED_AT + timedelta(minutes=n + 1))
            store.commit()
        history = session.scalar(select(func.count()).select_from(ArtifactHistoryRow)) or 0
        stored = session.scalar(select(func.count()).select_from(ActionRow)) or 0
    settings = RelinkSettings(team_projects=data.team_projects)
    return Seeded(data, settings, history, stored)


def move(engine: Engine, data: DataSet, *, share: float, seed: int, at: datetime) -> int:
    """Move ``share`` of the changes (a new patch set, some merged, a fresh update time)
    and of the bugs (a newer update); return how many records moved."""
    rng = random.Random(seed)
    picked = rng.sample(list(data.changes), max(1, int(len(data.changes) * share)))
    moved: list[Change] = [
        replace(
            c,
            status=ChangeStatus.MERGED if rng.random() < 0.3 else c.status,
            current_patch_set=99,
            updated=at - timedelta(hours=rng.randint(1, 48)),
        )
        for c in picked
    ]
    bugs: list[Bug] = [
        replace(b, date_last_updated=at - timedelta(hours=rng.randint(1, 48)))
        for b in rng.sample(list(data.bugs), max(1, int(len(data.bugs) * share)))
    ]
    with Session(engine) as session:
        store = SqlSyncStore(session)
        store.save_changes(moved, observed_at=at)
        store.save_bugs(bugs, observed_at=at)
        store.commit()
    return len(moved) + len(bugs)


def relink_once(
    engine: Engine, settings: RelinkSettings, *, now: datetime, full: bool
) -> tuple[RelinkReport, float]:
    """One relink as `link refresh [--full]` runs it; returns its report and seconds."""
    started = time.perf_counter()
    report = refresh_links(SqlDatabase(engine), settings, now=now, wait=0, full=full)
    return report, time.perf_counter() - started


def snapshot(engine: Engine) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Every link row and every state-history row (without row ids), sorted: what a relink
    decides."""
    with engine.connect() as connection:
        links = connection.execute(
            text(
                "SELECT action_id, kind, ref_id, source, confidence, status, evidence, decided_by"
                " FROM links ORDER BY action_id, kind, ref_id"
            )
        )
        states = connection.execute(
            text(
                "SELECT action_id, state, previous_state, reason, changed_at, observed_at"
                " FROM action_state_history ORDER BY action_id, id"
            )
        )
        return [tuple(r) for r in links], [tuple(r) for r in states]


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
    """Relink incrementally, a minute apart, until a run judges nothing (new confirmed links
    are parents of transitive ones, so links settle over a few runs); return the last time."""
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
