"""`syncsvc sync` against two stateless scripts, request by request, with latency injected.

All three talk to the same local fake Launchpad and Gerrit (the bundled SAMPLE
data plus a synthetic data set built with the fakes' builders), which wait
``latency_ms`` before every answer, as a real round trip would, and count every
request. Four scenarios, each run by all three: a first sync of a fresh
database, a re-sync when nothing changed, a re-sync after
:func:`syncsvc.testing.demo_servers.apply_sample_movement`, and a re-sync after
1% of the synthetic bug tasks and changes moved (:func:`move_one_percent`).

The contenders: syncsvc (:func:`our_sync`); the naive per-item script
(:func:`naive_sync`), which follows every link; and a competent stateless script
(:func:`competent_sync`), which reads ``*_link`` attributes instead of following
them, pages Gerrit and batches ``change:`` queries.

:func:`run_benchmark` and :func:`format_table` are what ``benchmarks/bench_sync.py``
prints; ``tests/benchmarks/test_sync_baseline.py`` runs them on a tiny data set and
checks the request counts, never the timings.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import lazr.restfulclient._browser as lazr_browser
from gerritclient import client as gerrit_client
from launchpadlib.launchpad import Launchpad
from sqlalchemy.orm import Session

from syncsvc.cli.commands.demo import DEMO_GERRIT_PROJECTS, DEMO_LAUNCHPAD_PROJECTS, demo_config
from syncsvc.cli.context import AppContext
from syncsvc.cli.runs import sync_with
from syncsvc.config import Config
from syncsvc.domain import SEARCH_STATUSES, Account, ActionItem, Day, Event, Ref, RefKind, Topic
from syncsvc.models import db, repo
from syncsvc.parse.reimport import REIMPORT
from syncsvc.sync.service import SyncOutcome
from syncsvc.testing.dataset import (
    accounts_in,
    apply_launchpad_dataset,
    sample_gerrit_dataset,
    sample_launchpad_dataset,
)
from syncsvc.testing.demo_servers import (
    SampleServers,
    apply_sample_movement,
    update_change,
    update_task,
)
from syncsvc.testing.fake_gerrit import ChangeInfo, FakeGerrit, make_change
from syncsvc.testing.fake_launchpad import FakeLaunchpad, FakeTask

# What a hand-written script would ask Gerrit for to read status, votes and footers.
NAIVE_GERRIT_OPTIONS = ["CURRENT_REVISION", "CURRENT_COMMIT", "DETAILED_ACCOUNTS", "LABELS"]
FIRST_SYNTHETIC_CHANGE = 900_000
FIRST_SYNTHETIC_BUG = 1_990_000
PTG_DAY = date(2020, 10, 26)  # the Wallaby PTG: polling starts at the earliest event day
SPAN_START = datetime(2020, 11, 2, tzinfo=UTC)
SPAN = timedelta(days=230)  # synthetic updates are spread over Nov 2020 .. Jun 2021
TASK_STATUSES = (
    "New",
    "Confirmed",
    "Triaged",
    "In Progress",
    "Fix Committed",
    "Fix Released",
    "Invalid",
    "Won't Fix",
)
IMPORTANCES = ("High", "Medium", "Low", "Wishlist", "Undecided")
ASSIGNEES = ("haixin", "gouthamr", "vhari", "vkmc", "dviroel", "carloss", None)
MILESTONES = ("wallaby-1", "wallaby-2", "wallaby-3", "wallaby-rc1", None)
CHANGE_STATUSES = ("NEW", "NEW", "MERGED", "ABANDONED")


# --- measurements -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Measure:
    """One run: wall-clock seconds and the requests each fake server received; ``reviews``
    counts the Gerrit requests that asked for review messages (``o=MESSAGES``),
    ``blueprints`` the Launchpad requests for blueprint pages (``*_specifications``)."""

    seconds: float
    launchpad: int
    gerrit: int
    reviews: int = 0
    blueprints: int = 0

    @property
    def requests(self) -> int:
        """Requests to both servers."""
        return self.launchpad + self.gerrit


@dataclass(frozen=True, slots=True)
class Row:
    """One scenario, run by syncsvc, the naive script and the competent script."""

    scenario: str
    ours: Measure
    naive: Measure
    competent: Measure

    def request_ratio(self, other: Measure) -> float:
        """How many times more requests ``other`` made than syncsvc."""
        return other.requests / max(self.ours.requests, 1)

    def time_ratio(self, other: Measure) -> float:
        """How many times longer ``other`` took than syncsvc."""
        return other.seconds / max(self.ours.seconds, 1e-9)


@dataclass(frozen=True, slots=True)
class DataSet:
    """What the fakes served and the database referenced."""

    bug_tasks: int
    changes: int
    referenced_bugs: tuple[int, ...]
    referenced_changes: tuple[int, ...]
    synthetic_tasks: int = 0
    synthetic_changes: int = 0


def measure(servers: SampleServers, work: Callable[[], object]) -> Measure:
    """Run ``work`` and count the requests it made to the fakes."""
    servers.launchpad.clear_requests()
    servers.gerrit.requests.clear()
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    reviews = sum(1 for r in servers.gerrit.requests if "MESSAGES" in r.params.get("o", []))
    lp = servers.launchpad.requests
    blueprints = sum(1 for r in lp if r.path.endswith("_specifications"))
    return Measure(seconds, len(lp), len(servers.gerrit.requests), reviews, blueprints)


# --- the data set -----------------------------------------------------------------------


def _when(index: int, count: int) -> datetime:
    return SPAN_START + SPAN * (index / max(count, 1))


def _synthetic_change(i: int, *, tasks: int, changes: int, owners: Sequence[Account]) -> ChangeInfo:
    number = FIRST_SYNTHETIC_CHANGE + i
    change_id = "I" + hashlib.sha1(str(number).encode(), usedforsecurity=False).hexdigest()
    subject = f"Synthetic change {i} (sample data)"
    return make_change(
        number,
        project=DEMO_GERRIT_PROJECTS[i % len(DEMO_GERRIT_PROJECTS)],
        subject=subject,
        status=CHANGE_STATUSES[i % len(CHANGE_STATUSES)],
        owner=owners[i % len(owners)],
        created=_when(i, changes) - timedelta(days=3),
        updated=_when(i, changes),
        labels={"Code-Review": [(owners[(i + 1) % len(owners)], (i % 5) - 2)]},
        commit_message=(
            f"{subject}\n\nCloses-Bug: #{FIRST_SYNTHETIC_BUG + i % max(tasks, 1)}\n"
            f"Change-Id: {change_id}\n"
        ),
        change_id=change_id,
    )


@contextmanager
def benchmark_servers(
    *, tasks: int, changes: int, latency: float = 0.0
) -> Iterator[tuple[SampleServers, DataSet]]:
    """The sample fakes plus ``tasks`` synthetic bugs (one task each) and ``changes`` changes.

    All synthetic records are SAMPLE data: made-up titles, spread over the
    configured projects, statuses, people and milestones. Both fakes wait
    ``latency`` seconds before answering each request.
    """
    sample_changes = sample_gerrit_dataset()
    sample_bugs = sample_launchpad_dataset()
    accounts = accounts_in(sample_changes)
    owners = [accounts[name] for name in sorted(accounts)]
    synthetic = [
        _synthetic_change(i, tasks=tasks, changes=changes, owners=owners) for i in range(changes)
    ]
    with (
        FakeGerrit(changes=[*sample_changes, *synthetic]) as gerrit,
        FakeLaunchpad() as launchpad,
    ):
        apply_launchpad_dataset(launchpad, sample_bugs)
        for i in range(tasks):
            target = DEMO_LAUNCHPAD_PROJECTS[i % len(DEMO_LAUNCHPAD_PROJECTS)]
            launchpad.add_bug(
                FIRST_SYNTHETIC_BUG + i,
                f"Synthetic bug {i} (sample data)",
                tags=("low-hanging-fruit",) if i % 4 == 0 else (),
                tasks=[
                    FakeTask(
                        target,
                        TASK_STATUSES[i % len(TASK_STATUSES)],
                        IMPORTANCES[i % len(IMPORTANCES)],
                        assignee=ASSIGNEES[i % len(ASSIGNEES)],
                        milestone=MILESTONES[i % len(MILESTONES)] if target == "manila" else None,
                    )
                ],
                date_created=_when(i, tasks) - timedelta(days=5),
                date_last_updated=_when(i, tasks),
            )
        if latency > 0:
            gerrit.add_fault(delay=latency, times=None)
            launchpad.delay(latency, times=None)
        servers = SampleServers(
            gerrit_url=gerrit.url,
            launchpad_service_root=launchpad.service_root,
            gerrit=gerrit,
            launchpad=launchpad,
            accounts=accounts,
        )
        data = DataSet(
            bug_tasks=tasks + sum(len(b.tasks) for b in sample_bugs.bugs),
            changes=changes + len(sample_changes),
            referenced_bugs=tuple(FIRST_SYNTHETIC_BUG + i for i in range(0, tasks, 15)),
            referenced_changes=tuple(FIRST_SYNTHETIC_CHANGE + i for i in range(0, changes, 17)),
            synthetic_tasks=tasks,
            synthetic_changes=changes,
        )
        yield servers, data


def prepare_database(db_url: str, data: DataSet) -> None:
    """Upgrade the schema and store one event whose actions reference the data set."""
    day = Day("Day 1 - Oct 26, 2020, Mon", PTG_DAY)
    refs = [
        Ref(RefKind.CHANGE, str(n), f"https://review.opendev.org/{n}")
        for n in data.referenced_changes
    ]
    refs += [
        Ref(RefKind.BUG, str(b), f"https://bugs.launchpad.net/bugs/{b}")
        for b in data.referenced_bugs
    ]
    actions = tuple(
        ActionItem(text=f"Sample commitment {i}: follow up on {ref.url}", refs=(ref,), position=i)
        for i, ref in enumerate(refs)
    )
    event = Event(
        team="manila",
        cycle="wallaby",
        title="Synthetic benchmark PTG (sample data)",
        days=(day,),
        topics=(Topic(title="Synthetic commitments", day=day, actions=actions),),
    )
    engine = db.open_engine(db_url)
    try:
        db.upgrade(engine)
        with Session(engine) as session:
            now = datetime.now(UTC)
            repo.save_event(session, event, source_digest="benchmark", now=now, rules=REIMPORT)
            session.commit()
    finally:
        engine.dispose()


# --- the two contenders -----------------------------------------------------------------


def our_sync(servers: SampleServers, db_url: str, cache_dir: Path) -> int:
    """One `syncsvc sync` invocation, as cron would run it (a new context each time)."""
    return sync_once(servers.gerrit_url, servers.launchpad_service_root, db_url, cache_dir)


def sync_outcome(gerrit_url: str, launchpad_root: str, db_url: str, cache_dir: Path) -> SyncOutcome:
    """`syncsvc sync` with the demo projects at these fakes: its scopes and its relink."""
    cfg = demo_config(Config(), gerrit_url=gerrit_url, launchpad_root=launchpad_root)
    app_ctx = AppContext(db_url=db_url, verbosity=-1)
    try:
        return sync_with(app_ctx, cfg, cache_dir=cache_dir)
    finally:
        app_ctx.close()


def sync_once(gerrit_url: str, launchpad_root: str, db_url: str, cache_dir: Path) -> int:
    """`syncsvc sync` with the demo projects at these fakes; returns how many records it
    fetched (bugs, tasks, changes). Raises RuntimeError when a scope failed."""
    report = sync_outcome(gerrit_url, launchpad_root, db_url, cache_dir).sync
    if report.failed:
        failures = [f"{s.source} {s.scope}: {s.error}" for s in report.scopes if s.error]
        raise RuntimeError(f"syncsvc sync failed: {failures}")
    # Comment checks and review reads re-read records already counted: leave them out.
    return sum(s.fetched for s in report.scopes if s.scope not in ("comments", "reviews"))


def naive_sync(servers: SampleServers, data: DataSet, launchpadlib_dir: Path) -> int:
    """What a straightforward script does; returns how many rows it read.

    Launchpad: log in, then for each project ``list(project.searchTasks())`` with
    the default statuses (unresolved only) and read ``task.bug.title``,
    ``task.assignee.name`` and ``task.milestone.name`` per task; for each
    referenced bug, ``lp.bugs[id]`` and its tasks. Gerrit: one request per
    referenced change and one unpaged ``get_all`` per project. There is no
    cursor, so every run reads everything again.
    """
    rows = 0
    lp = Launchpad.login_anonymously(
        "naive-bench",
        service_root=servers.launchpad_service_root,
        version="devel",
        launchpadlib_dir=str(launchpadlib_dir),
        proxy_info=None,
    )

    def read_task(task: Any) -> tuple[object, ...]:  # a launchpadlib Entry: untyped
        assignee, milestone = task.assignee, task.milestone
        return (
            task.bug.title,
            task.status,
            None if assignee is None else assignee.name,
            None if milestone is None else milestone.name,
        )

    for name in DEMO_LAUNCHPAD_PROJECTS:
        for task in list(lp.projects[name].searchTasks()):
            read_task(task)
            rows += 1
    for bug_id in data.referenced_bugs:
        bug = lp.bugs[bug_id]
        _ = bug.title
        for task in bug.bug_tasks:
            _ = task.status, task.importance
            rows += 1
    connection = gerrit_client.connect(servers.gerrit_url)
    connection.session.trust_env = False  # the fake is local: no proxy from the environment
    changes = gerrit_client.get_client("change", connection=connection)
    # get_by_id(n) is the usual call; the fake serves only the query endpoint, so the
    # same single request is made as a change:N query.
    for number in data.referenced_changes:
        rows += len(changes.get_all([f"change:{number}"], options=NAIVE_GERRIT_OPTIONS))
    for project in DEMO_GERRIT_PROJECTS:
        rows += len(changes.get_all([f"project:{project}"], options=NAIVE_GERRIT_OPTIONS))
    connection.session.close()
    return rows


def competent_sync(servers: SampleServers, data: DataSet, launchpadlib_dir: Path) -> int:
    """A careful stateless script; returns how many rows it read.

    Launchpad: log in, then page each project's ``searchTasks`` with every status
    and read each task's fields, taking the bug id, assignee and milestone from
    ``bug_link``, ``assignee_link`` and ``milestone_link`` (strings, never
    followed); for each referenced bug, ``lp.bugs[id]`` and its tasks. Gerrit:
    the referenced changes in one ``change:A OR change:B ...`` query per 50, then
    each project paged at ``n=100`` until ``_more_changes`` is gone. No cursor:
    every run reads everything again.
    """
    rows = 0
    lp = Launchpad.login_anonymously(
        "competent-bench",
        service_root=servers.launchpad_service_root,
        version="devel",
        launchpadlib_dir=str(launchpadlib_dir),
        proxy_info=None,
    )
    for name in DEMO_LAUNCHPAD_PROJECTS:
        for task in lp.projects[name].searchTasks(status=list(SEARCH_STATUSES)):
            _ = (task.title, task.status, task.importance, task.bug_link)
            _ = (task.assignee_link, task.milestone_link, task.date_closed)
            rows += 1
    for bug_id in data.referenced_bugs:
        bug = lp.bugs[bug_id]
        _ = bug.title, bug.tags
        for task in bug.bug_tasks:
            _ = task.status, task.importance, task.bug_target_name, task.assignee_link
            rows += 1
    connection = gerrit_client.connect(servers.gerrit_url)
    connection.session.trust_env = False  # the fake is local: no proxy from the environment
    changes = gerrit_client.get_client("change", connection=connection)
    numbers = list(data.referenced_changes)
    for start in range(0, len(numbers), 50):
        query = "+OR+".join(f"change:{n}" for n in numbers[start : start + 50])
        rows += len(changes.get_all([query], options=NAIVE_GERRIT_OPTIONS, limit=50))
    for project in DEMO_GERRIT_PROJECTS:
        skip = 0
        while True:
            page = changes.get_all(
                [f"project:{project}"], options=NAIVE_GERRIT_OPTIONS, limit=100, skip=skip
            )
            rows += len(page)
            skip += len(page)
            if not page or not page[-1].get("_more_changes"):
                break
    connection.session.close()
    return rows


def move_one_percent(servers: SampleServers, data: DataSet, *, when: datetime) -> None:
    """Move 1% of the synthetic bug tasks and changes (at least one each), evenly spread.

    Each moved task gets the next status; each moved change a Code-Review +1 from
    another account. Both are stamped ``when``, so an incremental poll sees them.
    """
    people = [servers.accounts[name] for name in sorted(servers.accounts)]
    for i in range(0, data.synthetic_tasks, 100):  # every 100th: 1%, at least one
        bug = servers.launchpad.bugs[FIRST_SYNTHETIC_BUG + i]
        task = bug.tasks[0]
        status = TASK_STATUSES[(TASK_STATUSES.index(task.status) + 1) % len(TASK_STATUSES)]
        update_task(servers.launchpad, bug.id, task.target, status=status, when=when)
    for i in range(0, data.synthetic_changes, 100):
        voter = people[(i + 2) % len(people)]
        number = FIRST_SYNTHETIC_CHANGE + i
        update_change(servers.gerrit, number, updated=when, votes={"Code-Review": [(voter, 1)]})


# --- the run ----------------------------------------------------------------------------


@contextmanager
def no_retry_sleep() -> Iterator[None]:
    """Turn launchpadlib's own 502/503 retry sleep off for the run (restored after)."""
    saved = lazr_browser.sleep
    lazr_browser.sleep = lambda _seconds: None
    try:
        yield
    finally:
        lazr_browser.sleep = saved


