"""Storage of squash events: snapshots only inside the window, task changes of the window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from syncsvc.domain import BugTask, SquashEvent
from syncsvc.errors import InputError
from syncsvc.models.squash_store import (
    add_snapshots,
    create_event,
    events_on,
    get_event,
    previous_event,
    save_signups,
    signups,
    snapshots,
    task_changes,
)
from syncsvc.models.sync_store import SqlSyncStore

START = datetime(2021, 6, 16, 10, 0, tzinfo=UTC)
END = datetime(2021, 6, 18, 12, 0, tzinfo=UTC)


def tasks(status: str, when: datetime) -> list[BugTask]:
    """Two manila tasks and a nova one, in ``status`` since ``when``."""
    return [
        BugTask(1, "manila", status, "High", date_closed=when, date_in_progress=when),
        BugTask(2, "manila", "New", "Undecided"),
        BugTask(3, "nova", status, "Low", date_closed=when, date_in_progress=when),
    ]


class TestSquashStore:
    def test_snapshots_only_inside_the_window(self, session):
        """A snapshot is appended for a time inside the window, never before or after."""
        event = create_event(session, SquashEvent("m3", START, END, projects=("manila",)),
                             now=START)  # fmt: skip
        SqlSyncStore(session).save_bug_tasks(tasks("In Progress", START), observed_at=START)
        for when in (START - timedelta(hours=1), START + timedelta(hours=1), END + timedelta(1)):
            add_snapshots(session, now=when)
        session.commit()
        assert event.id is not None
        assert [(s.taken_at, dict(s.counts)) for s in snapshots(session, event.id)] == [
            (
                START + timedelta(hours=1),
                {"importance:High": 1, "importance:Undecided": 1, "open": 2,
                 "status:In Progress": 1, "status:New": 1, "unassigned": 2},
            )
        ]  # fmt: skip

    def test_task_changes_are_those_dated_in_the_window(self, session):
        """Status changes dated (remote time) inside the window, for the event's projects."""
        store = SqlSyncStore(session)
        store.save_bug_tasks(tasks("In Progress", START - timedelta(5)), observed_at=START)
        closed = START + timedelta(hours=3)
        store.save_bug_tasks(tasks("Invalid", closed), observed_at=END + timedelta(days=2))
        session.commit()
        found = task_changes(session, START, END, ("manila",))
        assert [(c.bug_id, c.field, c.old_value, c.new_value, c.changed_at) for c in found] == [
            (1, "status", "In Progress", "Invalid", closed)
        ]

    def test_names_previous_and_signups(self, session):
        """Names are unique; the previous event ended before; sign-ups keep one per bug."""
        first = SquashEvent("m2", START - timedelta(90), END - timedelta(90))
        create_event(session, first, now=START)
        event = create_event(session, SquashEvent("m3", START, END), now=START)
        with pytest.raises(InputError, match="a squash named 'm3' exists"):
            create_event(session, SquashEvent("m3", START, END), now=START)
        assert event.id is not None
        assert previous_event(session, event) == get_event(session, "m2")
        assert save_signups(session, event.id, [(7, "ana"), (8, "bo"), (7, "cy")]) == 2
        assert save_signups(session, event.id, [(8, "bo")]) == 0
        session.commit()
        assert signups(session, event.id) == {7: "cy", 8: "bo"}

    def test_events_on_the_team_projects(self, session):
        """Events covering a team project (any case) or naming none, oldest first; all of
        them when no project is given."""
        for name, days, projects in (
            ("later", 30, ("Manila",)), ("nova-only", 0, ("nova",)), ("all", 10, ()),
            ("first", -5, ("manila", "nova")),
        ):  # fmt: skip
            start = START + timedelta(days)
            create_event(session, SquashEvent(name, start, start + timedelta(1), projects=projects),
                         now=START)  # fmt: skip
        session.commit()
        assert [e.name for e in events_on(session, ["openstack/manila"])] == [
            "first", "all", "later",
        ]  # fmt: skip
        assert [e.name for e in events_on(session)] == ["first", "nova-only", "all", "later"]
