"""What a Launchpad poll reads beside its searched tasks: tracked bugs' comments and
the referenced bugs a first sync needs (see :mod:`syncsvc.sync.engine`), and the comment
checks of the bugs the relink after it is likely to link, started early
(:class:`ChecksAhead`).

Each ``of_*`` method does its requests at once, while no transaction is open, and
returns a :data:`Write` that puts the result into its batch's transaction, so a
remote failure leaves the batch and its cursor uncommitted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, wait
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Self

from syncsvc.domain import Bug, BugComments, BugTask, SaveCounts
from syncsvc.domain.statuses import LinkKind
from syncsvc.reconcile.footers import GERRIT_EVIDENCE, change_edges
from syncsvc.sync.ports import BugSource, CommentsAhead, EntriesAhead, OpenBugSource

if TYPE_CHECKING:
    from syncsvc.sync.engine import _Run as Run

Write = Callable[[datetime], SaveCounts]
"""Writes what a batch's requests found into the batch's transaction; returns the counts."""


@dataclass
class Comments:
    """Reads and saves the Gerrit-evidence comments of tracked bugs, batch by batch.

    Each ``of_*`` method does its requests at once and returns what writes the
    result into the batch's transaction; every bug is checked at most once a run.
    """

    run: Run
    source: BugSource
    tracked: frozenset[int]
    checked: set[int] = field(default_factory=set)
    ahead: ChecksAhead | None = None  # checks started before the relink, taken when due

    def of_bugs(self, batch: Sequence[Bug]) -> Write:
        """Check the visible tracked bugs of a fetched batch: only those whose
        ``date_last_message`` is later than the stored one cost requests (none when
        their ``message_count`` says there is no comment)."""
        wanted = [
            b
            for b in batch
            if b.visible and b.bug_id in self.tracked and b.bug_id not in self.checked
        ]
        known = self._known([b.bug_id for b in wanted])
        found: list[BugComments] = []
        ask: list[int] = []
        for bug in wanted:
            last, synced = bug.date_last_message, known.get(bug.bug_id)
            if last is None or (synced is not None and last <= synced):
                found.append(BugComments(bug.bug_id, last))
            elif bug.message_count is not None and bug.message_count <= 1:
                found.append(BugComments(bug.bug_id, last, fetched=True))
            else:
                ask.append(bug.bug_id)
        found += self._read(ask, known)
        return self._writer([b.bug_id for b in wanted], found)

    def of_ids(self, ids: Sequence[int]) -> Write:
        """Check these bugs (1 request each, more for the ones with new comments)."""
        return self._writer(ids, self._read(ids, self._known(ids)))

    def _known(self, ids: Sequence[int]) -> dict[int, datetime]:
        return {} if self.run.full or not ids else self.run.store.comment_dates(ids)

    def _read(self, ids: Sequence[int], known: dict[int, datetime]) -> list[BugComments]:
        if not ids:
            return []
        self.run.idle()
        started = self.ahead.take(ids, known) if self.ahead is not None else {}
        rest = [b for b in ids if b not in started]
        read = self.source.get_bug_comments if rest else None
        # these first: the started ones are background reads, which wait for them
        found = iter(list(read(rest, known=known, pattern=GERRIT_EVIDENCE)) if read else [])
        return [started[b].result() if b in started else next(found) for b in dict.fromkeys(ids)]

    def _writer(self, ids: Sequence[int], found: Sequence[BugComments]) -> Write:
        def write(observed: datetime) -> SaveCounts:
            counts = SaveCounts()
            if found:
                counts = self.run.store.save_bug_comments(found, observed_at=observed)
            self.checked.update(ids)
            return counts

        return write


@dataclass
class Awaited:
    """The referenced bugs a first (or ``--full``) sync must read, met in search batches.

    A searched task carries none of its bug's own fields (title, tags, dates, message
    count, privacy, duplicate-of, patch date), so each such bug of a batch is read
    there, before the batch's writes: its entry alone (1 request, which also serves
    its comment check), or, with ``--full`` or from a source without bug entries (a
    recording), the whole bug with all its tasks (2 requests). The entry leaves out
    the bug's tasks in projects no search covers: the commitment is judged by the
    polled projects' tasks, and no later sync would refresh those others.
    ``done`` holds the bugs saved this way; ``bug_counts`` counts them per scope.
    """

    run: Run
    source: BugSource
    comments: Comments
    todo: frozenset[int]
    done: set[int] = field(default_factory=set)
    bug_counts: SaveCounts = field(default_factory=SaveCounts)
    entries: EntriesStarted | None = None  # entries started as searches returned them

    def of_tasks(self, batch: Sequence[BugTask]) -> Write:
        """Read the batch's awaited bugs and check its other tracked bugs' comments."""
        in_batch = {t.bug_id for t in batch}
        ids = sorted(in_batch & self.todo - self.done)
        bugs: list[Bug] = []
        if ids:
            self.run.idle()
            started = self.entries.take(ids) if self.entries is not None else {}
            rest = [b for b in ids if b not in started]
            found = iter(list(self._reader()(rest)) if rest else [])
            bugs = [started[b].result() if b in started else next(found) for b in ids]
        bug_comments = self.comments.of_bugs(bugs)
        others = self.comments.of_ids(
            sorted(in_batch & self.comments.tracked - self.comments.checked - set(ids))
        )

        def write(observed: datetime) -> SaveCounts:
            if bugs:
                self.bug_counts += self.run.store.save_bugs(bugs, observed_at=observed)
            self.done.update(ids)
            return bug_comments(observed) + others(observed)

        return write

    def _reader(self) -> Callable[[Sequence[int]], Iterable[Bug]]:
        if not self.run.full and isinstance(self.source, OpenBugSource):
            return self.source.get_bug_entries
        return self.source.get_bugs


def bugs_to_read(run: Run) -> tuple[set[int], list[int]]:
    """The tracked bugs, and those of them a first (or ``--full``) sync must read: not
    stored, or stored with no task in a polled project while not all tasks are complete
    (read in a search's batch by :class:`Awaited`, or in the referenced scope)."""
    covered = set(run.settings.launchpad_projects) | set(run.settings.polled_elsewhere)
    referenced = run.store.referenced_bugs()
    known = run.store.known_bugs(referenced)
    return referenced, sorted(
        b
        for b in referenced
        if run.full or b not in known or (not known[b][0] & covered and not known[b][1])
    )


def noting(into: set[int], keys: Iterable[int]) -> Write:
    """A writer that only adds ``keys`` to ``into`` once its batch is written."""

    def write(_observed: datetime) -> SaveCounts:
        into.update(keys)
        return SaveCounts()

    return write


@dataclass
class ChecksAhead:
    """Comment checks started before the relink, for the bugs it is likely to link.

    After a relink, the ``linked-comments`` scope checks the comments of the tracked
    bugs never checked, which are mostly bugs the relink has just linked through a
    footer of a change that a commitment names. Those are known once Gerrit is polled
    and a search has returned them, so their checks can run in the Launchpad read pool's
    idle time while the sync and the relink go on (:meth:`start`). The scope then takes
    the ones it needs (:meth:`take`): the same requests, their results saved in the same
    place, at the same time, as if read in its turn. A check the scope does not need (the
    relink did not link the bug, or did not run) is one request more than before; nothing
    read ahead is ever written unless the scope takes it.
    """

    started: dict[int, Future[BugComments] | BugComments] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    asked: set[int] = field(default_factory=set)  # every bug started, taken or not
    closed: bool = False  # the run's end: no check starts after it

    def start(
        self,
        run: Run,
        source: BugSource,
        tracked: Iterable[int],
        searched: Iterable[Future[list[BugTask]]],
    ) -> None:
        """Start the checks of the bugs the next relink is likely to link whose comments it
        would then check (see :func:`named_bugs`), when ``source`` can: at once for
        those known now, and for those a search still under way returns as soon as it
        returns them (on the read pool's thread that finished the search)."""
        if not isinstance(source, CommentsAhead):
            return
        searches = list(searched)
        named = named_bugs(run, set(tracked))
        run.idle()
        if not named.bugs:
            return
        # Looked at once: a search that ends meanwhile is either found here or, through
        # its callback (run at once when added to a finished future), in _searched.
        pending = [search for search in searches if not search.done()]
        finished = [search for search in searches if search not in pending]
        self._start(source, named.wanted(_found(finished)))
        for search in pending:
            search.add_done_callback(partial(self._searched, source, named))

    def _searched(
        self, source: CommentsAhead, named: NamedBugs, search: Future[list[BugTask]]
    ) -> None:
        """A search started ahead returned: start the checks of the named bugs it found."""
        self._start(source, named.wanted(_found([search]), stored_only=False))

    def _start(self, source: CommentsAhead, ids: Iterable[int]) -> None:
        with self.lock:
            wanted = [b for b in ids if b not in self.asked]
            if self.closed or not wanted:
                return
            self.asked.update(wanted)
            started = source.comments_ahead(wanted, pattern=GERRIT_EVIDENCE)
            if not started:
                return
            self.started.update(started)
        for bug_id, future in started.items():
            future.add_done_callback(partial(self._done, bug_id))

    def _done(self, bug_id: int, future: Future[BugComments]) -> None:
        """Keep a check that succeeded as its result alone: thousands of them wait through
        the relink, and a future (its condition, lock and waiters) is about 1.5 KB more."""
        if future.cancelled() or future.exception() is not None:
            return  # a failure is handed over as it is, raised when taken
        with self.lock:
            if self.started.get(bug_id) is future:  # not taken meanwhile
                self.started[bug_id] = future.result()

    def take(
        self, ids: Iterable[int], known: Mapping[int, datetime]
    ) -> dict[int, Future[BugComments]]:
        """Hand over (once) the started checks of ``ids``: those of bugs with no ``known``
        date, which is how they were started."""
        with self.lock:
            taken = {b: self.started.pop(b) for b in ids if b in self.started and b not in known}
        return {b: _as_future(check) for b, check in taken.items()}

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Cancel the checks not taken or started and wait for the others: none outlives
        the run (the source may be closed next)."""
        with self.lock:
            self.closed = True  # a search that returns later starts nothing
            futures = [f for f in self.started.values() if isinstance(f, Future)]
        # A cancelled check never runs; only those under way (or done) are waited for.
        wait([future for future in futures if not future.cancel()])
        with self.lock:
            self.started.clear()


def _as_future(check: Future[BugComments] | BugComments) -> Future[BugComments]:
    """A check as :meth:`ChecksAhead.take` hands it over: its future, or one done with it."""
    if isinstance(check, Future):
        return check
    done: Future[BugComments] = Future()
    done.set_result(check)
    return done


@dataclass(frozen=True, slots=True)
class NamedBugs:
    """The bugs the next relink is likely to link and then check (see :func:`named_bugs`),
    with those of them stored, and those stored whose comments were never checked."""

    bugs: frozenset[int]
    stored: frozenset[int]
    unsynced: frozenset[int]

    def wanted(self, found: set[int], *, stored_only: bool = True) -> list[int]:
        """Those to check: stored and never checked (unless not ``stored_only``), or not
        stored but returned by a search (its batch stores them), among ``found``."""
        unsynced = self.unsynced if stored_only else frozenset()
        return sorted(
            b for b in self.bugs if b in unsynced or (b not in self.stored and b in found)
        )


def named_bugs(run: Run, tracked: set[int]) -> NamedBugs:
    """The bugs named by a strong edge (``Closes-Bug``, ``Partial-Bug``, a ``bug/N`` topic)
    of a change that commitments name or are confirmed-linked to, which the relink links
    (:func:`~syncsvc.reconcile.diff`'s transitive links), among the changes the relink
    will look at (saved or changed since the last one: a no-change run reads none); not
    ``tracked`` yet (tracked bugs are checked during the sync)."""
    changes = run.store.relink_changes(run.store.referenced_changes())
    named = {
        int(edge.id)
        for change in changes
        for edge in change_edges(change)
        if edge.kind is LinkKind.BUG and edge.strong and edge.id.isdigit()
    } - tracked
    if not named:
        return NamedBugs(frozenset(), frozenset(), frozenset())
    stored = frozenset(run.store.known_bugs(named))
    return NamedBugs(frozenset(named), stored, frozenset(run.store.unsynced_comment_bugs(named)))


def _found(searches: Iterable[Future[list[BugTask]]]) -> set[int]:
    """The bugs the finished, successful ``searches`` returned."""
    return {
        task.bug_id
        for search in searches
        if search.done() and not search.cancelled() and search.exception() is None
        for task in search.result()
    }


@dataclass
class EntriesStarted:
    """The entries :class:`Awaited` will read, started by the searches started ahead.

    A search started ahead of its scope's turn (``ReadAhead``) hands the tasks it found to
    :meth:`returned` before its result is available, which starts the entries of the
    awaited bugs among them on the read pool, each bug once. They are read while Gerrit
    is polled instead of in the search's first batch; the batch takes them
    (:meth:`take`): the same requests, the same records, saved where they were.
    """

    source: EntriesAhead
    todo: frozenset[int]
    started: dict[int, Future[Bug]] = field(default_factory=dict)  # not taken yet
    asked: set[int] = field(default_factory=set)  # every bug started, taken or not
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def of(cls, run: Run, source: BugSource, todo: frozenset[int]) -> EntriesStarted | None:
        """Entries for ``todo`` started from ``source``'s searches, or ``None`` when it cannot
        read entries alone or the run reads whole bugs (``--full``)."""
        if run.full or not todo or not isinstance(source, OpenBugSource):
            return None  # Awaited reads whole bugs, or nothing
        return cls(source, todo) if isinstance(source, EntriesAhead) else None

    def returned(self, tasks: Iterable[BugTask]) -> None:
        """Start the entries of the awaited bugs among ``tasks`` not started yet (called on
        the read pool's thread by a search started ahead)."""
        with self.lock:
            ids = sorted({t.bug_id for t in tasks} & self.todo - self.asked)
            if ids and (started := self.source.entries_ahead(ids)):
                self.started.update(started)
                self.asked.update(started)

    def take(self, ids: Iterable[int]) -> dict[int, Future[Bug]]:
        """Hand over (once) the started entries of ``ids``."""
        with self.lock:
            return {b: self.started.pop(b) for b in ids if b in self.started}
