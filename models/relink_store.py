"""The SQL side of :class:`syncsvc.sync.ports.LinkStore` (one caller-owned session).

It conforms to the protocol structurally; tests/db checks that it does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from syncsvc.domain import (
    Bug,
    BugMessage,
    Change,
    CurrentState,
    Identity,
    Link,
    Plan,
    Ref,
    StoredAction,
    StoredIdentity,
    TopicRefs,
    Transition,
)
from syncsvc.models import repo
from syncsvc.models.comment_store import stored_messages
from syncsvc.models.identities import add_identities, list_identities, load_identities
from syncsvc.models.link_store import (
    append_transitions,
    apply_plan,
    current_states,
    load_links,
)
from syncsvc.models.sync_tables import BugRow, BugTaskRow, ChangeRow
from syncsvc.models.tables import DayRow, PersonRow, TopicRefRow, TopicRow


class SqlLinkStore:
    """Reads everything the reconciler needs in a few bulk queries; writes through
    :mod:`.link_store`. Never commits: the caller owns the transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def actions(self) -> Sequence[StoredAction]:
        return repo.list_actions(self._session)

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

    def changes(self) -> Sequence[Change]:
        rows = self._session.scalars(select(ChangeRow).order_by(ChangeRow.number))
        return [row.to_record() for row in rows]

    def bugs(self) -> Sequence[Bug]:
        tasks: dict[int, list[BugTaskRow]] = defaultdict(list)
        for task in self._session.scalars(select(BugTaskRow).order_by(BugTaskRow.id)):
            tasks[task.bug_id].append(task)
        rows = self._session.scalars(select(BugRow).order_by(BugRow.bug_id))
        return [row.to_record(tasks[row.bug_id]) for row in rows]

    def messages(self) -> Sequence[BugMessage]:
        return stored_messages(self._session)

    def identities(self) -> Sequence[Identity]:
        return load_identities(self._session)

    def links(self) -> Sequence[Link]:
        return load_links(self._session)

    def event_start(self) -> date | None:
        return self._session.scalar(select(func.min(DayRow.date)))

    def apply(self, plan: Plan, *, now: datetime) -> tuple[int, int]:
        counts = apply_plan(self._session, plan, now=now)
        return counts.added, counts.updated

    def current_states(self, action_ids: Iterable[int]) -> Mapping[int, CurrentState]:
        return current_states(self._session, action_ids)

    def append_transitions(self, transitions: Sequence[Transition], *, now: datetime) -> int:
        return len(append_transitions(self._session, transitions, now=now))

    def people(self) -> Mapping[str, str | None]:
        return {p.nick: p.name for p in self._session.scalars(select(PersonRow))}

    def stored_identities(self) -> Sequence[StoredIdentity]:
        return list_identities(self._session)

    def add_identities(self, learned: Sequence[StoredIdentity]) -> int:
        return add_identities(self._session, learned)
