"""Writes for :mod:`syncsvc.testing.fake_launchpad`: PATCH of a bug task, as lazr.restful does it.

launchpadlib's ``task.status = "Fix Released"; task.lp_save()`` sends ``PATCH
<target>/+bug/<id>`` with a JSON object of the changed fields, ``Content-Type:
application/json``, ``If-Match: <http_etag>`` and the OAuth ``Authorization``
header. Only ``status``, ``importance``, ``assignee_link`` and ``milestone_link``
are writable (the WADL's ``bug_task-diff``); other known fields are read-only and
unknown ones do not exist (both 400, as lazr.restful words it). A stale
``If-Match`` is 412. The change is stamped the way Launchpad records it:
``date_<status>``, ``date_left_new``, ``date_closed``/``date_left_closed`` and
``date_assigned`` take the write's time, which also becomes the bug's
``date_last_updated``; dates already shown keep their values.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from syncsvc.domain import BugTaskStatus
from syncsvc.testing.fake_launchpad_data import (
    CLOSED_STATUSES,
    IMPORTANCES,
    STATUS_DATES,
    TASK_STATUSES,
    BadRequestError,
    FakeBug,
    FakeTask,
    JSONDict,
    Renderer,
    wadl_fields,
)
from syncsvc.testing.fake_launchpad_http import ServedError

WRITABLE_TASK_FIELDS = ("status", "importance", "assignee_link", "milestone_link")
# A status users may set (Launchpad keeps "Unknown" for bug watches).
SETTABLE_STATUSES = tuple(s for s in TASK_STATUSES if s != BugTaskStatus.UNKNOWN)


def write_task(
    renderer: Renderer,
    bug: FakeBug,
    target: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: datetime,
    known: tuple[Collection[str], Collection[tuple[str, str]]],
) -> tuple[FakeBug, JSONDict]:
    """The bug after PATCHing its ``target`` task, and the task's new entry.

    ``known`` holds the people and the (project, milestone) pairs links may name.
    Raises ServedError: 404 no such task, 415 not JSON, 412 stale ``If-Match``,
    400 a bad or read-only field.
    """
    task = next((t for t in bug.tasks if t.target == target), None)
    if task is None:
        raise ServedError(404, f"Object: <Launchpad>, name: '{target}/+bug/{bug.id}'")
    if headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise ServedError(415, "Expected a PATCH body of type application/json.")
    if_match = headers.get("if-match", "*")
    if if_match not in ("*", renderer.task(bug, task)["http_etag"]):
        raise ServedError(412, "The resource has changed since you last fetched it.")
    try:
        changes = parse_patch(body)
        moved = patched_bug(
            bug, target, changes, api=renderer.api, now=now, people=known[0], milestones=known[1]
        )
    except BadRequestError as exc:
        raise ServedError(400, str(exc)) from exc
    return moved, renderer.task(moved, next(t for t in moved.tasks if t.target == target))


def parse_patch(body: bytes) -> dict[str, Any]:
    """The JSON object of a PATCH body; BadRequestError for anything else."""
    try:
        changes = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequestError(f"Expected a JSON object: {exc}") from exc
    if not isinstance(changes, dict):
        raise BadRequestError("Expected a JSON object.")
    return changes


def patched_bug(
    bug: FakeBug,
    target: str,
    changes: Mapping[str, Any],
    *,
    api: str,
    now: datetime,
    people: Collection[str],
    milestones: Collection[tuple[str, str]],
) -> FakeBug:
    """A copy of ``bug`` with its ``target`` task changed; BadRequestError names a bad field.

    KeyError if the bug has no task on ``target``. Every task's shown dates are
    frozen first, so moving the bug's ``date_last_updated`` changes no other date.
    """
    index = next(i for i, t in enumerate(bug.tasks) if t.target == target)
    task = bug.tasks[index]
    known = wadl_fields("bug_task-full")
    for name in changes:
        if name not in WRITABLE_TASK_FIELDS:
            what = "read-only" if name in known or name.endswith("_link") else "nonexistent"
            raise BadRequestError(f"{name}: You tried to modify a {what} attribute.")
    status = _choice(changes, "status", SETTABLE_STATUSES, task.status)
    importance = _choice(changes, "importance", IMPORTANCES, task.importance)
    assignee = task.assignee
    if "assignee_link" in changes:
        assignee = _linked_name(changes["assignee_link"], f"{api}~", "assignee_link")
        if assignee is not None and assignee not in people:
            raise BadRequestError(f"assignee_link: No such person: {assignee!r}.")
    milestone = task.milestone
    if "milestone_link" in changes:
        prefix = f"{api}{task.project}/+milestone/"
        milestone = _linked_name(changes["milestone_link"], prefix, "milestone_link")
        if milestone is not None and (task.project, milestone) not in milestones:
            raise BadRequestError(f"milestone_link: No such milestone: {milestone!r}.")
    tasks = [replace(t, dates=shown_dates(t, bug.date_last_updated)) for t in bug.tasks]
    dates = dict(tasks[index].dates)
    if status != task.status:
        if task.status == BugTaskStatus.NEW:
            dates["date_left_new"] = now
        if status in STATUS_DATES:
            dates[STATUS_DATES[BugTaskStatus(status)]] = now
        if status in CLOSED_STATUSES:
            dates["date_closed"] = now
        elif task.status in CLOSED_STATUSES:
            dates["date_left_closed"], dates["date_closed"] = now, None
    if assignee != task.assignee:
        dates["date_assigned"] = now if assignee else None
    tasks[index] = replace(
        task,
        status=status,
        importance=importance,
        assignee=assignee,
        milestone=milestone,
        dates=dates,
    )
    return replace(bug, tasks=tasks, date_last_updated=now)


def shown_dates(task: FakeTask, last_updated: datetime) -> dict[str, datetime | None]:
    """The dates the fake shows for ``task``: derived from the bug's last update, then overrides."""
    shown: dict[str, datetime | None] = {}
    if task.status != BugTaskStatus.NEW:
        shown["date_left_new"] = last_updated
    if task.assignee is not None:
        shown["date_assigned"] = last_updated
    if task.status in STATUS_DATES:
        shown[STATUS_DATES[BugTaskStatus(task.status)]] = last_updated
    if task.status in CLOSED_STATUSES:
        shown["date_closed"] = last_updated
    return {**shown, **task.dates}


def _choice(changes: Mapping[str, Any], name: str, allowed: tuple[str, ...], old: str) -> str:
    if name not in changes:
        return old
    value = changes[name]
    if value not in allowed:
        raise BadRequestError(
            f'{name}: Invalid value "{value}". Acceptable values are: {", ".join(allowed)}'
        )
    return str(value)


def _linked_name(link: object, prefix: str, name: str) -> str | None:
    if link is None:
        return None
    if not isinstance(link, str) or not link.startswith(prefix) or "/" in link[len(prefix) :]:
        raise BadRequestError(f"{name}: {link!r} is not a link this field accepts.")
    return link[len(prefix) :]
