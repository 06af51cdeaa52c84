"""Status history: what the remote dates say happened, besides what a sync observed.

Pure functions over records; the storage loads them
(:func:`syncsvc.models.status_queries.status_inputs`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Protocol

from syncsvc.domain import CLOSED_CHANGE_STATUSES, ArtifactKey, BugTaskStatus
from syncsvc.domain.sync import HistoryEvent

STATUS_FIELD = "status"


class ChangeDates(Protocol):
    """What :func:`remote_transitions` reads of a change (a ``Change`` has it)."""

    @property
    def number(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def submitted(self) -> datetime | None: ...
    @property
    def updated(self) -> datetime: ...


class TaskDates(Protocol):
    """What :func:`remote_transitions` reads of a bug task (a ``BugTask`` has it)."""

    @property
    def bug_id(self) -> int: ...
    @property
    def target(self) -> str: ...
    @property
    def date_in_progress(self) -> datetime | None: ...
    @property
    def date_fix_committed(self) -> datetime | None: ...
    @property
    def date_fix_released(self) -> datetime | None: ...


def remote_transitions(
    changes: Iterable[ChangeDates],
    tasks: Iterable[TaskDates],
    seen: Sequence[HistoryEvent],
    *,
    since: datetime,
    until: datetime,
    known: Collection[tuple[str, str | None]] | None = None,
) -> list[HistoryEvent]:
    """Status changes the remote dates put in ``[since, until]`` but no sync observed
    (``seen``, or ``known``: the (key, status) pairs of the status rows syncs observed
    since ``since``, when the caller read those apart from ``seen``).

    A change merged before the first sync is stored already MERGED: Gerrit's
    ``submitted`` still says when (else its last update). Likewise a bug task's
    ``date_in_progress``, ``date_fix_committed`` and ``date_fix_released``.
    """
    if known is None:
        known = {(e.key, e.new_value) for e in seen if e.field == STATUS_FIELD}
    found: list[HistoryEvent] = []
    for change in changes:
        if change.status not in CLOSED_CHANGE_STATUSES:
            continue
        closed_at = change.submitted or change.updated
        key = str(ArtifactKey.change(change.number))
        if since <= closed_at <= until and (key, str(change.status)) not in known:
            found.append(HistoryEvent(key, STATUS_FIELD, str(change.status), closed_at))
    for task in tasks:
        key = str(ArtifactKey.bug(task.bug_id, task.target))
        for status, reached in (
            (BugTaskStatus.IN_PROGRESS, task.date_in_progress),
            (BugTaskStatus.FIX_COMMITTED, task.date_fix_committed),
            (BugTaskStatus.FIX_RELEASED, task.date_fix_released),
        ):
            if reached is not None and since <= reached <= until and (key, status) not in known:
                found.append(HistoryEvent(key, STATUS_FIELD, str(status), reached))
    return found


def status_history(
    observed: Sequence[HistoryEvent],
    changes: Iterable[ChangeDates],
    tasks: Iterable[TaskDates],
    *,
    since: datetime,
    until: datetime,
    known: Collection[tuple[str, str | None]] | None = None,
) -> list[HistoryEvent]:
    """The ``observed`` history followed by the :func:`remote_transitions` it lacks
    (``known``: see there)."""
    found = remote_transitions(changes, tasks, observed, since=since, until=until, known=known)
    return [*observed, *found]
