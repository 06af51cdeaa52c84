"""SqlSyncStore writes a batch's new rows as one INSERT per table, and reads them back as
any stored row: the next batch of the same transaction sees them, counts them unchanged
and gives the same records.

The database is the shared ``db_url`` one: SQLite always, PostgreSQL when configured.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy.orm import Session
from test_sync_store import BUG, CHANGE, MANILA, NOW, SERIES

from syncsvc.domain import Bug, SaveCounts
from syncsvc.models.sync_store import SqlSyncStore, get_bug, get_change

LATER = NOW.replace(day=NOW.day + 1)
CHANGES = [
    replace(CHANGE, number=n, url=f"https://review.opendev.org/c/openstack/manila/+/{n}")
    for n in range(745206, 745206 + 40)
]
TASKS = [replace(MANILA, bug_id=b) for b in range(1855391, 1855391 + 30)]


@pytest.fixture
def store(session: Session) -> SqlSyncStore:
    """A store on the test session."""
    return SqlSyncStore(session)


def test_new_changes_are_one_insert(store, session, sql_statements) -> None:
    """40 new changes: one INSERT of change rows and one of their history rows."""
    with sql_statements(words=3, only={"INSERT"}) as sent:
        counts = store.save_changes(CHANGES, observed_at=NOW)
    assert counts == SaveCounts(inserted=40, history=40)
    assert sorted(sent) == [
        "INSERT INTO artifact_history",
        "INSERT INTO changes",
        "INSERT INTO relink_pending",
    ]
    assert [get_change(session, c.number) for c in CHANGES] == CHANGES


def test_new_tasks_of_new_bugs_are_one_insert_each(store, session, sql_statements) -> None:
    """30 tasks of bugs not stored: one INSERT of placeholder bugs, one of tasks."""
    with sql_statements(words=3, only={"INSERT"}) as sent:
        counts = store.save_bug_tasks(TASKS, observed_at=NOW)
    assert counts == SaveCounts(inserted=30, history=30)
    assert sorted(sent) == [
        "INSERT INTO artifact_history",
        "INSERT INTO bug_tasks",
        "INSERT INTO bugs",
        "INSERT INTO relink_pending",
    ]
    assert [get_bug(session, t.bug_id) for t in TASKS] == [Bug(t.bug_id, tasks=(t,)) for t in TASKS]


def test_the_next_batch_sees_the_new_rows(store, session) -> None:
    """In one transaction, a second batch finds the first's new rows: the same changes are
    unchanged, a bug saved whole after its task fills in the placeholder and adds the
    series task only."""
    store.save_changes(CHANGES, observed_at=NOW)
    store.save_bug_tasks([MANILA], observed_at=NOW)
    assert store.save_changes(CHANGES, observed_at=LATER) == SaveCounts(unchanged=40)
    assert store.save_bugs([BUG], observed_at=LATER) == SaveCounts(changed=1, history=1)
    store.commit()
    assert get_bug(session, BUG.bug_id) == BUG
    assert get_bug(session, BUG.bug_id).tasks == (MANILA, SERIES)


def test_a_new_bug_and_its_tasks_in_one_batch(store, session) -> None:
    """A bug saved whole for the first time: its row before its tasks (they refer to it)."""
    assert store.save_bugs([BUG], observed_at=NOW) == SaveCounts(inserted=1, history=2)
    store.commit()
    assert get_bug(session, BUG.bug_id) == BUG
