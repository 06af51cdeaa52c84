"""The per-person squash tally: who Launchpad's activity log names, bots and unlogged
changes credited to the assignee."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from syncsvc.domain import COMMENTED, ActivityEntry, SquashBug, SquashEvent, TaskChange
from syncsvc.squash.report import build_report, notes, touched_bugs
from syncsvc.squash.tally import person_tally, unlogged_note

START = datetime(2021, 6, 16, 10, 0, tzinfo=UTC)
END = datetime(2021, 6, 18, 12, 0, tzinfo=UTC)
BOTS = ("hudson-openstack", "openstack-infra")
EMPTY = {"confirmed": 0, "triaged": 0, "inquired": 0, "rejected": 0, "resolved": 0}


def at(hours: float) -> datetime:
    """``hours`` after the window starts."""
    return START + timedelta(hours=hours)


def task(bug_id: int, assignee: str | None = None) -> SquashBug:
    """A manila task."""
    return SquashBug(bug_id, f"bug {bug_id}", "manila", "Confirmed", "High", assignee=assignee)


def stored(bug_id: int, old: str, new: str, hours: float) -> TaskChange:
    """A stored status change of the manila task, dated ``hours`` into the window."""
    return TaskChange(bug_id, "manila", "status", old, new, at(hours))


def line(bug_id: int, person: str | None, old: str, new: str, hours: float,
         what: str = "manila: status") -> ActivityEntry:  # fmt: skip
    """An activity log line, ``hours`` into the window."""
    return ActivityEntry(bug_id, at(hours), person, what, old, new)


TASKS = {1: task(1), 2: task(2), 3: task(3, "dev-c"), 5: task(5), 6: task(6)}
#: What syncs stored: bug 1 seen New -> Triaged (two steps in between), bug 2 went
#: Incomplete, bug 3 was fixed by the merge bot, bug 5's log was never read.
CHANGES = [
    stored(2, "New", "Incomplete", 1),
    stored(1, "New", "Triaged", 3),
    stored(5, "Confirmed", "Won't Fix", 4),
    stored(3, "In Progress", "Fix Released", 5),
]
LOG = [
    line(1, "ana", "New", "Confirmed", 1),
    line(2, "carl", "New", "Incomplete", 1),
    line(1, "ana", "Undecided", "High", 1.5, what="manila: importance"),
    line(1, "bob", "Confirmed", "Triaged", 2),
    line(3, "openstack-infra", "In Progress", "Fix Released", 5),
    line(6, "dora", "New", "Confirmed", 6, what="cinder: status"),
    line(6, "erin", "Confirmed", "New", 7),
]


class TestPersonTally:
    def test_each_log_line_credits_its_person(self):
        """People come from the log (intermediate steps too); a bot's fix goes to the
        assignee; a change with no log line goes to the assignee and is counted."""
        tally = person_tally(CHANGES, LOG, TASKS, projects=("manila",), bots=BOTS)
        assert tally.people == {
            "(unassigned)": EMPTY | {"rejected": 1},
            "ana": EMPTY | {"confirmed": 1},
            "bob": EMPTY | {"triaged": 1},
            "carl": EMPTY | {"inquired": 1},
            "dev-c": EMPTY | {"resolved": 1},
        }
        assert tally.unlogged == 1

    def test_without_a_log_every_change_uses_the_older_rule(self):
        """With no log line read, the tally is the assignee rule and every change is
        counted as unlogged."""
        tally = person_tally(CHANGES, [], TASKS, projects=("manila",), bots=BOTS)
        assert tally.people == {
            "(unassigned)": EMPTY | {"triaged": 1, "inquired": 1, "rejected": 1},
            "dev-c": EMPTY | {"resolved": 1},
        }
        assert tally.unlogged == 4

    def test_a_bot_not_configured_is_credited_itself(self):
        """Only the configured accounts are bots."""
        tally = person_tally(CHANGES, LOG, TASKS, projects=("manila",), bots=())
        assert tally.people["openstack-infra"] == EMPTY | {"resolved": 1}
        assert "dev-c" not in tally.people

    def test_a_line_later_than_the_stored_change_does_not_cover_it(self):
        """A log line dated after the stored change is another change: both count."""
        changes = [stored(2, "New", "Confirmed", 1)]
        log = [line(2, "ana", "Incomplete", "Confirmed", 9)]
        tally = person_tally(changes, log, TASKS, projects=("manila",), bots=BOTS)
        assert tally.people == {
            "(unassigned)": EMPTY | {"confirmed": 1},
            "ana": EMPTY | {"confirmed": 1},
        }
        assert tally.unlogged == 1

    def test_marking_a_duplicate_counts_as_inquired(self):
        """'marked as duplicate' is bug-wide: it credits the person in 'inquired', a bot's
        marking nobody, and an unmarking nothing."""
        log = [
            line(2, "ana", "", "1", 1, what="marked as duplicate"),
            line(5, "openstack-infra", "", "1", 2, what="marked as duplicate"),
            line(6, "bob", "1", "", 3, what="removed duplicate marker"),
        ]
        tally = person_tally([], log, TASKS, projects=("manila",), bots=BOTS)
        assert tally.people == {"ana": EMPTY | {"inquired": 1}}
        assert tally.unlogged == 0

    def test_the_note_says_how_many(self):
        """The report's note counts the changes credited by the older rule."""
        assert unlogged_note(1) == (
            "1 status change with no activity log line read: "
            "credited to the task's assignee at the change"
        )


