"""The squash report from stored history: attribution, routes, sign-ups, tally, lines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from syncsvc.domain import SquashBug, SquashEvent, SquashSnapshot, TaskChange
from syncsvc.squash.report import (
    PreviousSquash,
    build_report,
    mail_text,
    report_json,
    status_lines,
)
from syncsvc.squash.rules import Listed
from syncsvc.squash.signups import parse_signups

START = datetime(2021, 6, 16, 10, 0, tzinfo=UTC)  # Thursday 00:00 at UTC+14
END = datetime(2021, 6, 18, 12, 0, tzinfo=UTC)  # Friday 00:00 at UTC-12
EVENT = SquashEvent("m3", START, END, tag="squash-m3", projects=("manila",),
                    goals=(("open", 3), ("new", 0)))  # fmt: skip


def task(bug_id: int, status: str = "Confirmed", importance: str = "High", **fields):
    """A manila task."""
    return SquashBug(bug_id, f"bug {bug_id}", "manila", status, importance, **fields)


def moved(bug_id: int, new: str, hours: float, field: str = "status", old: str = "New"):
    """A change of bug ``bug_id``'s manila task ``hours`` after the window starts."""
    return TaskChange(bug_id, "manila", field, old, new, START + timedelta(hours=hours))


def snap(hours: float, open_: int, new: int) -> SquashSnapshot:
    """A snapshot ``hours`` after the start."""
    counts = (("open", open_), ("status:New", new), ("importance:High", open_))
    return SquashSnapshot(START + timedelta(hours=hours), counts)


CHANGES = [
    moved(1, "Invalid", -1),  # before the window: not the event's
    moved(2, "Invalid", 1),
    moved(3, "sample-dev-a", 2, field="assignee", old=None),
    moved(3, "Fix Released", 30, old="In Progress"),
    moved(4, "Won't Fix", 5),
    moved(5, "Expired", 6, old="Incomplete"),
    moved(6, "Invalid", 7),
    moved(6, "New", 8, old="Invalid"),  # reopened: not closed
    moved(7, "Confirmed", 9),
    moved(8, "Triaged", 60),  # after the window
]
TASKS = {
    2: task(2, "Invalid"),
    3: task(3, "Fix Released", assignee="sample-dev-a"),
    4: task(4, "Won't Fix", "Wishlist"),
    5: task(5, "Expired", "Undecided"),
    6: task(6, "New"),
    7: task(7, "Confirmed"),
    9: task(9, "Confirmed", tags=("squash-m3",)),
    10: task(10, "Confirmed", duplicate_of=7),
}


def report(**kwargs):
    """The report over the sample records."""
    changes = [*CHANGES, moved(10, "Confirmed", 3)]
    return build_report(EVENT, [snap(1, 6, 2), snap(40, 4, 0)], changes, TASKS,
                        {7: "sample-dev-b", 3: "sample-dev-c"}, **kwargs)  # fmt: skip


class TestReport:
    def test_attribution_is_window_or_tag(self):
        """Bugs changed in the window or carrying the event tag count; others do not."""
        assert sorted(report().attributed) == [2, 3, 4, 5, 6, 7, 9, 10]

    def test_closures_by_route(self):
        """Closing changes in the window count by route; a reopened bug does not."""
        assert report().closed == {2: "invalid", 3: "fixed", 4: "wont_fix", 5: "expired",
                                   10: "duplicate"}  # fmt: skip

    def test_signups_and_assignments_in_the_window(self):
        """The sheet wins for its bugs; an assignment in the window claims the others."""
        found = report()
        assert found.signed_up == {3: "sample-dev-c", 7: "sample-dev-b"}
        assert (found.closed_of_signed_up, found.percent()) == (1, 50.0)

    def test_people_credited_by_assignee_at_the_change(self):
        """A change counts for the task's assignee at that moment."""
        assert report().people == {
            "(unassigned)": {"confirmed": 2, "triaged": 0, "inquired": 0, "rejected": 3,
                             "resolved": 0},
            "sample-dev-a": {"confirmed": 0, "triaged": 0, "inquired": 0, "rejected": 0,
                             "resolved": 1},
        }  # fmt: skip

    def test_json_shape(self):
        """The documented keys, goals with before/after/change, and the previous squash."""
        previous = PreviousSquash("m2", START - timedelta(90), END - timedelta(90), 9, 10, 7)
        follow = [Listed(task(7), note="reviewers", days=8)]
        data = report_json(report(follow_up=follow, previous=previous))
        assert list(data) == [
            "name", "from", "to", "goals", "before", "after", "closed_by_route", "signed_up",
            "closed_of_signed_up", "people", "follow_up", "previous",
        ]  # fmt: skip
        assert data["goals"]["open"] == {"goal": 3, "before": 6, "after": 4, "change": -2,
                                         "met": False}  # fmt: skip
        assert data["closed_by_route"] == {"fixed": 1, "invalid": 1, "wont_fix": 1,
                                           "duplicate": 1, "expired": 1}  # fmt: skip
        assert data["follow_up"][0]["bug"] == 7
        assert data["previous"]["closed_of_signed_up"] == 7
        assert data["from"] == "2021-06-16T10:00:00+00:00"

    def test_status_lines_are_irc_sized(self):
        """At most 10 lines of at most 400 bytes: snapshots, counts vs goals, closers."""
        lines = status_lines(report(), now=END + timedelta(hours=1))
        assert lines == [
            "squash m3: 2 snapshots, last 2021-06-18 02:00 UTC",
            "counts: open 6 → 4 (goal 3), new 2 → 0 (goal 0)",
            "closed 5: fixed 1, invalid 1, wont fix 1, duplicate 1, expired 1",
            "signed up 2, closed 1",
            "top closers: sample-dev-a (1)",
            "the window has ended: see syncsvc squash report",
        ]

    def test_mail_has_sections_with_none(self):
        """The mail lists sections Critical to Undecided, "None." where empty."""
        lines = mail_text(report(), TASKS, {7: [790007]})
        assert lines[lines.index("Critical") + 1] == "None."
        assert lines[lines.index("Medium") + 1] == "None."
        assert "- #7 bug 7" in lines
        assert "  created ?, Confirmed, assignee none, active patch: 790007" in lines
        assert "- signed up: 2, closed 1 (50.0%)" in lines


class TestSignups:
    def test_markdown_and_etherpad_rows(self):
        """Filled-in rows of either sheet give (bug, person); empty claims are skipped."""
        sheet = (
            "| bug | title | status | importance | days idle | claimed by |\n"
            "|---|---|---|---|---|---|\n"
            "| [1930000](https://bugs.launchpad.net/manila/+bug/1930000) | t | New | Low | 2 | "
            "@vkmc |\n"
            "| [1930001](https://bugs.launchpad.net/manila/+bug/1930001) | t | New | Low | 2 | |\n"
            "https://bugs.launchpad.net/manila/+bug/1930002 | t | New | Low | 2 | gouthamr (x) |\n"
        )
        assert parse_signups(sheet) == [(1930000, "vkmc"), (1930002, "gouthamr")]
