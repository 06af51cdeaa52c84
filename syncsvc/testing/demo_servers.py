"""Fake Gerrit and Launchpad servers holding the bundled SAMPLE data set, and movements.

``with sample_servers() as servers:`` starts both on 127.0.0.1 (free ports) and
yields their URLs: point a GerritAdapter at ``servers.gerrit_url`` and a
LaunchpadConfig at ``servers.launchpad_service_root``. The data
(``syncsvc.data`` / ``sample/``) is a Manila Wallaby-cycle picture as of
2021-06-30. Movements change a running fake the way Gerrit or Launchpad would
record an event: :func:`update_change`, :func:`update_task`, :func:`add_comment`, and
:func:`apply_sample_movement` for a scripted week of progress after the snapshot.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import Enum
from typing import Any, Literal

from syncsvc.domain import Account, BugTaskStatus, ChangeStatus
from syncsvc.testing.dataset import (
    CHANGE_STATUSES,
    JSON,
    account_info,
    accounts_in,
    apply_launchpad_dataset,
    sample_gerrit_dataset,
    sample_launchpad_dataset,
)
from syncsvc.testing.fake_gerrit import LABEL_RANGES, ChangeInfo, FakeGerrit, gerrit_time
from syncsvc.testing.fake_launchpad import FakeBug, FakeLaunchpad, FakeMessage
from syncsvc.testing.fake_launchpad_data import (
    CLOSED_STATUSES,
    IMPORTANCES,
    STATUS_DATES,
    TASK_STATUSES,
    task_activity,
)
from syncsvc.testing.fake_launchpad_write import shown_dates


class _Keep(Enum):
    KEEP = "keep"


KEEP = _Keep.KEEP  # update_task: leave the assignee or milestone as it is
DEFAULT_ACTOR = "sample-triager"  # update_task: who made a change no one is named for

# What apply_sample_movement changes (all SAMPLE events).
MOVED_CHANGE = 775513  # gouthamr's secure RBAC defaults: NEW -> MERGED
DRIFT_BUG = 1914521  # fixed by merged change 776544 but left In Progress -> Fix Released
CLAIMED_BUG = 1902391  # an unassigned low-hanging-fruit bug -> In Progress, sample-dev-a


@dataclass(frozen=True, slots=True)
class SampleServers:
    """The running sample servers; the fakes stay usable for movements and fault injection."""

    gerrit_url: str
    launchpad_service_root: str
    gerrit: FakeGerrit
    launchpad: FakeLaunchpad
    accounts: Mapping[str, Account]  # the sample's Gerrit accounts by username


@contextmanager
def sample_servers(*, gerrit_users: Mapping[str, str] | None = None) -> Iterator[SampleServers]:
    """Start FakeGerrit and FakeLaunchpad with the bundled sample data; stop them on exit.

    ``gerrit_users`` maps usernames to HTTP passwords accepted under ``/a/``.
    Raises DatasetError if the bundled data does not load.
    """
    changes = sample_gerrit_dataset()
    bugs = sample_launchpad_dataset()
    with FakeGerrit(changes=changes, users=gerrit_users) as gerrit, FakeLaunchpad() as launchpad:
        apply_launchpad_dataset(launchpad, bugs)
        yield SampleServers(
            gerrit_url=gerrit.url,
            launchpad_service_root=launchpad.service_root,
            gerrit=gerrit,
            launchpad=launchpad,
            accounts=accounts_in(changes),
        )


def apply_sample_movement(servers: SampleServers, *, when: datetime | None = None) -> None:
    """A week's progress after the snapshot, all at ``when`` (default now).

    Change 775513 is approved and merged; drift bug 1914521 is closed (Fix
    Released) with a comment; bug 1902391 is claimed by sample-dev-a.
    """
    when = when or datetime.now(UTC)
    people = servers.accounts
    update_change(
        servers.gerrit,
        MOVED_CHANGE,
        status=ChangeStatus.MERGED,
        updated=when,
        votes={
            "Code-Review": [(people["dviroel"], 2)],
            "Workflow": [(people["dviroel"], 1)],
            "Verified": [(people["zuul"], 2)],
        },
        message=(people["zuul"], "Change has been successfully merged by Zuul."),
        submitter=people["zuul"],
    )
    update_task(
        servers.launchpad,
        DRIFT_BUG,
        "manila",
        status=BugTaskStatus.FIX_RELEASED,
        when=when,
        comment=("vkmc", "Fixed by https://review.opendev.org/776544 in wallaby-rc1."),
    )
    update_task(
        servers.launchpad,
        CLAIMED_BUG,
        "manila",
        status=BugTaskStatus.IN_PROGRESS,
        assignee="sample-dev-a",
        when=when,
        comment=("sample-dev-a", "I will take this one for the bug squash."),
    )


# --- movements -------------------------------------------------------------------------


def update_change(
    fake: FakeGerrit,
    number: int,
    *,
    status: str | None = None,
    updated: datetime | None = None,
    votes: Mapping[str, Sequence[tuple[Account, int]]] | None = None,
    message: tuple[Account, str] | None = None,
    submitter: Account | None = None,
) -> ChangeInfo:
    """Move the stored change ``number`` on, as Gerrit records it, and return it.

    ``updated`` (default now, timezone-aware) becomes the change's ``updated``
    and the date of every new vote and message, so the change shows up in a
    later ``after:`` query. ``status="MERGED"`` sets ``submitted`` and the
    ``submitter`` (given, else the one stored, else the owner); NEW or ABANDONED
    clears both. ``votes`` replace the same account's vote on each label.
    Raises KeyError for an unknown change, ValueError for a bad status or vote.
    """
    when = _now(updated)
    stamp = gerrit_time(when)
    info = fake.get_change(number)
    info["updated"] = stamp
    if status is not None:
        info["status"] = _check(status, CHANGE_STATUSES, "status")
        if status == ChangeStatus.MERGED:
            info["submitted"] = stamp
            if submitter is not None or "submitter" not in info:
                info["submitter"] = account_info(submitter or _owner(info))
        else:
            info.pop("submitted", None)
            info.pop("submitter", None)
    for name, new_votes in (votes or {}).items():
        _vote(info, name, new_votes, stamp)
    if message is not None:
        author, text = message
        revision = info.get("revisions", {}).get(info.get("current_revision"), {})
        digest = hashlib.sha1(f"{number}/{stamp}/{text}".encode(), usedforsecurity=False)
        info.setdefault("messages", []).append(
            {
                "id": digest.hexdigest(),
                "author": account_info(author),
                "date": stamp,
                "message": text,
                "_revision_number": revision.get("_number", 1),
            }
        )
    fake.add_change(info)
    return info


def _owner(info: Mapping[str, Any]) -> Account:
    owner = info["owner"]
    return Account(
        owner["_account_id"], owner.get("username"), owner.get("name"), owner.get("email")
    )


def _vote(info: JSON, name: str, votes: Sequence[tuple[Account, int]], stamp: str) -> None:
    top = LABEL_RANGES.get(name, 1)
    label = info.setdefault("labels", {}).setdefault(
        name, {"all": [], "values": {f"{v:+d}": f"{name} {v:+d}" for v in range(-top, top + 1)}}
    )
    allowed = {int(v) for v in label.get("values", {})} | {0}
    for acct, value in votes:
        if value not in allowed:
            raise ValueError(f"{name} {value:+d} is out of range")
        others = [v for v in label["all"] if v["_account_id"] != acct.account_id]
        label["all"] = [*others, {**account_info(acct), "value": value, "date": stamp}]


def update_task(
    fake: FakeLaunchpad,
    bug_id: int,
    target: str,
    *,
    status: str | None = None,
    importance: str | None = None,
    assignee: str | Literal[_Keep.KEEP] | None = KEEP,
    milestone: str | Literal[_Keep.KEEP] | None = KEEP,
    when: datetime | None = None,
    comment: tuple[str, str] | None = None,
    by: str | None = None,
) -> FakeBug:
    """Move bug ``bug_id``'s task on ``target`` on, as Launchpad records it, and return the bug.

    ``when`` (default now, timezone-aware) becomes the bug's ``date_last_updated``
    (so the bug matches a later ``modified_since``) and the date Launchpad stamps
    for the change: ``date_<status>``, ``date_left_new``, ``date_closed`` (cleared,
    with ``date_left_closed`` set, on reopening) and ``date_assigned``. Earlier
    dates keep their values. ``assignee``/``milestone`` ``None`` clears them;
    ``comment`` is ``(person, text)``. The bug's activity log gets a line per changed
    status, importance and assignee, made by ``by`` (default: the comment's author,
    else ``sample-triager``). New people and milestones are registered.
    Raises KeyError for an unknown bug or target, ValueError for a bad status.
    """
    moment = _now(when)
    bug = fake.bugs[bug_id]
    index = next((i for i, t in enumerate(bug.tasks) if t.target == target), None)
    if index is None:
        raise KeyError(f"bug {bug_id} has no task on {target}")
    task = bug.tasks[index]
    dates = shown_dates(task, bug.date_last_updated)
    new_status = task.status if status is None else _check(status, TASK_STATUSES, "status")
    if new_status != task.status:
        if task.status == BugTaskStatus.NEW:
            dates["date_left_new"] = moment
        if new_status in STATUS_DATES:
            dates[STATUS_DATES[BugTaskStatus(new_status)]] = moment
        if new_status in CLOSED_STATUSES:
            dates["date_closed"] = moment
        elif task.status in CLOSED_STATUSES:
            dates["date_left_closed"], dates["date_closed"] = moment, None
    new_assignee = task.assignee if assignee is KEEP else assignee
    if new_assignee != task.assignee:
        dates["date_assigned"] = moment if new_assignee else None
        if new_assignee:
            fake.add_person(new_assignee)
    new_milestone = task.milestone if milestone is KEEP else milestone
    if new_milestone is not None and (task.project, new_milestone) not in fake.milestones:
        fake.add_milestone(task.project, new_milestone)
    new_task = replace(
        task,
        status=new_status,
        importance=task.importance
        if importance is None
        else _check(importance, IMPORTANCES, "importance"),
        assignee=new_assignee,
        milestone=new_milestone,
        dates=dates,
    )
    messages = list(bug.messages)
    if comment is not None:
        fake.add_person(comment[0])
        messages.append(FakeMessage(comment[1], owner=comment[0], date_created=moment))
    tasks = [*bug.tasks[:index], new_task, *bug.tasks[index + 1 :]]
    person = by or (comment[0] if comment is not None else DEFAULT_ACTOR)
    fake.add_person(person)
    lines = [*bug.activity, *task_activity(task, new_task, person=person, when=moment)]
    moved = replace(bug, tasks=tasks, messages=messages, date_last_updated=moment, activity=lines)
    fake.bugs[bug_id] = moved  # one assignment: a request sees the old bug or the new one
    return moved


def add_comment(
    fake: FakeLaunchpad,
    bug_id: int,
    person: str,
    content: str,
    *,
    subject: str | None = None,
    when: datetime | None = None,
) -> FakeBug:
    """Add a comment by ``person`` to bug ``bug_id`` at ``when`` (default now, aware).

    As on Launchpad, the bug's ``date_last_updated`` moves to ``when`` (a later
    ``modified_since`` search finds it) and so do its ``date_last_message`` and
    ``message_count``. ``subject`` ``None`` reads as "Re: <title>". Returns the
    bug; raises KeyError for an unknown bug.
    """
    moment = _now(when)
    bug = fake.bugs[bug_id]
    fake.add_person(person)
    message = FakeMessage(content, subject, owner=person, date_created=moment)
    moved = replace(bug, messages=[*bug.messages, message], date_last_updated=moment)
    fake.bugs[bug_id] = moved
    return moved


def _check(value: str, allowed: Sequence[str], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"{what} {value!r} is not one of {', '.join(allowed)}")
    return value


def _now(when: datetime | None) -> datetime:
    if when is None:
        return datetime.now(UTC)
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("the movement time must be timezone-aware")
    return when.astimezone(UTC)
