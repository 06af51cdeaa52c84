"""The status service: resolve the window, ask storage for the facts, build the report.

Storage filters by owner and topic (in SQL); the core reaches it only through
:class:`StatusReader`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from syncsvc.domain import HistoryEvent
from syncsvc.report.history import ChangeDates, TaskDates, status_history
from syncsvc.report.status import (
    ActionFacts,
    LinkFacts,
    MeetingSlot,
    StatusReport,
    build_status,
    resolve_since,
)


class StatusFacts(Protocol):
    """The stored facts a status report is built from (see :func:`build_status`)."""

    @property
    def actions(self) -> Sequence[ActionFacts]: ...
    @property
    def links(self) -> Sequence[LinkFacts]: ...
    @property
    def states(self) -> Mapping[int, tuple[str, str]]: ...
    @property
    def previous(self) -> Mapping[int, str | None]: ...
    @property
    def history(self) -> Sequence[HistoryEvent]: ...
    @property
    def new_links(self) -> set[tuple[int, str, str]]: ...

    @property
    def known_statuses(self) -> Collection[tuple[str, str | None]] | None:
        """The (key, status) of every status row observed since the window's start, or
        ``None`` when ``history`` holds those rows."""
        ...

    @property
    def closed_changes(self) -> Sequence[ChangeDates]: ...

    @property
    def tasks(self) -> Sequence[TaskDates]: ...


class StatusReader(Protocol):
    """What `status` reads, in one consistent snapshot."""

    def last_sync_run(self) -> datetime | None:
        """When any sync last ran (for ``--since last-run``)."""
        ...

    def status_inputs(
        self, *, since: datetime, until: datetime, owner: str | None, topic: str | None
    ) -> StatusFacts:
        """The facts of ``[since, until]`` for the current actions owned by ``owner``
        (a nick, case-insensitive) whose topic contains ``topic`` (case-insensitive)."""
        ...


def status_report(
    reader: StatusReader,
    since_spec: str,
    *,
    now: datetime,
    meeting: MeetingSlot | None = None,
    owner: str | None = None,
    topic: str | None = None,
) -> StatusReport:
    """Resolve ``since_spec`` (``7d``, a date, ``last-run``, ``last-meeting``), read the
    stored facts of the window, filtered by ``owner`` and ``topic``, and group them."""
    since = resolve_since(since_spec, now=now, last_run=reader.last_sync_run(), meeting=meeting)
    facts = reader.status_inputs(since=since, until=now, owner=owner, topic=topic)
    history = status_history(
        facts.history, facts.closed_changes, facts.tasks, since=since, until=now,
        known=facts.known_statuses,
    )  # fmt: skip
    return build_status(
        facts.actions, facts.links, facts.states, facts.previous, history, facts.new_links,
        since=since, until=now,
    )  # fmt: skip
