"""What a Launchpad poll reads beside its searched tasks: tracked bugs' comments and
the referenced bugs a first sync needs (see :mod:`syncsvc.sync.engine`).

Each ``of_*`` method does its requests at once, while no transaction is open, and
returns a :data:`Write` that puts the result into its batch's transaction, so a
remote failure leaves the batch and its cursor uncommitted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from syncsvc.domain import Bug, BugComments, BugTask, SaveCounts
from syncsvc.reconcile.footers import GERRIT_EVIDENCE
from syncsvc.sync.ports import BugSource, OpenBugSource

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
        return list(self.source.get_bug_comments(ids, known=known, pattern=GERRIT_EVIDENCE))

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

    def of_tasks(self, batch: Sequence[BugTask]) -> Write:
        """Read the batch's awaited bugs and check its other tracked bugs' comments."""
        in_batch = {t.bug_id for t in batch}
        ids = sorted(in_batch & self.todo - self.done)
        bugs: list[Bug] = []
        if ids:
            self.run.idle()
            bugs = list(self._reader()(ids))
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


def noting(into: set[int], keys: Iterable[int]) -> Write:
    """A writer that only adds ``keys`` to ``into`` once its batch is written."""

    def write(_observed: datetime) -> SaveCounts:
        into.update(keys)
        return SaveCounts()

    return write
