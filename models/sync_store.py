"""The sync engine's storage (:class:`SqlSyncStore`) and the reads reports use.

:class:`SqlSyncStore` implements :class:`syncsvc.sync.ports.SyncStore` on a
``Session`` owned by the caller; it never commits unless asked to. Each ``save_*``
call loads the stored rows of its batch with one ``SELECT ... IN`` per table,
compares them with the records in Python, and writes only what differs: saving
identical data issues no INSERT or UPDATE at all. Tracked changes are appended
to ``artifact_history`` (see :mod:`.sync_records` for keys and fields).

The module-level functions read for reports and return :mod:`syncsvc.domain`
records or :class:`.sync_records.HistoryRow`, never ORM objects.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Literal

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import Session

from syncsvc.domain import (
    UNFIXED_CLOSED_STATUSES,
    Bug,
    BugActivityLog,
    BugComments,
    BugTask,
    BugTaskStatus,
    Change,
    LinkKind,
    LogDue,
    PendingKind,
    RefKind,
    RelinkChange,
    SaveCounts,
    SourceName,
)
from syncsvc.domain.blueprints import Blueprint
from syncsvc.domain.reviews import ChangeReviews
from syncsvc.models import activity_store, blueprint_store, comment_store, review_store
from syncsvc.models.base import in_chunks, require_aware
from syncsvc.models.link_store import confirmed_ids
from syncsvc.models.link_tables import RelinkPendingRow
from syncsvc.models.relink_pending import mark_pending
from syncsvc.models.relink_store import SqlLinkStore
from syncsvc.models.sync_records import (
    INVISIBLE_BUG_STATE,
    VOTE_FIELD_PREFIX,
    ArtifactKind,
    HistoryField,
    HistoryRow,
    bug_key,
    change_key,
    parse_key,
)
from syncsvc.models.sync_tables import (
    ArtifactHistoryRow,
    BugRow,
    BugTaskRow,
    ChangeRow,
    SyncStateRow,
    UnreturnedChangeRow,
)
from syncsvc.models.tables import ActionRefRow, ActionRow, DayRow, RefRow, TopicRefRow, TopicRow

_Outcome = Literal["inserted", "changed", "unchanged"]


# Launchpad statuses whose task date says when the task entered them.
_TASK_FIELDS = (
    HistoryField.STATUS,
    HistoryField.IMPORTANCE,
    HistoryField.ASSIGNEE,
    HistoryField.MILESTONE,
)


def _text(value: object) -> str | None:
    """How a history row spells a value (``None`` stays unset)."""
    return None if value is None else str(value)


def _apply(row: object, values: Mapping[str, object]) -> dict[str, object]:
    """Set the ``values`` that differ on ``row``; return the old value of each one set."""
    old = {name: getattr(row, name) for name in values}
    changed = {name: old[name] for name, value in values.items() if old[name] != value}
    for name in changed:
        setattr(row, name, values[name])
    return changed


def _status_time(task: BugTask) -> datetime | None:
    """When Launchpad says ``task`` entered its current status, if it says."""
    if task.status == BugTaskStatus.IN_PROGRESS:
        return task.date_in_progress
    if task.status == BugTaskStatus.FIX_COMMITTED:
        return task.date_fix_committed
    if task.status == BugTaskStatus.FIX_RELEASED:
        return task.date_fix_released or task.date_closed
    return task.date_closed if task.status in UNFIXED_CLOSED_STATUSES else None


def _votes(value: object) -> dict[str, int]:
    pairs = value if isinstance(value, list) else []
    return {str(label): int(vote) for label, vote in pairs}


def _bugs_by_id(session: Session, ids: Collection[int]) -> dict[int, BugRow]:
    found: dict[int, BugRow] = {}
    for chunk in in_chunks(ids):
        found.update(
            (r.bug_id, r) for r in session.scalars(select(BugRow).where(BugRow.bug_id.in_(chunk)))
        )
    return found


def _tasks_of(session: Session, bug_ids: Collection[int]) -> list[BugTaskRow]:
    found: list[BugTaskRow] = []
    for chunk in in_chunks(bug_ids):
        stmt = select(BugTaskRow).where(BugTaskRow.bug_id.in_(chunk)).order_by(BugTaskRow.id)
        found.extend(session.scalars(stmt))
    return found


def _changes_by_number(session: Session, numbers: Collection[int]) -> dict[int, ChangeRow]:
    found: dict[int, ChangeRow] = {}
    for chunk in in_chunks(numbers):
        stmt = select(ChangeRow).where(ChangeRow.number.in_(chunk))
        found.update((r.number, r) for r in session.scalars(stmt))
    return found


class _Batch:
    """One ``save_*`` call: the observation time, outcome counts and new history rows."""

    def __init__(self, session: Session, observed_at: datetime) -> None:
        self.session = session
        self.observed_at = require_aware(observed_at, "observed_at")
        self.counts: Counter[_Outcome] = Counter()
        self.history: list[dict[str, object]] = []
        self.touched: set[tuple[PendingKind, int]] = set()
        # New rows, inserted by `finish` as one executemany per table (the unit of work
        # would build, track and flush an object per row: most of a first sync's save).
        self.new_bugs: list[dict[str, object]] = []
        self.new_tasks: list[dict[str, object]] = []
        self.new_changes: list[dict[str, object]] = []

    def record(
        self, kind: ArtifactKind, key: str, field: str, old: object, new: object, at: datetime
    ) -> None:
        """Queue one history row (inserted by :meth:`finish`)."""
        self.history.append(
            {
                "artifact_kind": kind,
                "artifact_key": key,
                "field": field,
                "old_value": _text(old),
                "new_value": _text(new),
                "changed_at": at,
                "observed_at": self.observed_at,
            }
        )

    def task(self, row: BugTaskRow | None, task: BugTask) -> _Outcome:
        """Insert or update one task row and record its history."""
        key, now = bug_key(task.bug_id, task.target), self.observed_at
        values = BugTaskRow.columns_of(task)
        if row is None:
            self.touched.add((PendingKind.BUG, task.bug_id))
            self.new_tasks.append(
                {"bug_id": task.bug_id, "target": task.target, "first_seen_at": now,
                 "updated_at": now, **values}
            )  # fmt: skip
            created_at = task.date_created or now
            self.record(
                ArtifactKind.BUG_TASK, key, HistoryField.CREATED, None, task.status, created_at
            )
            return "inserted"
        old = _apply(row, values)
        if not old:
            return "unchanged"
        self.touched.add((PendingKind.BUG, task.bug_id))
        row.updated_at = now
        for field in (f for f in _TASK_FIELDS if f in old):
            at = (_status_time(task) if field == HistoryField.STATUS else None) or now
            self.record(ArtifactKind.BUG_TASK, key, field, old[field], values[field], at)
        return "changed"

    def change(self, row: ChangeRow | None, change: Change) -> _Outcome:
        """Insert or update one change row and record its history."""
        key, values, now = change_key(change.number), ChangeRow.columns_of(change), self.observed_at
        if row is None:
            self.touched.add((PendingKind.CHANGE, change.number))
            self.new_changes.append(
                {"number": change.number, "first_seen_at": now, "fetched_at": now, **values}
            )
            self.record(
                ArtifactKind.CHANGE, key, HistoryField.CREATED, None, change.status, change.created
            )
            return "inserted"
        old = _apply(row, values)
        if not old:
            return "unchanged"
        self.touched.add((PendingKind.CHANGE, change.number))
        row.fetched_at = now

        def record(field: str, before: object, after: object) -> None:
            self.record(ArtifactKind.CHANGE, key, field, before, after, change.updated)

        if "status" in old:
            record(HistoryField.STATUS, old["status"], change.status)
        if "current_patch_set" in old:
            record(HistoryField.PATCH_SET, old["current_patch_set"], change.current_patch_set)
        if "votes" in old:
            before, after = _votes(old["votes"]), dict(change.votes)
            for label in dict.fromkeys([*after, *before]):
                if before.get(label) != after.get(label):
                    record(f"{VOTE_FIELD_PREFIX}{label}", before.get(label), after.get(label))
        return "changed"

    def finish(self) -> SaveCounts:
        """Write the batch and return what it did.

        One flush for the stored rows that changed; one executemany INSERT per table for
        the new bug, task and change rows (bugs first: tasks refer to them) and for the
        history rows. New rows are not in the session: they are read back by the next
        SELECT, as any stored row.
        """
        self.session.flush()
        for mapped, rows in (
            (BugRow, self.new_bugs),
            (BugTaskRow, self.new_tasks),
            (ChangeRow, self.new_changes),
        ):
            if rows:  # the table itself: Core's executemany, no ORM bookkeeping per row
                table = mapped.metadata.tables[mapped.__tablename__]
                self.session.execute(insert(table), rows)
        if self.history:
            self.session.execute(insert(ArtifactHistoryRow), self.history)
        mark_pending(self.session, self.touched)  # for the next relink
        return SaveCounts(
            inserted=self.counts["inserted"],
            changed=self.counts["changed"],
            unchanged=self.counts["unchanged"],
            history=len(self.history),
        )


class SqlSyncStore:
    """:class:`~syncsvc.sync.ports.SyncStore` on a SQLAlchemy ``Session``.

    Counts: :meth:`save_bugs` counts bugs (a bug is *changed* when its row or any of
    its tasks was written), :meth:`save_bug_tasks` tasks and :meth:`save_changes`
    changes; *changed* means any stored field differed, ``history`` counts the
    history rows appended. Within a batch the last record of a key wins. Stored
    tasks missing from a re-fetched bug are kept as they are.
    """

    def __init__(self, session: Session) -> None:
        self._session = session

    def referenced_bugs(self) -> set[int]:
        """Bug ids cited by a current action or topic, or confirmed-linked to a current
        action (a link added by hand included); soft-removed ones are ignored."""
        linked = confirmed_ids(self._session, LinkKind.BUG)
        return _referenced(self._session, RefKind.BUG) | linked

    def referenced_changes(self) -> set[int]:
        """Change numbers cited by or confirmed-linked to a current action or topic."""
        linked = confirmed_ids(self._session, LinkKind.CHANGE)
        return _referenced(self._session, RefKind.CHANGE) | linked

    def known_changes(self, numbers: Iterable[int]) -> dict[int, tuple[str, str]]:
        """For the stored ones among ``numbers``: number → (project, status)."""
        found: dict[int, tuple[str, str]] = {}
        for chunk in in_chunks(set(numbers)):
            stmt = select(ChangeRow.number, ChangeRow.project, ChangeRow.status)
            for number, project, status in self._session.execute(
                stmt.where(ChangeRow.number.in_(chunk))
            ):
                found[number] = (project, str(status))
        return found

    def known_bugs(self, ids: Iterable[int]) -> dict[int, tuple[frozenset[str], bool]]:
        """For the stored ones among ``ids``: bug id → (task targets, all tasks complete).

        A bug stored without tasks (not visible, or never fetched with them) is not
        complete: nothing says its work is done.
        """
        targets: dict[int, set[str]] = {}
        complete: dict[int, bool] = {}
        for chunk in in_chunks(set(ids)):
            stmt = (
                select(BugRow.bug_id, BugTaskRow.target, BugTaskRow.is_complete)
                .outerjoin(BugTaskRow, BugTaskRow.bug_id == BugRow.bug_id)
                .where(BugRow.bug_id.in_(chunk))
            )
            for bug_id, target, is_complete in self._session.execute(stmt):
                targets.setdefault(bug_id, set())
                if target is None:
                    complete[bug_id] = False
                    continue
                targets[bug_id].add(target)
                complete[bug_id] = complete.get(bug_id, True) and bool(is_complete)
        return {bug_id: (frozenset(found), complete[bug_id]) for bug_id, found in targets.items()}

    def earliest_event_day(self) -> datetime | None:
        """00:00 UTC of the earliest dated day of any stored event, if any."""
        day = self._session.scalar(select(func.min(DayRow.date)))
        return None if day is None else datetime.combine(day, time(0), tzinfo=UTC)

    def comment_dates(self, ids: Iterable[int]) -> dict[int, datetime]:
        """Bug id → ``date_last_message`` its stored comments are synced to."""
        return comment_store.comment_dates(self._session, ids)

    def unsynced_comment_bugs(self, ids: Iterable[int]) -> set[int]:
        """Stored visible bugs among ``ids`` whose comments were never synced."""
        return comment_store.unsynced_comment_bugs(self._session, ids)

    def relink_changes(self, numbers: Iterable[int]) -> list[RelinkChange]:
        """The stored changes among ``numbers`` noted for the next relink (all of them after
        a note to recompute everything), as the relink reads them, by number."""
        notes = select(RelinkPendingRow.kind, RelinkPendingRow.ref).where(
            RelinkPendingRow.kind.in_((PendingKind.CHANGE.value, PendingKind.ALL.value))
        )
        wanted, noted = set(numbers), set()
        for kind, ref in self._session.execute(notes):
            if kind == PendingKind.ALL.value:
                noted = wanted
                break
            if ref.isdigit():
                noted.add(int(ref))
        return list(SqlLinkStore(self._session).changes(noted & wanted)) if noted else []

    def save_bug_comments(
        self, found: Sequence[BugComments], *, observed_at: datetime
    ) -> SaveCounts:
        """Record comment checks (see :func:`.comment_store.save_bug_comments`)."""
        return comment_store.save_bug_comments(self._session, found, observed_at=observed_at)

    def reviews_due(self) -> dict[int, tuple[datetime, str]]:
        """Linked changes whose messages must be read (see :func:`.review_store.reviews_due`)."""
        return review_store.reviews_due(self._session)

    def save_reviews(self, found: Sequence[ChangeReviews], *, observed_at: datetime) -> SaveCounts:
        """Save review events and read marks (see :func:`.review_store.save_reviews`)."""
        return review_store.save_reviews(self._session, found, observed_at=observed_at)

    def save_blueprints(self, found: Sequence[Blueprint], *, observed_at: datetime) -> SaveCounts:
        """Upsert blueprints (see :func:`.blueprint_store.save_blueprints`)."""
        return blueprint_store.save_blueprints(self._session, found, observed_at=observed_at)

    def activity_due(self, *, now: datetime, grace: timedelta) -> dict[int, LogDue]:
        """Bugs whose activity log a squash window wants read (see
        :func:`.activity_store.activity_due`)."""
        return activity_store.activity_due(self._session, now=now, grace=grace)

    def save_bug_activity(
        self, logs: Sequence[BugActivityLog], *, synced_to: Mapping[int, datetime]
    ) -> SaveCounts:
        """Store activity logs (see :func:`.activity_store.save_bug_activity`)."""
        return activity_store.save_bug_activity(self._session, logs, synced_to=synced_to)

    def cursor(self, source: SourceName, scope: str) -> datetime | None:
        """The last remote update time recorded for (source, scope), or ``None``."""
        row = self._session.get(SyncStateRow, (SourceName(source), scope))
        return None if row is None else row.last_seen_updated

    def save_bugs(self, bugs: Sequence[Bug], *, observed_at: datetime) -> SaveCounts:
        """Upsert bugs and their tasks; ``visible=False`` bugs keep their stored tasks."""
        batch = _Batch(self._session, observed_at)
        latest = {bug.bug_id: bug for bug in bugs}
        for bug in latest.values():
            if stray := [t for t in bug.tasks if t.bug_id != bug.bug_id]:
                raise ValueError(f"bug {bug.bug_id} lists a task of bug {stray[0].bug_id}")
        rows = _bugs_by_id(self._session, latest.keys())
        tasks = {(t.bug_id, t.target): t for t in _tasks_of(self._session, latest.keys())}
        for bug in latest.values():
            values = BugRow.columns_of(bug)
            row = rows.get(bug.bug_id)
            outcome: _Outcome = "unchanged"
            if row is None:
                batch.new_bugs.append(
                    {"bug_id": bug.bug_id, "fetched_at": batch.observed_at, **values}
                )
                outcome = "inserted"
            elif _apply(row, values):
                row.fetched_at = batch.observed_at
                outcome = "changed"
            own = {task.target: task for task in bug.tasks}
            written = [batch.task(tasks.get((bug.bug_id, t)), task) for t, task in own.items()]
            if outcome == "unchanged" and any(o != "unchanged" for o in written):
                outcome = "changed"
            if outcome != "unchanged":
                batch.touched.add((PendingKind.BUG, bug.bug_id))
            batch.counts[outcome] += 1
        return batch.finish()

    def save_bug_tasks(self, tasks: Sequence[BugTask], *, observed_at: datetime) -> SaveCounts:
        """Upsert tasks; a bug not stored yet gets a placeholder row (empty title, visible)."""
        batch = _Batch(self._session, observed_at)
        latest = {(task.bug_id, task.target): task for task in tasks}
        bug_ids = {bug_id for bug_id, _ in latest}
        known = set(_bugs_by_id(self._session, bug_ids))
        stored = {(t.bug_id, t.target): t for t in _tasks_of(self._session, bug_ids)}
        for key, task in latest.items():
            if task.bug_id not in known:
                known.add(task.bug_id)
                placeholder = BugRow.columns_of(Bug(task.bug_id))
                batch.new_bugs.append(
                    {"bug_id": task.bug_id, "fetched_at": batch.observed_at, **placeholder}
                )
            batch.counts[batch.task(stored.get(key), task)] += 1
        return batch.finish()

    def save_changes(self, changes: Sequence[Change], *, observed_at: datetime) -> SaveCounts:
        """Upsert changes on their number with history of status, patch set and votes;
        a change stored for the first time is no longer recorded as unreturned."""
        batch = _Batch(self._session, observed_at)
        latest = {change.number: change for change in changes}
        rows = _changes_by_number(self._session, latest.keys())
        for number, change in latest.items():
            batch.counts[batch.change(rows.get(number), change)] += 1
        for chunk in in_chunks(set(latest) - set(rows)):  # a new change was returned at last
            self._session.execute(
                delete(UnreturnedChangeRow).where(UnreturnedChangeRow.number.in_(chunk))
            )
        return batch.finish()

    def unreturned_changes(self, numbers: Iterable[int], *, asked_after: datetime) -> set[int]:
        """Those of ``numbers`` that Gerrit did not return when last asked, after
        ``asked_after``."""
        asked_after = require_aware(asked_after, "asked_after")
        found: set[int] = set()
        for chunk in in_chunks(set(numbers)):
            found.update(
                self._session.scalars(
                    select(UnreturnedChangeRow.number).where(
                        UnreturnedChangeRow.number.in_(chunk),
                        UnreturnedChangeRow.last_asked_at > asked_after,
                    )
                )
            )
        return found

    def record_unreturned_changes(self, numbers: Iterable[int], *, asked_at: datetime) -> None:
        """Record that Gerrit did not return ``numbers`` when asked at ``asked_at``."""
        asked_at = require_aware(asked_at, "asked_at")
        wanted = set(numbers)
        for chunk in in_chunks(wanted):
            rows = self._session.scalars(
                select(UnreturnedChangeRow).where(UnreturnedChangeRow.number.in_(chunk))
            )
            for row in rows:
                row.last_asked_at, row.times = asked_at, row.times + 1
                wanted.discard(row.number)
        self._session.add_all(
            UnreturnedChangeRow(number=n, first_asked_at=asked_at, last_asked_at=asked_at, times=1)
            for n in sorted(wanted)
        )

    def set_cursor(
        self, source: SourceName, scope: str, last_seen: datetime, *, ran_at: datetime
    ) -> None:
        """Record the cursor for (source, scope) in the current transaction."""
        last_seen, ran_at = require_aware(last_seen, "last_seen"), require_aware(ran_at, "ran_at")
        row = self._session.get(SyncStateRow, (SourceName(source), scope))
        if row is None:
            row = SyncStateRow(source=SourceName(source), scope=scope)
            self._session.add(row)
        row.last_seen_updated, row.last_run_at = last_seen, ran_at

    def commit(self) -> None:
        """Commit the session."""
        self._session.commit()

    def rollback(self) -> None:
        """Roll the session back."""
        self._session.rollback()


def _referenced(session: Session, kind: RefKind) -> set[int]:
    action_refs = (
        select(ActionRefRow.ref_id)
        .join(ActionRow, ActionRow.id == ActionRefRow.action_id)
        .where(ActionRow.removed_at.is_(None))
    )
    topic_refs = (
        select(TopicRefRow.ref_id)
        .join(TopicRow, TopicRow.id == TopicRefRow.topic_id)
        .where(TopicRow.removed_at.is_(None))
    )
    stmt = select(RefRow.ref_id).where(
        RefRow.kind == kind, or_(RefRow.id.in_(action_refs), RefRow.id.in_(topic_refs))
    )
    return {int(ref_id) for ref_id in session.scalars(stmt) if ref_id.isdigit()}


# --- Reads for reports ----------------------------------------------------------


def _main_task(tasks: Sequence[BugTaskRow]) -> BugTaskRow | None:
    """The task that stands for the bug: project before series tasks, then the oldest."""
    far = datetime.max.replace(tzinfo=UTC)
    return min(tasks, key=lambda t: ("/" in t.target, t.date_created or far, t.id), default=None)


def artifact_states(session: Session, keys: Iterable[str]) -> dict[str, str]:
    """Current status of each stored artifact named by ``keys`` (unknown ones are left out).

    ``change:N`` gives the change status (``MERGED``), ``bug:N/target`` that task's
    status and ``bug:N`` the status of the bug's main task (its oldest project
    task, see :func:`_main_task`); a bug stored as not visible gives
    :data:`~.sync_records.INVISIBLE_BUG_STATE`. Raises ``ValueError`` for a
    malformed key. Three queries at most.
    """
    parsed = {key: parse_key(key) for key in keys}
    numbers = {p.number for p in parsed.values() if p.kind == "change"}
    bug_ids = {p.number for p in parsed.values() if p.kind == "bug"}
    changes: dict[int, str] = {}
    for chunk in in_chunks(numbers):  # the status alone: a change row carries its body
        stmt = select(ChangeRow.number, ChangeRow.status).where(ChangeRow.number.in_(chunk))
        changes.update((n, str(status)) for n, status in session.execute(stmt))
    bugs = _bugs_by_id(session, bug_ids)
    tasks: dict[int, list[BugTaskRow]] = {bug_id: [] for bug_id in bugs}
    for task in _tasks_of(session, bugs.keys()):
        tasks[task.bug_id].append(task)
    states: dict[str, str] = {}
    for key, p in parsed.items():
        if p.kind == "change":
            if p.number in changes:
                states[key] = changes[p.number]
            continue
        if p.number not in bugs:
            continue
        if not bugs[p.number].visible:
            states[key] = INVISIBLE_BUG_STATE
            continue
        if p.target is None:
            found = _main_task(tasks[p.number])
        else:
            found = next((t for t in tasks[p.number] if t.target == p.target), None)
        if found is not None:
            states[key] = found.status
    return states


def history_since(session: Session, since: datetime) -> list[HistoryRow]:
    """History rows observed at or after ``since``, in the order they were recorded."""
    stmt = (
        select(ArtifactHistoryRow)
        .where(ArtifactHistoryRow.observed_at >= require_aware(since, "since"))
        .order_by(ArtifactHistoryRow.observed_at, ArtifactHistoryRow.id)
    )
    return [row.to_record() for row in session.scalars(stmt)]


def get_bug(session: Session, bug_id: int) -> Bug | None:
    """The stored bug with its tasks (in first-seen order), or ``None``."""
    row = session.get(BugRow, bug_id)
    return None if row is None else row.to_record(_tasks_of(session, [bug_id]))


def get_change(session: Session, number: int) -> Change | None:
    """The stored change, or ``None``."""
    row = session.get(ChangeRow, number)
    return None if row is None else row.to_record()
