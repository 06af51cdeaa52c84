"""Contracts between the sync engine and its collaborators.

The engine (``syncsvc.sync.engine``) reaches Launchpad, Gerrit and the database only
through these protocols, so it can be tested with in-memory fakes and the
adapters and storage can change behind them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from contextlib import AbstractContextManager
from datetime import date, datetime, timedelta
from typing import Protocol, runtime_checkable

from syncsvc.domain import (
    Bug,
    BugActivityLog,
    BugComments,
    BugMessage,
    BugTask,
    Change,
    CurrentState,
    Identity,
    Link,
    LinkDecision,
    LogDue,
    Pending,
    PendingNotes,
    Plan,
    RelinkChange,
    StoredAction,
    StoredIdentity,
    TopicRefs,
    Transition,
)
from syncsvc.domain.blueprints import Blueprint
from syncsvc.domain.reviews import ChangeReviews
from syncsvc.domain.sync import SaveCounts, SourceName

ScopeClaim = Callable[[SourceName, str], AbstractContextManager[bool]]
"""Claims one (source, scope) for the ``with`` block: true when this run holds it (until
the block ends, after the scope's last commit), false when another worker does."""


class BugSource(Protocol):
    """Launchpad as the engine sees it (``syncsvc.adapters.launchpad``)."""

    def get_bugs(self, ids: Iterable[int]) -> Iterator[Bug]:
        """Yield each bug with its tasks, in the order given; invisible ones with
        ``visible=False``. Raises RemoteError subclasses."""
        ...

    def search_tasks(
        self, project: str, *, modified_since: datetime | None, tags: Sequence[str] = ()
    ) -> Iterator[BugTask]:
        """Yield every task of ``project`` whose bug changed after ``modified_since``
        (all statuses; ``None``: all tasks). Raises RemoteError subclasses."""
        ...

    def get_bug_comments(
        self,
        ids: Iterable[int],
        *,
        known: Mapping[int, datetime],
        pattern: re.Pattern[str] | None = None,
    ) -> Iterator[BugComments]:
        """Yield each bug's comment check in the order given, duplicates skipped.

        A bug's comments (never its description) are read, and ``fetched`` set, only
        when its ``date_last_message`` is later than ``known[bug_id]`` or the bug is
        not in ``known``; with ``pattern`` only comments whose subject or content
        matches are kept. Private or missing bugs come back with ``visible=False``.
        Raises RemoteError subclasses."""
        ...


@runtime_checkable
class OpenBugSource(Protocol):
    """What the open-bug sync (``[squash] open_bugs``) needs beyond :class:`BugSource`."""

    def search_tasks(
        self,
        project: str,
        *,
        modified_since: datetime | None,
        tags: Sequence[str] = (),
        statuses: Sequence[str] = ...,
        omit_duplicates: bool = True,
    ) -> Iterator[BugTask]:
        """As :meth:`BugSource.search_tasks`, limited to ``statuses``; with
        ``omit_duplicates=False`` duplicates come too. Raises RemoteError subclasses."""
        ...

    def get_bug_entries(self, ids: Iterable[int]) -> Iterator[Bug]:
        """Yield each bug's own fields (no tasks), in the order given; invisible ones
        with ``visible=False``. One request per bug. Raises RemoteError subclasses."""
        ...


@runtime_checkable
class ActivitySource(Protocol):
    """What reading bug activity logs for squash windows needs beyond :class:`BugSource`."""

    def get_bug_activity(
        self, ids: Iterable[int], *, comments: Collection[int] = ()
    ) -> Iterator[BugActivityLog]:
        """Yield each bug's whole activity log (oldest first), in the order given,
        duplicates skipped, with a comment line per comment after it for the bugs in
        ``comments``; invisible bugs with ``visible=False``. One request per bug (per 75
        log lines), one more (per 75 comments) for a bug in ``comments``. Raises
        RemoteError subclasses."""
        ...


@runtime_checkable
class ReadAhead(Protocol):
    """A source that can start a later scope's read before its turn, on threads of its
    own (each with its own connection); ``None`` when its reads must stay in call order
    (a request budget). The future raises, in the scope's turn, what the read raised."""

    def search_tasks_ahead(
        self,
        project: str,
        *,
        modified_since: datetime | None,
        then: Callable[[list[BugTask]], object] | None = None,
    ) -> Future[list[BugTask]] | None:
        """Start ``search_tasks(project, modified_since=...)`` (every status) and list it;
        ``then(tasks)`` is called with the list before the future holds it."""
        ...

    def blueprints_ahead(self, project: str) -> Future[list[Blueprint]] | None:
        """Start ``get_blueprints(project)`` and list it."""
        ...


@runtime_checkable
class CommentsAhead(Protocol):
    """A source that can start comment checks that may be wanted later (the bugs a relink
    is about to link), in its idle time: each waits while any other read of the source is
    under way, so it delays none. ``None`` when its reads must stay in call order."""

    def comments_ahead(
        self, ids: Iterable[int], *, pattern: re.Pattern[str] | None = None
    ) -> Mapping[int, Future[BugComments]] | None:
        """Start ``get_bug_comments([bug_id], known={}, pattern=pattern)`` for each bug;
        each future raises, when its result is asked for, what the check raised."""
        ...


@runtime_checkable
class EntriesAhead(Protocol):
    """A source that can start reading bug entries before their turn, as :class:`ReadAhead`
    starts searches; ``None`` when its reads must stay in call order."""

    def entries_ahead(self, ids: Iterable[int]) -> Mapping[int, Future[Bug]] | None:
        """Start ``get_bug_entries([bug_id])`` for each bug; each future raises, when its
        result is asked for, what the read raised."""
        ...


@runtime_checkable
class WarmUp(Protocol):
    """A source that can get ready (log in) on a thread of its own while another source
    is read; its next call waits for that."""

    def connect_soon(self) -> None:
        """Start getting ready in the background; errors surface on the next call."""
        ...


class ChangeSource(Protocol):
    """Gerrit as the engine sees it (``syncsvc.adapters.gerrit``)."""

    def get_changes(self, numbers: Iterable[int], *, batch: int = 50) -> Iterator[Change]:
        """Yield the named changes (missing ones are skipped), each once."""
        ...

    def changes_updated_since(self, projects: Sequence[str], since: datetime) -> Iterator[Change]:
        """Yield every change of ``projects`` updated at or after ``since``, each once,
        newest first."""
        ...


@runtime_checkable
class ReviewSource(Protocol):
    """What the review-message step needs beyond :class:`ChangeSource`."""

    def get_reviews(self, numbers: Iterable[int], *, batch: int = 50) -> Iterator[ChangeReviews]:
        """Yield the messages of the named changes (missing ones are skipped), each once,
        with the change's ``updated`` and ``status`` as read. Raises RemoteError
        subclasses."""
        ...


@runtime_checkable
class ReviewsAhead(Protocol):
    """A review source that can start reading messages before the reviews scope's turn,
    on a thread of its own, while another host is read; ``None`` when its reads must
    stay in call order (a request budget). The source takes no other call until the
    future is done; the future raises, in the scope's turn, what the read raised."""

    def reviews_ahead(self, numbers: Sequence[int]) -> Future[list[ChangeReviews]] | None:
        """Start ``list(get_reviews(numbers))``."""
        ...


@runtime_checkable
class BlueprintSource(Protocol):
    """What the blueprint scopes need from Launchpad beyond :class:`BugSource`."""

    def get_blueprints(self, project: str) -> Iterator[Blueprint]:
        """Yield every blueprint of ``project``, obsolete ones included (one paged read).
        Raises RemoteError subclasses."""
        ...


class SyncStore(Protocol):
    """The database as the sync engine sees it (``syncsvc.models.sync_store``).

    Writes are buffered in one transaction until :meth:`commit`; nothing the
    store does commits by itself. All datetimes are timezone-aware UTC.
    """

    def referenced_bugs(self) -> set[int]:
        """Launchpad bug ids a current action or topic refers to or a current action
        has a confirmed link to (the tracked bugs, whose comments are kept)."""
        ...

    def referenced_changes(self) -> set[int]:
        """Gerrit change numbers a current action or topic refers to or a current
        action has a confirmed link to."""
        ...

    def known_changes(self, numbers: Iterable[int]) -> dict[int, tuple[str, str]]:
        """For the stored ones among ``numbers``: number → (project, status)."""
        ...

    def known_bugs(self, ids: Iterable[int]) -> dict[int, tuple[frozenset[str], bool]]:
        """For the stored ones among ``ids``: bug id → (task targets, all tasks complete)."""
        ...

    def unreturned_changes(self, numbers: Iterable[int], *, asked_after: datetime) -> set[int]:
        """Those of ``numbers`` that Gerrit did not return when last asked, after
        ``asked_after`` (they do not exist or are not visible to us)."""
        ...

    def record_unreturned_changes(self, numbers: Iterable[int], *, asked_at: datetime) -> None:
        """Record that Gerrit did not return ``numbers`` when asked at ``asked_at``;
        saving a change clears its record. Takes effect at :meth:`commit`."""
        ...

    def earliest_event_day(self) -> datetime | None:
        """Start (00:00 UTC) of the earliest day of any stored event, if any."""
        ...

    def comment_dates(self, ids: Iterable[int]) -> dict[int, datetime]:
        """For the stored bugs among ``ids`` whose comments were synced with a date:
        bug id → the ``date_last_message`` they were synced to."""
        ...

    def unsynced_comment_bugs(self, ids: Iterable[int]) -> set[int]:
        """The stored, visible bugs among ``ids`` whose comments were never synced."""
        ...

    def relink_changes(self, numbers: Iterable[int]) -> list[RelinkChange]:
        """The stored changes among ``numbers`` the next relink will look at (saved or
        changed since the last one, or all when it recomputes everything), by number, as
        the relink reads them."""
        ...

    def reviews_due(self) -> dict[int, tuple[datetime, str]]:
        """The stored changes a current action has a confirmed link to whose messages must
        be read: never read, or read when the change was last updated earlier than its
        stored ``updated`` while it was open. Number → (stored updated, status)."""
        ...

    def save_reviews(self, found: Sequence[ChangeReviews], *, observed_at: datetime) -> SaveCounts:
        """Upsert each change's review events on (change, message id) and record that its
        messages were read as of its ``updated`` and ``status``. Counts events; idempotent.
        Takes effect at :meth:`commit`."""
        ...

    def save_blueprints(self, found: Sequence[Blueprint], *, observed_at: datetime) -> SaveCounts:
        """Upsert blueprints on (project, name); count inserted, changed, unchanged."""
        ...

    def cursor(self, source: SourceName, scope: str) -> datetime | None:
        """The last remote update time seen for (source, scope), or ``None``."""
        ...

    def activity_due(self, *, now: datetime, grace: timedelta) -> dict[int, LogDue]:
        """Bug id → what to read of the bugs whose activity log a squash window wants
        (window started, ended at most ``grace`` before ``now``; a task in its projects;
        updated since its start) and that was not read at their ``date_last_updated``."""
        ...

    def save_bug_activity(
        self, logs: Sequence[BugActivityLog], *, synced_to: Mapping[int, datetime]
    ) -> SaveCounts:
        """Store each visible bug's log (upserted on the bug and the line's place) and
        mark each bug of ``logs`` read at ``synced_to[bug_id]``. Idempotent."""
        ...

    def save_bugs(self, bugs: Sequence[Bug], *, observed_at: datetime) -> SaveCounts:
        """Upsert bugs and their tasks on natural keys (bug id; bug id + target);
        append a history row for each new task and each change of a task's status,
        importance, assignee or milestone. Idempotent."""
        ...

    def save_bug_tasks(self, tasks: Sequence[BugTask], *, observed_at: datetime) -> SaveCounts:
        """Upsert tasks (creating a placeholder bug row if needed) with history, as
        :meth:`save_bugs` does for the tasks of a bug."""
        ...

    def save_bug_comments(
        self, found: Sequence[BugComments], *, observed_at: datetime
    ) -> SaveCounts:
        """Record each visible bug's comment check: its ``date_last_message`` and, when
        ``fetched``, its comments, upserted on (bug id, comment number), the bug's
        other stored comments removed. Counts comments; idempotent."""
        ...

    def save_changes(self, changes: Sequence[Change], *, observed_at: datetime) -> SaveCounts:
        """Upsert changes on their number; append a history row for each new change
        and each change of status, current patch set or a vote. Idempotent."""
        ...

    def set_cursor(
        self, source: SourceName, scope: str, last_seen: datetime, *, ran_at: datetime
    ) -> None:
        """Record the cursor for (source, scope); takes effect at :meth:`commit`."""
        ...

    def commit(self) -> None:
        """Commit everything written since the last commit (one batch)."""
        ...

    def rollback(self) -> None:
        """Discard everything written since the last commit."""
        ...


class LinkStore(Protocol):
    """The stored data the reconciler reads and the writes it makes (one transaction)."""

    def actions(self, ids: Collection[int] | None = None) -> Sequence[StoredAction]:
        """Current (not removed) actions; only those among ``ids`` when given."""
        ...

    def topic_refs(self) -> TopicRefs:
        """(event id, topic title) → refs written in that topic's discussion."""
        ...

    def changes(self, numbers: Collection[int] | None = None) -> Sequence[RelinkChange]:
        """Every stored Gerrit change, or the stored ones among ``numbers``, as the
        reconciler reads them to link them (by number)."""
        ...

    def linked_changes(self, numbers: Collection[int]) -> Sequence[Change]:
        """The stored changes among ``numbers``, as the commitments' states read them (by
        number): a store may leave out what they never read (the URL, the Change-Ids, the
        patch set and votes, at their defaults; ``created`` as ``updated``)."""
        ...

    def bugs(self, ids: Collection[int] | None = None) -> Sequence[Bug]:
        """Every stored Launchpad bug with its tasks, or the stored ones among ``ids``."""
        ...

    def messages(self, bug_ids: Collection[int] | None = None) -> Sequence[BugMessage]:
        """Stored bug comments carrying link evidence (may be empty), of every bug or
        of ``bug_ids``."""
        ...

    def identities(self) -> Sequence[Identity]:
        """Known people: nick ↔ Gerrit ↔ Launchpad."""
        ...

    def links(self, action_ids: Collection[int] | None = None) -> Sequence[Link]:
        """Every stored link, including manual decisions; only those of ``action_ids``
        when given."""
        ...

    def confirmed_links(self, action_ids: Collection[int] | None = None) -> Sequence[Link]:
        """The confirmed links, as :meth:`links` orders them, of ``action_ids`` when given:
        what commitment states are judged on (a store may leave the evidence out)."""
        ...

    def event_start(self) -> date | None:
        """The first day of the earliest event (candidates must be newer)."""
        ...

    def apply(self, plan: Plan, *, now: datetime) -> tuple[int, int]:
        """Write the plan's additions and updates; return (added, updated). Never
        overrides manual decisions."""
        ...

    def current_states(self, action_ids: Iterable[int]) -> Mapping[int, CurrentState]:
        """The latest recorded state of each of ``action_ids`` (those without history
        are left out)."""
        ...

    def append_transitions(self, transitions: Sequence[Transition], *, now: datetime) -> int:
        """Append the planned state-history rows, observed at ``now``; return how many
        actions got rows."""
        ...

    # --- what an incremental relink covers ---

    def fingerprint(self) -> str | None:
        """The fingerprint the last complete relink stored, if any."""
        ...

    def word_stats(self) -> str | None:
        """The word statistics (JSON) the relink keeps, if any."""
        ...

    def global_inputs(self) -> str:
        """What every commitment's candidates hang on, as text: the first event day and
        every project the stored records name. Cheap: a few aggregate queries."""
        ...

    def link_decisions(self) -> Sequence[LinkDecision]:
        """People's decisions on suggested candidate links (confirmed or rejected), with
        the evidence the suggestion had: what :mod:`syncsvc.reconcile.learning` learns from."""
        ...

    def learned_mark(self) -> str | None:
        """The digest of the learned word factors the last relink used, if any."""
        ...

    def pending(self) -> PendingNotes:
        """The notes writers left for the next relink."""
        ...

    def affected(self, items: Collection[Pending]) -> set[int]:
        """Current actions the notes concern: named, of a named event, or linked to
        (any status), citing or in a topic citing a named change or bug."""
        ...

    def due(self, now: datetime) -> set[int]:
        """Current actions whose recheck time is ``now`` or earlier."""
        ...

    def owned_by(self, nicks: Collection[str]) -> set[int]:
        """Current actions owned by any of ``nicks`` (case-insensitive)."""
        ...

    def candidate_seekers(self) -> Sequence[tuple[int, str, tuple[str, ...]]]:
        """(id, action text and topic title, owner nicks) of current, not dropped
        actions with no confirmed link but to changes last updated before the event."""
        ...

    def settle(
        self,
        covered: Collection[Pending],
        checks: Mapping[int, datetime | None],
        *,
        fingerprint: str,
        everything: bool,
        word_stats: str | None = None,
        learned: str | None = None,
    ) -> None:
        """Delete the ``covered`` notes, set each judged action's recheck time (with
        ``everything``, drop the others') and store ``fingerprint`` (and ``word_stats``
        and the ``learned`` factors' digest when given)."""
        ...


class IdentityStore(Protocol):
    """What identity learning reads and writes (one transaction)."""

    def changes(self, numbers: Collection[int] | None = None) -> Sequence[RelinkChange]:
        """Every stored Gerrit change (their owners are the accounts to learn from), or
        the stored ones among ``numbers``, as :meth:`LinkStore.changes` reads them."""
        ...

    def people(self) -> Mapping[str, str | None]:
        """Nicks of the summaries' people → the full name a summary gave, if any."""
        ...

    def stored_identities(self) -> Sequence[StoredIdentity]:
        """Every identity row, learned or confirmed."""
        ...

    def add_identities(self, learned: Sequence[StoredIdentity]) -> int:
        """Store learned identities; return how many were added."""
        ...


class RelinkStore(LinkStore, IdentityStore, Protocol):
    """A :class:`LinkStore` that also learns who is who before a relink."""


class SyncDatabase(Protocol):
    """The database as the sync service sees it: its two locks and its two stores.

    The sync lock lets one sync run at a time; the relink lock serialises relinks
    (a sync's, `link refresh` and those after `link` and `mark`). Both raise
    LockedError when another holder keeps them for ``wait`` seconds.
    """

    def sync_lock(self, *, wait: float) -> AbstractContextManager[None]:
        """Hold the sync lock for the ``with`` block."""
        ...

    def relink_lock(self, *, wait: float) -> AbstractContextManager[None]:
        """Hold the relink lock for the ``with`` block."""
        ...

    def sync_store(self) -> AbstractContextManager[SyncStore]:
        """A sync store whose uncommitted writes are discarded when the block ends."""
        ...

    def link_store(self, *, dry_run: bool) -> AbstractContextManager[RelinkStore]:
        """A relink store in one transaction: committed when the block ends, rolled
        back on an error or with ``dry_run``."""
        ...