def run_benchmark(
    work_dir: Path,
    *,
    tasks: int = 300,
    changes: int = 500,
    db_url: str | None = None,
    latency_ms: float = 50.0,
) -> tuple[DataSet, list[Row]]:
    """Run the four scenarios for the three contenders; ``db_url`` must name an empty database.

    Every request to either fake waits ``latency_ms`` first.
    """
    db_url = db_url or f"sqlite:///{work_dir / 'bench.sqlite'}"
    with (
        no_retry_sleep(),
        benchmark_servers(tasks=tasks, changes=changes, latency=latency_ms / 1000) as (
            servers,
            data,
        ),
    ):
        prepare_database(db_url, data)

        def row(scenario: str) -> Row:
            ours = measure(servers, lambda: our_sync(servers, db_url, work_dir / "ours-cache"))
            naive = measure(servers, lambda: naive_sync(servers, data, work_dir / "naive-cache"))
            competent = measure(
                servers, lambda: competent_sync(servers, data, work_dir / "competent-cache")
            )
            return Row(scenario, ours, naive, competent)

        rows = [row("first sync (cold cache)"), row("re-sync, nothing changed")]
        apply_sample_movement(servers)
        rows.append(row("re-sync after sample movement"))
        move_one_percent(servers, data, when=datetime.now(UTC))
        rows.append(row("re-sync after 1% moved"))
    return data, rows


