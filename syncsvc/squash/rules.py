"""The squash planning lists, one pure function per list, over plain records.

Every rule takes the clock as ``now`` (aware UTC) and returns bugs in bug-id order.
The rules follow the OpenStack bug-triage routines:

* ``untriaged``: status New, or importance Undecided (a Confirmed bug can still be
  Undecided);
* ``incomplete_answered``: Launchpad's "Incomplete (with response)": a message
  newer than the moment the task went Incomplete;
* ``about_to_expire``: Launchpad expires an Incomplete bug that is unassigned,
  untargeted and not a duplicate after 60 days without activity, in projects that
  enable expiry; listed from 50 days idle, with the days left;
* ``stale_in_progress``: In Progress for more than 14 days with no open change;
* ``inactive_assignee``: assigned, no message and no update for 90 days;
* ``inconsistent``: In Progress with no assignee; New, Confirmed or Triaged with an
  assignee; Fix Committed for more than 30 days;
* ``fix_in_review``: an open change closes it; the submitter is waited on when the
  latest patch set has a -1 or -2 Code-Review (CI's Verified never counts);
* ``candidates``: the low-hanging-fruit tag, Confirmed or Triaged and unassigned, a
  patch attached on Launchpad (its ``has_patch`` search filter), or a Wishlist bug
  older than 365 days.

"Days idle" count from the later of ``date_last_updated`` and ``date_last_message``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from syncsvc.domain import SquashBug, SquashChange

LOW_HANGING_TAG = "low-hanging-fruit"
EXPIRY_DAYS = 60  # Launchpad's bug expiry (help.launchpad.net/Bugs/Expiry)
EXPIRY_WARNING_DAYS = 50
STALE_IN_PROGRESS_DAYS = 14
INACTIVE_ASSIGNEE_DAYS = 90
LONG_FIX_COMMITTED_DAYS = 30
OLD_WISHLIST_DAYS = 365
PATCH_NOTE = "patch attached"


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """What the rules treat specially: the easy-bug tag, and the projects whose bugs
    expire (``None``: all of them)."""

    low_hanging_tag: str = LOW_HANGING_TAG
    expiring_projects: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Listed:
    """A bug on a list, with what the list adds: ``note`` (why it is there, or who is
    waited on) and ``days`` (days left before expiry, or days waiting in review)."""

    bug: SquashBug
    note: str | None = None
    days: int | None = None


@dataclass(frozen=True, slots=True)
class Load:
    """One person's load: open bugs assigned, open changes owned, and reviews waiting
    on them (open changes waiting on reviewers that close a bug assigned to them)."""

    person: str
    bugs_assigned: int
    changes_owned: int
    reviews_waiting: int


def last_activity(bug: SquashBug) -> datetime | None:
    """The later of the bug's last update and last message, if either is known."""
    dates = [d for d in (bug.date_last_updated, bug.date_last_message) if d is not None]
    return max(dates) if dates else None


def days_idle(bug: SquashBug, now: datetime) -> int | None:
    """Whole days since :func:`last_activity` (``None`` when unknown)."""
    last = last_activity(bug)
    return None if last is None else (now - last).days


def _older(when: datetime | None, now: datetime, days: int) -> bool:
    return when is not None and now - when > timedelta(days=days)


def _sorted(items: Iterable[Listed]) -> list[Listed]:
    return sorted(items, key=lambda i: (i.bug.bug_id, i.bug.project))


def untriaged(bugs: Sequence[SquashBug]) -> list[Listed]:
    """Status New, or importance Undecided."""
    return _sorted(Listed(b) for b in bugs if b.status == "New" or b.importance == "Undecided")


def incomplete_answered(bugs: Sequence[SquashBug]) -> list[Listed]:
    """Incomplete with a message newer than the moment it went Incomplete."""
    return _sorted(
        Listed(b)
        for b in bugs
        if b.status == "Incomplete"
        and b.date_incomplete is not None
        and b.date_last_message is not None
        and b.date_last_message > b.date_incomplete
    )


def about_to_expire(
    bugs: Sequence[SquashBug], now: datetime, settings: RuleSettings = RuleSettings()
) -> list[Listed]:
    """Incomplete, unassigned, untargeted, not a duplicate, idle 50+ days, in a project
    that expires bugs; ``days`` is how many are left (0: expires at the next run)."""
    found = []
    for bug in bugs:
        idle = days_idle(bug, now)
        if (
            bug.status == "Incomplete"
            and bug.assignee is None
            and bug.milestone is None
            and bug.duplicate_of is None
            and idle is not None
            and idle >= EXPIRY_WARNING_DAYS
            and (settings.expiring_projects is None or bug.project in settings.expiring_projects)
        ):
            found.append(Listed(bug, days=max(EXPIRY_DAYS - idle, 0)))
    return _sorted(found)


