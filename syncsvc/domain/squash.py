"""Records the bug-squash lists read: one open bug task with its bug's fields, one
open Gerrit change that closes bugs, and the lines of a bug's Launchpad activity log.

Storage builds them (``syncsvc.models.squash_queries``); the rules in
``syncsvc.squash`` are pure functions over them. Titles are remote text, kept as
written; whatever prints them escapes them for its medium.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class SquashBug:
    """One bug task (the bug's state in ``project``) with the bug's own fields.

    ``date_last_message`` is Launchpad's (the newest comment or the description);
    ``message_count`` counts the description too; ``duplicate_of`` is the master bug;
    ``has_patch``: a patch is attached to the bug on Launchpad.
    """

    bug_id: int
    title: str
    project: str
    status: str
    importance: str
    assignee: str | None = None
    milestone: str | None = None
    tags: tuple[str, ...] = ()
    url: str = ""
    private: bool = False
    duplicate_of: int | None = None
    message_count: int | None = None
    date_created: datetime | None = None
    date_triaged: datetime | None = None
    date_incomplete: datetime | None = None
    date_in_progress: datetime | None = None
    date_fix_committed: datetime | None = None
    date_last_updated: datetime | None = None
    date_last_message: datetime | None = None
    has_patch: bool = False


@dataclass(frozen=True, slots=True)
class SquashChange:
    """An open Gerrit change and the bugs its commit message closes.

    ``code_review`` is the most significant Code-Review vote on its current patch
    set (0 when none); only people vote Code-Review, CI votes Verified.
    ``updated`` is when the change last moved (the wait is counted from it).
    """

    number: int
    project: str
    owner: str | None
    closes: tuple[int, ...]
    code_review: int
    updated: datetime
    url: str = ""


@dataclass(frozen=True, slots=True)
class SquashEvent:
    """A bug-squash event: a named window of UTC instants, an optional event tag, the
    Launchpad projects it covers and its numeric goals (``{"open": 130}``)."""

    name: str
    starts_at: datetime
    ends_at: datetime
    tag: str | None = None
    projects: tuple[str, ...] = ()
    goals: tuple[tuple[str, int], ...] = ()
    id: int | None = None


@dataclass(frozen=True, slots=True)
class SquashSnapshot:
    """Counts taken by one sync in the window: ``open``, ``unassigned``,
    ``status:<Status>`` and ``importance:<Importance>`` of the open tasks."""

    taken_at: datetime
    counts: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class TaskChange:
    """One stored change of a bug task's status, importance or assignee, dated by the
    remote timestamp it carries."""

    bug_id: int
    target: str
    field: str
    old_value: str | None
    new_value: str | None
    changed_at: datetime


#: ``ActivityEntry.what`` of a comment line (never a ``whatchanged`` of Launchpad's).
COMMENTED = "(comment)"


@dataclass(frozen=True, slots=True)
class ActivityEntry:
    """One line of a bug's Launchpad activity log: who changed what, when.

    ``what`` is Launchpad's ``whatchanged``: ``manila: status``, ``manila: importance``
    and ``manila: assignee`` for a task (``manila/wallaby: status`` for a series task),
    ``tags``, ``marked as duplicate`` … for the bug. ``person`` is the Launchpad name
    (``None`` when the log does not say). Values are remote text, kept as written
    (an assignee reads ``Display Name (name)``).

    Launchpad's log has no line for a comment. syncsvc adds one per comment it read
    (:data:`COMMENTED`, the commenter, the comment's date) after the log's own lines,
    so a squash report can tell who touched a bug.
    """

    bug_id: int
    changed_at: datetime
    person: str | None
    what: str
    old_value: str | None = None
    new_value: str | None = None

    @property
    def task_field(self) -> tuple[str, str] | None:
        """``(target, field)`` for a task change (``manila: status``), else ``None``."""
        target, sep, name = self.what.rpartition(": ")
        return (target, name) if sep and target and name else None


@dataclass(frozen=True, slots=True)
class LogDue:
    """A bug whose activity log a squash window wants read: its ``date_last_updated``
    (what the read is marked at) and whether its comments are wanted too (its last
    message is dated at or after the window's start)."""

    updated: datetime
    comments: bool = False


@dataclass(frozen=True, slots=True)
class BugActivityLog:
    """A bug's whole activity log, oldest first, as read at one moment; ``visible`` is
    false for a bug that is private to us or gone (nothing else is known then)."""

    bug_id: int
    entries: tuple[ActivityEntry, ...] = ()
    visible: bool = True
