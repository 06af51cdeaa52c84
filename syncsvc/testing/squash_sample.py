"""The squash sample data set: 180 open Launchpad bug tasks across three Manila projects
(plus duplicates, private and closed bugs) and the open Gerrit changes that fix some
of them, as of :data:`SQUASH_NOW`, a Monday before a bug-squash Thursday in 2021.

Sample data, generated: kept apart from the demo's recorded sample (``syncsvc.data``)
so that its pinned outputs and request counts hold. Every squash list has members;
bug ``SQUASH_BASE + 100 * p + i`` is task ``i`` of project ``p``, and its kind is
``KINDS[i % len(KINDS)]``, so tests can name the expected ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from syncsvc.domain import Account
from syncsvc.testing.demo_servers import KEEP, add_comment, update_task
from syncsvc.testing.fake_gerrit import ChangeInfo, FakeGerrit, make_change
from syncsvc.testing.fake_launchpad import FakeLaunchpad
from syncsvc.testing.fake_launchpad_data import FakeAttachment, FakeMessage, FakeTask

SQUASH_NOW = datetime(2021, 6, 14, 12, 0, tzinfo=UTC)
SQUASH_PROJECTS = ("manila", "python-manilaclient", "manila-ui")
SQUASH_GERRIT_PROJECTS = tuple(f"openstack/{p}" for p in SQUASH_PROJECTS)
SQUASH_BASE = 1930000
PER_PROJECT = 60
PEOPLE = ("sample-dev-a", "sample-dev-b", "sample-dev-c", "sample-dev-d")
EASY = "low-hanging-fruit"
SQUASH_TAG = "squash-sample"  # the sample squash's event tag, on manila-ui's stale bugs
#: What each task is, in turn; ``i % 12`` picks one.
KINDS = (
    "new",  # New, Undecided, tagged easy
    "confirmed",  # Confirmed, unassigned, tagged easy
    "triaged",  # Triaged, unassigned
    "incomplete-answered",  # Incomplete, answered after it went Incomplete, tagged easy
    "expiring",  # Incomplete, unassigned, idle 52-58 days, tagged easy
    "stale",  # In Progress 30 days, assigned, no open change, a patch attached on Launchpad
    "in-review",  # In Progress, an open change with no -1
    "submitter",  # In Progress, an open change with a -1 Code-Review
    "inactive",  # Confirmed, assigned, quiet for 120 days
    "unassigned-progress",  # In Progress with no assignee, tagged easy
    "long-fix-committed",  # Fix Committed 45 days ago
    "old-wishlist",  # New, Wishlist, filed 400 days ago
)
EXTRA_BUGS = {
    "duplicate": SQUASH_BASE + 900,  # a duplicate of the first bug
    "private": SQUASH_BASE + 901,  # private, never listed without --include-private
    "fixed": SQUASH_BASE + 902,  # Fix Released, not open
}
CHANGE_BASE = 790000


def _ago(days: float) -> datetime:
    return SQUASH_NOW - timedelta(days=days)


@dataclass(frozen=True, slots=True)
class SquashBugSpec:
    """One generated task, before it is stored in a fake."""

    bug_id: int
    project: str
    kind: str
    index: int


def squash_bugs() -> list[SquashBugSpec]:
    """Every generated task, by bug id."""
    return [
        SquashBugSpec(SQUASH_BASE + 100 * p + i, project, KINDS[i % len(KINDS)], i)
        for p, project in enumerate(SQUASH_PROJECTS)
        for i in range(PER_PROJECT)
    ]


def ids_of(kind: str) -> list[int]:
    """The bug ids of one kind, in order."""
    return [s.bug_id for s in squash_bugs() if s.kind == kind]


def _add(lp: FakeLaunchpad, spec: SquashBugSpec) -> None:
    person = PEOPLE[spec.index % len(PEOPLE)]
    kind = spec.kind
    status, importance, assignee = "Confirmed", ("High", "Medium", "Low")[spec.index % 3], None
    updated, created, dates = _ago(2 + spec.index % 5), _ago(200 + spec.index), {}
    messages: list[FakeMessage] = []
    attachments: list[FakeAttachment] = []
    tags = [EASY] if kind in ("new", "confirmed", "incomplete-answered", "expiring") else []
    if kind == "unassigned-progress":
        tags = [EASY]
    if kind == "stale" and spec.project == "manila-ui":
        tags = [SQUASH_TAG]
    if kind == "new":
        status, importance = "New", "Undecided"
    elif kind == "triaged":
        status = "Triaged"
    elif kind == "incomplete-answered":
        status = "Incomplete"
        dates = {"date_incomplete": _ago(20)}
        messages = [FakeMessage("Here are the logs you asked for.", date_created=_ago(3))]
    elif kind == "expiring":
        status, updated = "Incomplete", _ago(52 + spec.index % 7)
        dates = {"date_incomplete": updated}
    elif kind in ("stale", "in-review", "submitter"):
        status, assignee = "In Progress", person
        dates = {"date_in_progress": _ago(30)}
        if kind == "stale":  # the fix sits on Launchpad as a patch, never proposed in Gerrit
            attachments = [FakeAttachment("fix.patch", owner=person, date_created=_ago(25))]
    elif kind == "inactive":
        assignee, updated = person, _ago(120)
    elif kind == "unassigned-progress":
        status = "In Progress"
        dates = {"date_in_progress": _ago(5)}
    elif kind == "long-fix-committed":
        status, assignee = "Fix Committed", person
        dates = {"date_fix_committed": _ago(45)}
    elif kind == "old-wishlist":
        status, importance, created = "New", "Wishlist", _ago(400)
    task = FakeTask(spec.project, status, importance, assignee=assignee, dates=dates)
    lp.add_bug(
        spec.bug_id,
        f"Sample {spec.project} bug {spec.index} ({kind})",
        tags,
        tasks=[task],
        messages=messages,
        date_created=min(created, updated),
        date_last_updated=updated,
        attachments=attachments,
    )


def seed_squash_launchpad(lp: FakeLaunchpad) -> None:
    """Store the generated tasks and the three extra bugs in ``lp``."""
    for spec in squash_bugs():
        _add(lp, spec)
    first = SQUASH_BASE
    lp.add_bug(
        EXTRA_BUGS["duplicate"],
        "Sample duplicate bug",
        tasks=[FakeTask("manila", "Confirmed", "Low")],
        duplicate_of=first,
        date_last_updated=_ago(4),
    )
    lp.add_bug(
        EXTRA_BUGS["private"],
        "Sample private security bug",
        tasks=[FakeTask("manila", "New")],
        private=True,
        date_last_updated=_ago(4),
    )
    lp.add_bug(
        EXTRA_BUGS["fixed"],
        "Sample fixed bug",
        tasks=[FakeTask("manila", "Fix Released", "High")],
        date_last_updated=_ago(10),
    )


def squash_changes() -> list[ChangeInfo]:
    """One open change per "in-review" and "submitter" bug, closing it; the submitter's
    have a -1 Code-Review from a reviewer."""
    reviewer = Account(9001, "sample-core", "Sample Core", "core@example.org")
    found = []
    for spec in squash_bugs():
        if spec.kind not in ("in-review", "submitter"):
            continue
        number = CHANGE_BASE + spec.bug_id - SQUASH_BASE
        owner_name = PEOPLE[spec.index % len(PEOPLE)]
        owner = Account(8000 + spec.index % len(PEOPLE), owner_name, owner_name.title(), None)
        subject = f"Fix sample bug {spec.bug_id}"
        labels = {"Code-Review": [(reviewer, -1)]} if spec.kind == "submitter" else {}
        found.append(
            make_change(
                number,
                project=f"openstack/{spec.project}",
                subject=subject,
                owner=owner,
                created=_ago(12),
                updated=_ago(9 if spec.kind == "in-review" else 4),
                commit_message=f"{subject}\n\nCloses-Bug: #{spec.bug_id}\n"
                f"Change-Id: I{number:040d}\n",
                labels=labels,
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class SquashServers:
    """The running fakes holding the squash sample."""

    launchpad: FakeLaunchpad
    gerrit: FakeGerrit


@contextmanager
def squash_servers() -> Iterator[SquashServers]:
    """Start FakeLaunchpad and FakeGerrit with the squash sample; stop them on exit."""
    with FakeGerrit(changes=squash_changes()) as gerrit, FakeLaunchpad() as launchpad:
        seed_squash_launchpad(launchpad)
        yield SquashServers(launchpad, gerrit)


# --- the sample squash day: a window, and what people did in it ----------------------

#: "As long as it is still Thursday somewhere": Thursday 00:00 at UTC+14 to Friday
#: 00:00 at UTC-12 (2021-06-16 10:00 to 2021-06-18 12:00 UTC).
SQUASH_NAME = "sample-squash"
SQUASH_FROM = "2021-06-17T00:00:00+14:00"
SQUASH_TO = "2021-06-18T00:00:00-12:00"
#: The first sync, before the window: it reads every open bug.
FIRST_SYNC = datetime(2021, 6, 15, 12, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Move:
    """One task change ``by`` a person (or a bot) during the squash, or a ``comment``
    by them (then nothing else changes)."""

    bug_id: int
    status: str | None = None
    assignee: str | None = None
    by: str = "sample-dev-a"
    comment: str | None = None


def _moves(kind: str, count: int, skip: int = 0, **change: str) -> list[Move]:
    return [Move(b, **change) for b in ids_of(kind)[skip : skip + count]]


#: Launchpad's account that expires old Incomplete bugs; the Gerrit hook's, which sets
#: Fix Released when a fix merges (one of the default ``[squash] bots``).
JANITOR, GERRIT_HOOK, INFRA = "janitor", "hudson-openstack", "openstack-infra"


FIX_MERGED = "The fix merged; thanks for the reviews."
STILL_ON_IT = "Are you still working on this? Otherwise I can take it."

#: Sync times in the window and the changes made just before each (the first: none).
SQUASH_ROUNDS: tuple[tuple[datetime, tuple[Move, ...]], ...] = (
    (datetime(2021, 6, 16, 11, 0, tzinfo=UTC), ()),
    (
        datetime(2021, 6, 16, 20, 0, tzinfo=UTC),
        (
            *_moves("new", 8, status="Invalid", by="sample-dev-a"),
            *_moves("confirmed", 6, status="Triaged", by="sample-dev-c"),
            *_moves("triaged", 5, status="In Progress", assignee="sample-dev-b", by="sample-dev-b"),
        ),
    ),
    (
        datetime(2021, 6, 17, 14, 0, tzinfo=UTC),
        (
            *_moves("in-review", 10, status="Fix Released", by=GERRIT_HOOK),
            *_moves("old-wishlist", 5, status="Won't Fix", by="sample-dev-d"),
            *_moves("new", 7, skip=8, status="Confirmed", by="sample-dev-c"),
            # Six of the ten fixes get a word from their author: only those count for the
            # event (the hook's closing alone is a bot's change).
            *_moves("in-review", 6, comment=FIX_MERGED, by="sample-dev-c"),
            # A comment alone touches a bug: these count, though nothing else moved.
            *_moves("inactive", 2, comment=STILL_ON_IT, by="sample-dev-d"),
        ),
    ),
    (
        datetime(2021, 6, 18, 9, 0, tzinfo=UTC),
        (
            *_moves("expiring", 6, status="Expired", by=JANITOR),
            *_moves("incomplete-answered", 4, status="Confirmed", by="sample-dev-a"),
            *_moves("triaged", 3, status="Fix Released", by=INFRA),
        ),
    ),
)


def apply_moves(lp: FakeLaunchpad, moves: tuple[Move, ...], when: datetime) -> None:
    """Make ``moves`` on the fake at ``when`` (each a minute apart), as Launchpad would
    record them (the bug's activity log names who made each)."""
    for step, move in enumerate(moves):
        moment = when - timedelta(hours=1) + timedelta(minutes=step)
        if move.comment is not None:
            add_comment(lp, move.bug_id, move.by, move.comment, when=moment)
            continue
        target = lp.bugs[move.bug_id].tasks[0].target
        update_task(
            lp,
            move.bug_id,
            target,
            status=move.status,
            assignee=KEEP if move.assignee is None else move.assignee,
            when=moment,
            by=move.by,
        )