def _cell(m: Measure) -> str:
    return f"{m.seconds:.2f} | {m.requests} ({m.launchpad}+{m.gerrit})"


def format_table(rows: Sequence[Row]) -> str:
    """A Markdown table: seconds and requests (Launchpad + Gerrit) per contender, the
    ratios naive/syncsvc and competent/syncsvc (above 1 favours syncsvc), and how many of
    syncsvc's Gerrit requests read review messages and of its Launchpad requests read
    blueprint pages (both included in its requests)."""
    header = (
        "| scenario | syncsvc s | syncsvc requests (LP+Gerrit) | naive s | naive requests"
        " | competent s | competent requests | requests naive/syncsvc | time naive/syncsvc"
        " | requests competent/syncsvc | time competent/syncsvc"
        " | syncsvc review-message requests | syncsvc blueprint requests |"
    )
    lines = [header, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [
        f"| {r.scenario} | {_cell(r.ours)} | {_cell(r.naive)} | {_cell(r.competent)} "
        f"| {r.request_ratio(r.naive):.1f}x | {r.time_ratio(r.naive):.1f}x "
        f"| {r.request_ratio(r.competent):.1f}x | {r.time_ratio(r.competent):.1f}x "
        f"| {r.ours.reviews} | {r.ours.blueprints} |"
        for r in rows
    ]
    return "\n".join(lines)