def _open_changes(changes: Sequence[SquashChange]) -> dict[int, list[SquashChange]]:
    by_bug: dict[int, list[SquashChange]] = {}
    for change in changes:
        for bug_id in change.closes:
            by_bug.setdefault(bug_id, []).append(change)
    return by_bug


def stale_in_progress(
    bugs: Sequence[SquashBug], changes: Sequence[SquashChange], now: datetime
) -> list[Listed]:
    """In Progress for more than 14 days (from ``date_in_progress``) with no open change."""
    open_for = _open_changes(changes)
    return _sorted(
        Listed(b)
        for b in bugs
        if b.status == "In Progress"
        and _older(b.date_in_progress, now, STALE_IN_PROGRESS_DAYS)
        and b.bug_id not in open_for
    )


def inactive_assignee(bugs: Sequence[SquashBug], now: datetime) -> list[Listed]:
    """Assigned, with no message and no update for more than 90 days."""
    return _sorted(
        Listed(b, note=b.assignee)
        for b in bugs
        if b.assignee is not None and _older(last_activity(b), now, INACTIVE_ASSIGNEE_DAYS)
    )


def inconsistent(bugs: Sequence[SquashBug], now: datetime) -> list[Listed]:
    """In Progress with no assignee; New, Confirmed or Triaged with one; Fix Committed
    for more than 30 days. ``note`` says which."""
    found = []
    for bug in bugs:
        if bug.status == "In Progress" and bug.assignee is None:
            found.append(Listed(bug, note="In Progress with no assignee"))
        elif bug.status in ("New", "Confirmed", "Triaged") and bug.assignee is not None:
            found.append(Listed(bug, note=f"{bug.status} but assigned"))
        elif bug.status == "Fix Committed" and _older(
            bug.date_fix_committed, now, LONG_FIX_COMMITTED_DAYS
        ):
            found.append(Listed(bug, note="Fix Committed for more than 30 days"))
    return _sorted(found)


def fix_in_review(
    bugs: Sequence[SquashBug], changes: Sequence[SquashChange], now: datetime
) -> list[Listed]:
    """Bugs an open change closes. ``note`` is ``submitter`` when a closing change has a
    -1/-2 Code-Review on its latest patch set, else ``reviewers``; ``days`` counts
    from the oldest update among the changes waited on."""
    open_for = _open_changes(changes)
    found = []
    for bug in bugs:
        mine = open_for.get(bug.bug_id)
        if not mine:
            continue
        blocked = [c for c in mine if c.code_review < 0]
        waited = blocked or mine
        since = min(c.updated for c in waited)
        note = "submitter" if blocked else "reviewers"
        found.append(Listed(bug, note=note, days=max((now - since).days, 0)))
    return _sorted(found)


def candidates(
    bugs: Sequence[SquashBug], now: datetime, settings: RuleSettings = RuleSettings()
) -> list[Listed]:
    """The low-hanging-fruit tag; Confirmed or Triaged and unassigned; a patch attached;
    Wishlist bugs older than 365 days. ``note`` says which (the first that applies)."""
    found = []
    for bug in bugs:
        if settings.low_hanging_tag in bug.tags:
            found.append(Listed(bug, note=settings.low_hanging_tag))
        elif bug.status in ("Confirmed", "Triaged") and bug.assignee is None:
            found.append(Listed(bug, note=f"{bug.status}, unassigned"))
        elif bug.has_patch:
            found.append(Listed(bug, note=PATCH_NOTE))
        elif bug.importance == "Wishlist" and _older(bug.date_created, now, OLD_WISHLIST_DAYS):
            found.append(Listed(bug, note="old Wishlist"))
    return _sorted(found)


def load(bugs: Sequence[SquashBug], changes: Sequence[SquashChange]) -> list[Load]:
    """Per person (Launchpad name for bugs, Gerrit username for changes; the same
    string counts as one person), most loaded first, then by name."""
    assigned = Counter(b.assignee for b in bugs if b.assignee is not None)
    owned = Counter(c.owner for c in changes if c.owner is not None)
    assignee_of = {b.bug_id: b.assignee for b in bugs if b.assignee is not None}
    waiting: Counter[str] = Counter()
    for change in changes:
        if change.code_review >= 0:
            for person in {assignee_of[b] for b in change.closes if b in assignee_of}:
                if person != change.owner:
                    waiting[person] += 1
    people = set(assigned) | set(owned) | set(waiting)
    loads = [Load(p, assigned[p], owned[p], waiting[p]) for p in people]
    return sorted(loads, key=lambda x: (-(x.bugs_assigned + x.changes_owned), x.person))
