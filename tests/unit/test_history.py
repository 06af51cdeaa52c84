"""Status history: transitions the remote dates show but no sync observed.

Change 745206 and bug 1855391 (manila) come from a Manila PTG summary; the
dates and statuses are sample data. No database.
"""

from __future__ import annotations

from datetime import UTC, datetime

from syncsvc.domain import Account, BugTask, Change, ChangeStatus
from syncsvc.domain.sync import HistoryEvent
from syncsvc.report.history import remote_transitions, status_history

SINCE = datetime(2020, 12, 1, tzinfo=UTC)
UNTIL = datetime(2020, 12, 8, tzinfo=UTC)
INSIDE = datetime(2020, 12, 3, tzinfo=UTC)
BEFORE = datetime(2020, 11, 20, tzinfo=UTC)


def change(number: int, status: ChangeStatus, *, submitted=None, updated=INSIDE) -> Change:
    """A manila change with the given status and times."""
    return Change(
        number=number,
        project="openstack/manila",
        branch="master",
        subject=f"Change {number}",
        status=status,
        owner=Account(31337),
        created=BEFORE,
        updated=updated,
        submitted=submitted,
    )


class TestRemoteTransitions:
    def test_closed_changes_in_the_window(self):
        """MERGED (at submitted) and ABANDONED (at updated) in the window; NEW and older ones not."""
        changes = [
            change(745206, ChangeStatus.MERGED, submitted=INSIDE),
            change(745207, ChangeStatus.ABANDONED),
            change(745208, ChangeStatus.NEW),
            change(745209, ChangeStatus.MERGED, submitted=BEFORE),
        ]
        assert remote_transitions(changes, [], [], since=SINCE, until=UNTIL) == [
            HistoryEvent("change:745206", "status", "MERGED", INSIDE),
            HistoryEvent("change:745207", "status", "ABANDONED", INSIDE),
        ]

    def test_task_dates_in_the_window(self):
        """In Progress, Fix Committed and Fix Released dates inside the window become events."""
        task = BugTask(
            1855391,
            "manila",
            "Fix Released",
            "High",
            date_in_progress=BEFORE,
            date_fix_committed=INSIDE,
            date_fix_released=UNTIL,
        )
        assert remote_transitions([], [task], [], since=SINCE, until=UNTIL) == [
            HistoryEvent("bug:1855391/manila", "status", "Fix Committed", INSIDE),
            HistoryEvent("bug:1855391/manila", "status", "Fix Released", UNTIL),
        ]

    def test_observed_transitions_are_not_repeated(self):
        """A status a sync already recorded for the key is left out; other fields do not count."""
        merged = change(745206, ChangeStatus.MERGED, submitted=INSIDE)
        task = BugTask(1855391, "manila", "In Progress", "High", date_in_progress=INSIDE)
        seen = [
            HistoryEvent("change:745206", "status", "MERGED", UNTIL),
            HistoryEvent("bug:1855391/manila", "assignee", "In Progress", UNTIL),
        ]
        assert status_history(seen, [merged], [task], since=SINCE, until=UNTIL) == [
            *seen,
            HistoryEvent("bug:1855391/manila", "status", "In Progress", INSIDE),
        ]

    def test_known_statuses_read_apart_replace_the_seen_rows(self):
        """``known`` pairs (status rows read apart from the window's rows) leave out what they name."""
        merged = change(745206, ChangeStatus.MERGED, submitted=INSIDE)
        abandoned = change(745207, ChangeStatus.ABANDONED)
        known = {("change:745206", "MERGED")}
        assert remote_transitions(
            [merged, abandoned], [], [], since=SINCE, until=UNTIL, known=known
        ) == [HistoryEvent("change:745207", "status", "ABANDONED", INSIDE)]
