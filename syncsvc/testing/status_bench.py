"""The `status` and startup benchmark's core: a large SAMPLE database, whole-process timing.

:func:`build_database` fills a SQLite file through the project's own storage API
(the importer, the sync store, the link store and the state history), as imports,
syncs and relinks would. :func:`measure` runs each command as a whole process,
round-robin with the import floor (``python -c "import typer, sqlalchemy.orm,
rich.table"``) so that every row sees the same machine load, and
:func:`format_table` prints p50 and p95 with their ratio to the floor.

benchmarks/bench_status.py is the command line; tests/benchmarks runs the small
mode and checks the rows, never the ratios.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from syncsvc.domain import (
    Account,
    ActionItem,
    BugTask,
    Change,
    ChangeStatus,
    CommitmentState,
    Day,
    Event,
    Link,
    LinkKind,
    LinkSource,
    LinkStatus,
    Plan,
    Ref,
    RefKind,
    Topic,
    Transition,
)
from syncsvc.models import db
from syncsvc.models.link_store import append_transitions, apply_plan
from syncsvc.models.link_tables import ActionStateHistoryRow
from syncsvc.models.sync_store import SqlSyncStore
from syncsvc.models.sync_tables import ArtifactHistoryRow
from syncsvc.models.tables import ActionRow
from syncsvc.testing.storage import save_event

FLOOR = ("-c", "import typer, sqlalchemy.orm, rich.table")
#: The window every status run reports on: the data set's last month of movement.
SINCE = "2021-06-01"
START = datetime(2020, 11, 2, tzinfo=UTC)
END = datetime(2021, 6, 30, tzinfo=UTC)
NICKS = tuple(f"dev{i:02d}" for i in range(50))
PROJECTS = ("openstack/manila", "openstack/python-manilaclient", "openstack/manila-ui")
#: Bumped whenever the generated data changes, so a cached file is rebuilt.
DATA_VERSION = 1


@dataclass(frozen=True, slots=True)
class Size:
    """How big the SAMPLE database is."""

    events: int
    topics: int  #: per event
    actions: int  #: per topic
    changes: int
    bugs: int
    rounds: int  #: sync rounds after the first: each moves every change's patch set and vote

    @property
    def commitments(self) -> int:
        """Actions in all."""
        return self.events * self.topics * self.actions


FULL = Size(events=20, topics=25, actions=20, changes=15_000, bugs=3_000, rounds=3)
SMALL = Size(events=2, topics=3, actions=5, changes=60, bugs=12, rounds=1)


def _at(rng: random.Random, start: datetime = START, end: datetime = END) -> datetime:
    span = int((end - start).total_seconds())
    return start + timedelta(seconds=rng.randrange(span))


def _events(size: Size, rng: random.Random) -> list[Event]:
    events = []
    for e in range(size.events):
        day = Day("Monday", date(2020, 10, 26) + timedelta(days=e))
        topics = []
        for t in range(size.topics):
            actions = []
            for a in range(size.actions):
                n = (e * size.topics + t) * size.actions + a
                refs: tuple[Ref, ...] = ()
                if n % 3 == 0:
                    number = 700_000 + n % size.changes
                    refs = (
                        Ref(RefKind.CHANGE, str(number), f"https://review.opendev.org/{number}"),
                    )
                owners = tuple(rng.sample(NICKS, rng.randrange(3)))
                text = f"{' and '.join(owners) or 'someone'} will work on item {n} of topic {t}"
                actions.append(ActionItem(text, owners=owners, refs=refs, position=a))
            topics.append(Topic(f"Topic {t}", day=day, actions=tuple(actions), position=t))
        events.append(
            Event("manila", "wallaby", f"Bench PTG {e}", days=(day,), topics=tuple(topics))
        )
    return events


def _change(number: int, created: datetime, updated: datetime, rnd: int, status: str) -> Change:
    return Change(
        number=number,
        project=PROJECTS[number % len(PROJECTS)],
        branch="master",
        subject=f"Sample change {number}",
        status=ChangeStatus(status),
        owner=Account(1000 + number % 50, NICKS[number % 50]),
        created=created,
        updated=updated,
        submitted=updated if status == ChangeStatus.MERGED else None,
        current_patch_set=rnd + 1,
        votes=(("Code-Review", (rnd % 3) - 1),),
    )


def _sync(session_store: SqlSyncStore, size: Size, rng: random.Random) -> None:
    """The changes and bug tasks as ``rounds + 1`` syncs would have seen them."""
    created = {
        700_000 + i: _at(rng, START, START + timedelta(days=60)) for i in range(size.changes)
    }
    for rnd in range(size.rounds + 1):
        last = rnd == size.rounds
        batch = []
        for number, at in created.items():
            updated = at + (END - at) * (rnd + 1) / (size.rounds + 2)
            status = ChangeStatus.NEW
            if last and number % 20 < 9:
                status = ChangeStatus.MERGED if number % 20 < 8 else ChangeStatus.ABANDONED
                updated = _at(rng, START + timedelta(days=90))
            batch.append(_change(number, at, updated, rnd, status))
        observed = START + (END - START) * (rnd + 1) / (size.rounds + 1)
        for i in range(0, len(batch), 2000):
            session_store.save_changes(batch[i : i + 2000], observed_at=observed)
    for rnd, task_status in enumerate(("New", "In Progress")):
        tasks = []
        for i in range(size.bugs):
            if rnd and i % 2:
                continue
            opened = START + timedelta(hours=i)
            started = _at(rng, START + timedelta(days=60)) if rnd else None
            tasks.append(
                BugTask(
                    1_900_000 + i, PROJECTS[i % len(PROJECTS)].split("/")[1], task_status, "Medium",
                    assignee=NICKS[i % 50] if rnd else None, date_created=opened,
                    date_in_progress=started,
                )
            )  # fmt: skip
        session_store.save_bug_tasks(tasks, observed_at=START + timedelta(days=100 * (rnd + 1)))


def _links_and_states(session: Session, rng: random.Random) -> None:
    """Links as relinks would have made them, and each commitment's state history."""
    ids = list(session.scalars(select(ActionRow.id).order_by(ActionRow.id)))
    numbers = list(range(700_000, 700_000 + max(1, len(ids) // 2)))
    by_day: dict[datetime, list[Link]] = {}
    transitions: list[Transition] = []
    for i, action_id in enumerate(ids):
        made = _at(rng).replace(hour=0, minute=0, second=0)
        if i % 5 != 4:
            status = LinkStatus.SUGGESTED if i % 7 == 0 else LinkStatus.CONFIRMED
            by_day.setdefault(made, []).append(
                Link(action_id, LinkKind.CHANGE, str(rng.choice(numbers)), LinkSource.CANDIDATE,
                     0.8, status, "sample")
            )  # fmt: skip
        first = START - timedelta(days=7)
        state = CommitmentState.NOT_STARTED
        transitions.append(Transition(action_id, state, None, "nothing linked", first))
        if i % 5 == 4:
            continue
        steps = (CommitmentState.IN_PROGRESS, CommitmentState.STALLED, CommitmentState.DONE)
        at = made
        for nxt in steps[: 1 + i % 3]:
            transitions.append(Transition(action_id, nxt, state, f"sample {nxt}", at))
            state, at = nxt, at + timedelta(days=rng.randrange(1, 40))
    for made, links in sorted(by_day.items()):
        apply_plan(session, Plan(add=tuple(sorted(links, key=lambda k: k.key))), now=made)
    append_transitions(session, transitions, now=END)


def build_database(path: Path, size: Size, *, seed: int = 2021) -> dict[str, int]:
    """Create ``path`` (a new SQLite file) with SAMPLE data of ``size``; return its counts."""
    rng = random.Random(seed)  # noqa: S311 - sample data, not a secret
    engine = db.open_engine(f"sqlite:///{path}")
    try:
        db.ensure_schema(engine)
        with db.session_scope(engine) as session:
            for i, event in enumerate(_events(size, rng)):
                save_event(session, event, source_digest=f"bench-{i}", now=START)
        with db.session_scope(engine) as session:
            _sync(SqlSyncStore(session), size, rng)
        with db.session_scope(engine) as session:
            _links_and_states(session, rng)
        with db.read_scope(engine) as session:
            return {
                "commitments": session.scalar(select(func.count(ActionRow.id))) or 0,
                "artifact history rows": session.scalar(select(func.count(ArtifactHistoryRow.id)))
                or 0,
                "state history rows": session.scalar(select(func.count(ActionStateHistoryRow.id)))
                or 0,
            }
    finally:
        engine.dispose()


def cached_database(folder: Path, size: Size, *, seed: int = 2021) -> tuple[Path, dict[str, int]]:
    """The database of ``size`` in ``folder``, built once and reused (with its counts)."""
    stem = f"status-{DATA_VERSION}-{size.commitments}-{size.changes}-{size.rounds}-{seed}"
    path, meta = folder / f"{stem}.sqlite", folder / f"{stem}.json"
    if path.exists() and meta.exists():
        return path, json.loads(meta.read_text())
    folder.mkdir(parents=True, exist_ok=True)
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    counts = build_database(path, size, seed=seed)
    meta.write_text(json.dumps(counts))
    return path, counts


@dataclass(frozen=True, slots=True)
class Row:
    """One timed command: its wall-clock seconds per run, and its output size."""

    name: str
    seconds: tuple[float, ...]
    output_bytes: int

    @property
    def p50(self) -> float:
        """Median seconds."""
        return statistics.median(self.seconds)

    @property
    def p95(self) -> float:
        """95th percentile seconds (nearest rank)."""
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def commands(database: Path) -> dict[str, tuple[list[str], dict[str, str]]]:
    """Name → (argv, extra environment) of every timed process; ``floor`` first."""
    python = sys.executable
    script = [str(Path(python).parent / "syncsvc")]  # the console script pip installed
    url = f"sqlite:///{database}"
    complete = {"_SYNCSVC_COMPLETE": "complete_bash", "COMP_WORDS": "syncsvc st", "COMP_CWORD": "1"}
    return {
        "floor": ([python, *FLOOR], {}),
        "--help": ([*script, "--help"], {}),
        "completion": ([*script], complete),
        "status": ([*script, "--db", url, "status", "--since", SINCE], {}),
        "status --format json": (
            [*script, "--db", url, "status", "--since", SINCE, "--format", "json"],
            {},
        ),
        "actions": ([*script, "--db", url, "actions"], {}),
    }


def _run(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, int]:
    started = time.perf_counter()
    # The argv is this benchmark's own: the installed console script and fixed options.
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, check=False)  # noqa: S603
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{argv[1:]} failed: {done.stderr.decode(errors='replace')[-500:]}")
    return seconds, len(done.stdout)


# Writes the installed package's bytecode, as ``pip install`` does by default: the floor's
# packages in site-packages are byte-compiled, and an editable install run with
# PYTHONDONTWRITEBYTECODE set would otherwise compile syncsvc's sources in every timed run.
_BYTE_COMPILE = (
    "import compileall, pathlib, syncsvc; "
    "compileall.compile_dir(str(pathlib.Path(syncsvc.__file__).parent), quiet=1)"
)


def measure(database: Path, runs: int) -> list[Row]:
    """Time every command ``runs`` times, round-robin, after one untimed warm-up each.

    The processes run in the database's folder, so a source checkout in the current
    directory never shadows the installed package. The package is byte-compiled first,
    as an installed one is (see ``_BYTE_COMPILE``).
    """
    base = {k: v for k, v in os.environ.items() if not k.startswith("SYNCSVC_")}
    base["COLUMNS"] = "160"
    _run([sys.executable, "-c", _BYTE_COMPILE], base, database.parent)
    todo = commands(database)
    seconds: dict[str, list[float]] = {name: [] for name in todo}
    size: dict[str, int] = {}
    for name, (argv, env) in todo.items():
        _, size[name] = _run(argv, {**base, **env}, database.parent)
    for _ in range(runs):
        for name, (argv, env) in todo.items():
            took, _ = _run(argv, {**base, **env}, database.parent)
            seconds[name].append(took)
    return [Row(name, tuple(seconds[name]), size[name]) for name in todo]


def format_table(rows: Sequence[Row]) -> str:
    """A Markdown table: p50 and p95 seconds, and p50 as a multiple of the floor's."""
    floor = next(r for r in rows if r.name == "floor").p50
    lines = [
        "| process | p50 s | p95 s | p50 / floor | stdout bytes |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.name} | {r.p50:.3f} | {r.p95:.3f} | {r.p50 / floor:.2f}x | {r.output_bytes:,} |"
        for r in rows
    ]
    return "\n".join(lines)


def as_json(rows: Sequence[Row], counts: dict[str, int], runs: int) -> str:
    """The measurements as JSON (seconds of every run included)."""
    floor = next(r for r in rows if r.name == "floor").p50
    return json.dumps(
        {
            "runs": runs,
            "data": counts,
            "since": SINCE,
            "rows": [
                {**asdict(r), "p50": r.p50, "p95": r.p95, "ratio": r.p50 / floor} for r in rows
            ],
        },
        indent=2,
    )