class TestReportTally:
    def test_report_uses_window_lines_of_its_bugs_only(self):
        """build_report keeps the log lines dated in the window of the event's bugs."""
        event = SquashEvent("m3", START, END, projects=("manila",))
        log = [
            *LOG,
            line(1, "zed", "Triaged", "Confirmed", -5),
            line(9, "yan", "New", "Triaged", 2),
        ]
        found = build_report(event, [], CHANGES, TASKS, {}, activity=log, bots=BOTS)
        assert sorted(found.people) == ["(unassigned)", "ana", "bob", "carl", "dev-c"]
        assert (found.people["ana"]["confirmed"], found.unlogged) == (1, 1)


#: Every bug's log read after its last change, except bug 5's (never read) and bug 7's
#: (read before its change at hour 8).
LOGGED = {1: at(10), 2: at(10), 3: at(10), 4: at(10), 6: at(10), 7: at(3)}


class TestTouched:
    """Which bugs a person touched: the log's people, comments, bots left out."""

    def test_people_comments_and_uncovered_changes_touch_bots_do_not(self):
        """A person's status or importance line, a comment, a duplicate marking and a
        change the log does not cover touch a bug; a bot's line, another project's task
        line and a tag change do not."""
        log = [
            *LOG,
            ActivityEntry(4, at(2), "fay", COMMENTED),
            ActivityEntry(4, at(3), "hudson-openstack", COMMENTED),
            ActivityEntry(8, at(2), "gil", "marked as duplicate", None, "1"),
            ActivityEntry(9, at(2), "hal", "tags", "", "low-hanging-fruit"),
            line(10, "ivy", "Undecided", "Low", 2, what="manila: importance"),
            line(11, "janitor", "Incomplete", "Expired", 2),
        ]
        changes = [*CHANGES, stored(7, "New", "Confirmed", 8)]
        found = touched_bugs(changes, log, LOGGED, projects=("manila",),
                             bots=(*BOTS, "janitor"))  # fmt: skip
        # 3: only openstack-infra's line; 6: its manila line is erin's (dora's is cinder's).
        assert sorted(found) == [1, 2, 4, 5, 6, 7, 8, 10]

    def test_report_counts_what_people_touched_and_says_what_bots_did_alone(self):
        """The merge bot's closing alone does not count (noted in the report's notes); a
        comment alone makes a bug count, with no closing."""
        event = SquashEvent("m3", START, END, projects=("manila",))
        tasks = {**TASKS, 4: task(4)}
        log = [*LOG, ActivityEntry(4, at(2), "fay", COMMENTED)]
        found = build_report(event, [], CHANGES, tasks, {}, activity=log, bots=BOTS,
                             logged=LOGGED)  # fmt: skip
        assert sorted(found.attributed) == [1, 2, 4, 5, 6]
        assert found.closed == {5: "wont_fix"}
        assert "dev-c" not in found.people  # bug 3's fix was the bot's alone
        assert found.bots_only == 1
        assert notes(found, "- ") == [
            "- not counted: 1 bug changed only by bots",
            (
                "- 1 status change with no activity log line read: credited to the task's "
                "assignee at the change"
            ),
        ]
