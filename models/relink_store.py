"""The SQL side of :class:`syncsvc.sync.ports.LinkStore` (one caller-owned session).

It conforms to the protocol structurally; tests/db checks that it does.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from syncsvc.domain import (
    Account,
    Bug,
    BugMessage,
    BugTask,
    Change,
    ChangeStatus,
    CurrentState,
    Footers,
    Identity,
    Link,
    LinkDecision,
    Pending,
    PendingNotes,
    Plan,
    Ref,
    RelinkChange,
    StoredAction,
    StoredIdentity,
    TopicRefs,
    Transition,
)
from syncsvc.models import relink_pending as pending
from syncsvc.models import repo
from syncsvc.models.base import in_chunks
from syncsvc.models.comment_store import stored_messages
from syncsvc.models.identities import add_identities, list_identities, load_identities
from syncsvc.models.link_store import (
    append_transitions,
    apply_plan,
    current_states,
    link_decisions,
    load_confirmed_links,
    load_links,
)
from syncsvc.models.sync_tables import BugRow, BugTaskRow, ChangeRow
from syncsvc.models.tables import DayRow, PersonRow, TopicRefRow, TopicRow

FINGERPRINT = "fingerprint"
LEARNED = "learned"  # the digest of the learned word factors the last relink used
WORD_STATS = "word_stats"
_SLICE = 1000  # rows per fetch when reading a whole table
T = TypeVar("T")


#: What the relink reads of every change (see :func:`_relink_change`).
_RELINK_COLUMNS = (
    ChangeRow.number,
    ChangeRow.project,
    ChangeRow.subject,
    ChangeRow.topic,
    ChangeRow.hashtags,
    ChangeRow.owner_account_id,
    ChangeRow.owner_username,
    ChangeRow.owner_name,
    ChangeRow.owner_email,
    ChangeRow.closes_bug,
    ChangeRow.partial_bug,
    ChangeRow.related_bug,
    ChangeRow.blueprints,
    ChangeRow.updated,
    ChangeRow.body,
)
#: What the commitments' states read of a linked change (see :func:`_linked_change`).
_LINKED_COLUMNS = (*_RELINK_COLUMNS, ChangeRow.branch, ChangeRow.status, ChangeRow.submitted)


def _relink_change(row: Row[*tuple[Any, ...]], shared: dict[object, object]) -> RelinkChange:
    """A change as the relink reads every one (see :meth:`LinkStore.changes`); values that
    repeat across changes (project, topic, owner, hashtags, footers, the day) shared."""

    def one(value: T) -> T:
        return cast("T", shared.setdefault(value, value))

    owner = Account(
        account_id=row.owner_account_id,
        username=row.owner_username,
        name=row.owner_name,
        email=row.owner_email,
    )
    footers = Footers(
        closes_bug=one(tuple(row.closes_bug)),
        partial_bug=one(tuple(row.partial_bug)),
        related_bug=one(tuple(row.related_bug)),
        blueprints=one(tuple(row.blueprints)),
    )
    return RelinkChange(
        number=row.number,
        project=one(row.project),
        subject=row.subject,
        owner=one(owner),
        day=one(row.updated.date()),
        topic=one(row.topic),
        hashtags=one(tuple(row.hashtags)),
        footers=one(footers),
        body=row.body,
    )


def _linked_change(row: Row[*tuple[Any, ...]], shared: dict[object, object]) -> Change:
    """A change as the commitments' states read it (see :meth:`LinkStore.linked_changes`):
    its URL, Change-Ids, patch set and votes left out, ``created`` the same object as
    ``updated``."""
    light = _relink_change(row, shared)
    return Change(
        number=light.number,
        project=light.project,
        branch=row.branch,
        subject=light.subject,
        status=ChangeStatus(row.status),
        owner=light.owner,
        created=row.updated,
        updated=row.updated,
        submitted=row.submitted,
        topic=light.topic,
        hashtags=light.hashtags,
        footers=light.footers,
        body=light.body,
    )


_TASK_COLUMNS = (
    BugTaskRow.bug_id,
    BugTaskRow.target,
    BugTaskRow.status,
    BugTaskRow.importance,
    BugTaskRow.assignee,
    BugTaskRow.milestone,
    BugTaskRow.date_created,
    BugTaskRow.date_closed,
    BugTaskRow.date_fix_committed,
    BugTaskRow.date_fix_released,
    BugTaskRow.date_in_progress,
    BugTaskRow.is_complete,
    BugTaskRow.url,
    BugTaskRow.date_triaged,
    BugTaskRow.date_incomplete,
)
_BUG_COLUMNS = (
    BugRow.bug_id,
    BugRow.title,
    BugRow.tags,
    BugRow.date_last_updated,
    BugRow.visible,
    BugRow.url,
    BugRow.date_last_message,
    BugRow.private,
    BugRow.information_type,
)


def _relink_task(row: Row[*tuple[Any, ...]], shared: dict[object, object]) -> BugTask:
    """A bug task as :meth:`BugTaskRow.to_record` gives it, its repeated strings shared."""

    def one(value: T) -> T:
        return cast("T", shared.setdefault(value, value))

    return BugTask(
        bug_id=row.bug_id,
        target=one(row.target),
        status=one(row.status),
        importance=one(row.importance),
        assignee=one(row.assignee),
        milestone=one(row.milestone),
        date_created=row.date_created,
        date_closed=row.date_closed,
        date_fix_committed=row.date_fix_committed,
        date_fix_released=row.date_fix_released,
        date_in_progress=row.date_in_progress,
        is_complete=row.is_complete,
        url=row.url,
        date_triaged=row.date_triaged,
        date_incomplete=row.date_incomplete,
    )


def _relink_bug(
    row: Row[*tuple[Any, ...]], tasks: tuple[BugTask, ...], shared: dict[object, object]
) -> Bug:
    """A bug as :meth:`BugRow.to_record` gives it with ``tasks``, its tags shared."""
    return Bug(
        bug_id=row.bug_id,
        title=row.title,
        tags=cast("tuple[str, ...]", shared.setdefault(tuple(row.tags), tuple(row.tags))),
        tasks=tasks,
        date_last_updated=row.date_last_updated,
        visible=row.visible,
        url=row.url,
        date_last_message=row.date_last_message,
        private=row.private,
        information_type=row.information_type,
    )


class SqlLinkStore:
    """Reads everything the reconciler needs in a few bulk queries; writes through
    :mod:`.link_store`. Never commits: the caller owns the transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def actions(self, ids: Collection[int] | None = None) -> Sequence[StoredAction]:
        return repo.list_actions(self._session, ids=ids)

    def topic_refs(self) -> TopicRefs:
        stmt = (
            select(TopicRow.event_id, TopicRow.title, TopicRefRow)
            .join(TopicRefRow, TopicRefRow.topic_id == TopicRow.id)
            .where(TopicRow.removed_at.is_(None))
            .order_by(TopicRow.id, TopicRefRow.position)
        )
        found: dict[tuple[int, str], list[Ref]] = defaultdict(list)
        for event_id, title, link in self._session.execute(stmt):
            found[(event_id, title)].append(link.ref.to_record())
        return dict(found)

    def changes(self, numbers: Collection[int] | None = None) -> Sequence[RelinkChange]:
        # The columns the reconciler reads, a slice at a time, with repeated values shared:
        # ORM rows would hold every column, and every row at once (issue 14's peak RSS).
        shared: dict[object, object] = {}
        if numbers is None:
            stmt = select(*_RELINK_COLUMNS).order_by(ChangeRow.number)
            rows = self._session.execute(stmt.execution_options(yield_per=_SLICE))
            return [_relink_change(row, shared) for row in rows]
        return [_relink_change(row, shared) for row in self._some(_RELINK_COLUMNS, numbers)]

    def linked_changes(self, numbers: Collection[int]) -> Sequence[Change]:
        shared: dict[object, object] = {}
        return [_linked_change(row, shared) for row in self._some(_LINKED_COLUMNS, numbers)]

    def _some(
        self, columns: Sequence[Any], numbers: Collection[int]
    ) -> Iterator[Row[*tuple[Any, ...]]]:
        for chunk in in_chunks(sorted(set(numbers))):
            stmt = select(*columns).where(ChangeRow.number.in_(chunk)).order_by(ChangeRow.number)
            yield from self._session.execute(stmt)

    def bugs(self, ids: Collection[int] | None = None) -> Sequence[Bug]:
        if ids is None:
            return self._bugs(None)
        found: list[Bug] = []
        for chunk in in_chunks(sorted(set(ids))):
            found.extend(self._bugs(chunk))
        return found

    def _bugs(self, ids: list[int] | None) -> list[Bug]:
        # Columns, a slice at a time, with repeated values shared: the records the ORM rows'
        # to_record gives, without holding every task row as an ORM object (issue 14's peak
        # RSS).
        tasks_stmt = select(*_TASK_COLUMNS).order_by(BugTaskRow.id)
        bugs_stmt = select(*_BUG_COLUMNS).order_by(BugRow.bug_id)
        if ids is not None:
            tasks_stmt = tasks_stmt.where(BugTaskRow.bug_id.in_(ids))
            bugs_stmt = bugs_stmt.where(BugRow.bug_id.in_(ids))
        shared: dict[object, object] = {}
        tasks: dict[int, list[BugTask]] = defaultdict(list)
        for row in self._session.execute(tasks_stmt.execution_options(yield_per=_SLICE)):
            tasks[row.bug_id].append(_relink_task(row, shared))
        rows = self._session.execute(bugs_stmt.execution_options(yield_per=_SLICE))
        return [_relink_bug(row, tuple(tasks.pop(row.bug_id, ())), shared) for row in rows]

    def messages(self, bug_ids: Collection[int] | None = None) -> Sequence[BugMessage]:
        return stored_messages(self._session, bug_ids)

    def identities(self) -> Sequence[Identity]:
        return load_identities(self._session)

    def links(self, action_ids: Collection[int] | None = None) -> Sequence[Link]:
        return load_links(self._session, action_ids)

    def confirmed_links(self, action_ids: Collection[int] | None = None) -> Sequence[Link]:
        return load_confirmed_links(self._session, action_ids)

    def event_start(self) -> date | None:
        return self._session.scalar(select(func.min(DayRow.date)))

    def apply(self, plan: Plan, *, now: datetime) -> tuple[int, int]:
        counts = apply_plan(self._session, plan, now=now)
        return counts.added, counts.updated

    def current_states(self, action_ids: Iterable[int]) -> Mapping[int, CurrentState]:
        return current_states(self._session, action_ids)

    def append_transitions(self, transitions: Sequence[Transition], *, now: datetime) -> int:
        return len(append_transitions(self._session, transitions, now=now))

    def fingerprint(self) -> str | None:
        return pending.get_mark(self._session, FINGERPRINT)

    def word_stats(self) -> str | None:
        return pending.get_mark(self._session, WORD_STATS)

    def global_inputs(self) -> str:
        start = self.event_start()
        projects = pending.known_projects(self._session)
        return json.dumps([start.isoformat() if start else None, projects])

    def link_decisions(self) -> Sequence[LinkDecision]:
        return link_decisions(self._session)

    def learned_mark(self) -> str | None:
        return pending.get_mark(self._session, LEARNED)

    def pending(self) -> PendingNotes:
        return pending.load_pending(self._session)

    def affected(self, items: Collection[Pending]) -> set[int]:
        return pending.affected_actions(self._session, items) if items else set()

    def due(self, now: datetime) -> set[int]:
        return pending.due_checks(self._session, now)

    def owned_by(self, nicks: Collection[str]) -> set[int]:
        return pending.actions_owned_by(self._session, nicks)

    def candidate_seekers(self) -> Sequence[tuple[int, str, tuple[str, ...]]]:
        return pending.candidate_seekers(self._session, self.event_start())

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
        pending.clear_pending(self._session, covered)
        pending.replace_checks(self._session, checks, everything=everything)
        pending.set_mark(self._session, FINGERPRINT, fingerprint)
        if word_stats is not None:
            pending.set_mark(self._session, WORD_STATS, word_stats)
        if learned is not None:
            pending.set_mark(self._session, LEARNED, learned)

    def people(self) -> Mapping[str, str | None]:
        return {p.nick: p.name for p in self._session.scalars(select(PersonRow))}

    def stored_identities(self) -> Sequence[StoredIdentity]:
        return list_identities(self._session)

    def add_identities(self, learned: Sequence[StoredIdentity]) -> int:
        return add_identities(self._session, learned)
