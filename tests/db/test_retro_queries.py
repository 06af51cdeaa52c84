"""What `retro` reads from storage: the importance changes of the team's bug tasks."""

from __future__ import annotations

from datetime import UTC, date, datetime

from syncsvc.domain import BugTask
from syncsvc.domain.retro import RetroEvent
from syncsvc.models.retro_queries import retro_facts
from syncsvc.models.sync_store import SqlSyncStore

PTG = RetroEvent(1, "Team PTG", "manila", "wallaby", "ptg", date(2020, 10, 26))
FIRST = datetime(2020, 11, 1, tzinfo=UTC)
LATER = datetime(2020, 11, 20, tzinfo=UTC)


def task(bug: int, target: str, importance: str) -> BugTask:
    """A New task of ``target`` created on 2020-10-01."""
    return BugTask(bug, target, "New", importance, date_created=datetime(2020, 10, 1, tzinfo=UTC))


def test_importance_changes_of_the_team_tasks(session):
    """A stored importance change of a team task is read, oldest first; another project's
    task and other fields are not."""
    store = SqlSyncStore(session)
    store.save_bug_tasks(
        [task(1, "manila", "Undecided"), task(2, "nova", "Low")], observed_at=FIRST
    )
    store.save_bug_tasks([task(1, "manila", "High"), task(2, "nova", "High")], observed_at=LATER)
    session.commit()
    found = retro_facts(session, PTG, projects=["openstack/manila"]).task_changes
    assert [(c.bug_id, c.target, c.field, c.old_value, c.new_value) for c in found] == [
        (1, "manila", "importance", "Undecided", "High")
    ]
    assert found[0].changed_at <= LATER
