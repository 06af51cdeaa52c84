"""Drift rules: Launchpad bug tasks whose state disagrees with the Gerrit changes.

Change 745206 and bug 1855391 (manila, In Progress, assignee haixin) come from a
Manila PTG summary; every other value (bug and change numbers from 1900001 and
760001 up, accounts, dates, statuses) is sample data. No database: the rules
are pure functions over records.
"""

from __future__ import annotations

from datetime import UTC, datetime

from records import WINDOW, change

from syncsvc.domain import Bug, BugTask, ChangeStatus
from syncsvc.reconcile.drift import DriftItem, DriftKind, drift, drift_bugs, find_drift


def bug(
    bug_id: int, *tasks: tuple[str, str, str | None, datetime | None], visible: bool = True
) -> Bug:
    """A bug with tasks given as (target, status, assignee, date fix released)."""
    return Bug(
        bug_id=bug_id,
        title=f"Bug {bug_id}",
        visible=visible,
        tasks=tuple(
            BugTask(bug_id, target, status, "Medium", assignee=who, date_fix_released=released)
            for target, status, who, released in tasks
        ),
    )


RELEASED = datetime(2020, 11, 15, tzinfo=UTC)
BUGS = [
    bug(1855391, ("manila", "In Progress", "haixin", None)),
    bug(1900001, ("manila", "In Progress", "vkmc", None)),
    bug(1900002, ("manila", "In Progress", "dviroel", None)),
    bug(1900003, ("manila", "Fix Released", None, RELEASED)),
    bug(1900004, ("manila", "Fix Released", None, RELEASED)),
    bug(1900005, ("manila", "In Progress", "carloss", None)),
    bug(
        1900006,
        ("manila", "Fix Released", None, RELEASED),
        ("manila/wallaby", "Triaged", None, None),
    ),
    bug(1900007, ("manila", "In Progress", None, None)),
    bug(1900008, ("manila", "Fix Released", None, datetime(2020, 6, 1, tzinfo=UTC))),
    bug(1900009, ("cinder", "Fix Released", None, RELEASED)),
    bug(1900010, ("manila", "In Progress", "haixin", None), visible=False),
]
CHANGES = [
    change(745206, ChangeStatus.MERGED, closes=("1855391",)),
    change(745207, ChangeStatus.MERGED, closes=("1855391",), at=datetime(2020, 12, 1, tzinfo=UTC)),
    change(
        760001, ChangeStatus.ABANDONED, closes=("1900001",), at=datetime(2020, 11, 20, tzinfo=UTC)
    ),
    change(760002, ChangeStatus.ABANDONED, closes=("1900002",)),
    change(760003, ChangeStatus.NEW, topic="bug/1900002"),
    change(760004, ChangeStatus.MERGED, closes=("1900004",)),
    change(760005, ChangeStatus.MERGED, partial=("1900005",)),
    change(760006, ChangeStatus.MERGED, closes=("1900006",), branch="stable/wallaby"),
    change(760007, ChangeStatus.ABANDONED, closes=("1900007",)),
    change(760010, ChangeStatus.MERGED, closes=("1900010",)),
    change(760011, ChangeStatus.NEW, at=WINDOW),
]
TASKS = [task for b in BUGS if b.visible for task in b.tasks]  # what storage loads


class TestFindDrift:
    def test_reports_the_three_kinds_of_drift(self):
        """Merged-but-open, abandoned-but-in-progress and released-without-merge, nothing else."""
        merged = datetime(2020, 12, 10, 12, 0, tzinfo=UTC)
        assert find_drift(CHANGES, TASKS) == [
            DriftItem(
                DriftKind.MERGED_BUG_OPEN,
                1855391,
                "manila",
                "In Progress",
                "haixin",
                745206,
                ChangeStatus.MERGED,
                merged,
                "bug 1855391 (manila) is In Progress but change 745206 closing it merged"
                " 2020-12-10: set it to Fix Released",
                "Fix Released",
            ),
            DriftItem(
                DriftKind.MERGED_BUG_OPEN,
                1900006,
                "manila/wallaby",
                "Triaged",
                None,
                760006,
                ChangeStatus.MERGED,
                merged,
                "bug 1900006 (manila/wallaby) is Triaged but change 760006 closing it merged"
                " 2020-12-10: set it to Fix Released",
                "Fix Released",
            ),
            DriftItem(
                DriftKind.ABANDONED_BUG_IN_PROGRESS,
                1900001,
                "manila",
                "In Progress",
                "vkmc",
                760001,
                ChangeStatus.ABANDONED,
                datetime(2020, 11, 20, tzinfo=UTC),
                "bug 1900001 (manila) is In Progress, assigned to vkmc, but change 760001 was"
                " abandoned 2020-11-20 and no open or merged change works on it: unassign it"
                " or set it back to Triaged",
            ),
            DriftItem(
                DriftKind.RELEASED_WITHOUT_MERGE,
                1900003,
                "manila",
                "Fix Released",
                None,
                None,
                None,
                RELEASED,
                "bug 1900003 (manila) is Fix Released but no merged change closes it: find the"
                " fix or reopen the bug",
            ),
        ]

    def test_projects_restrict_the_report(self):
        """Only the named projects are judged."""
        assert find_drift(CHANGES, TASKS, projects=["openstack/cinder"]) == []
        assert len(find_drift(CHANGES, TASKS, projects=["manila"])) == 4

    def test_the_newest_change_names_the_item(self):
        """Two merged changes close one open task: the item names the newer one."""
        older = change(745207, ChangeStatus.MERGED, closes=("1855391",), at=WINDOW)
        newer = change(745206, ChangeStatus.MERGED, closes=("1855391",))
        items = find_drift([newer, older], BUGS[0].tasks)
        assert [(i.kind, i.change, i.at) for i in items] == [
            (DriftKind.MERGED_BUG_OPEN, 745206, datetime(2020, 12, 10, 12, 0, tzinfo=UTC))
        ]

    def test_a_backport_works_on_the_series_task_only(self):
        """A stable/wallaby change closes manila/wallaby, not the manila task."""
        backport = change(760006, ChangeStatus.MERGED, closes=("1900011",), branch="stable/wallaby")
        tasks = bug(
            1900011, ("manila", "In Progress", "x", None), ("manila/wallaby", "New", None, None)
        ).tasks
        assert [(i.target, i.set_status) for i in find_drift([backport], tasks)] == [
            ("manila/wallaby", "Fix Released")
        ]

    def test_an_open_change_on_the_topic_keeps_the_bug_in_progress(self):
        """A NEW change with topic bug/N works on bug N: the abandoned one is no drift."""
        abandoned = change(760002, ChangeStatus.ABANDONED, closes=("1900002",))
        tasks = BUGS[2].tasks
        assert len(find_drift([abandoned], tasks)) == 1
        assert (
            find_drift([abandoned, change(760003, ChangeStatus.NEW, topic="bug/1900002")], tasks)
            == []
        )


class TestDriftBugs:
    def test_bugs_of_merged_and_abandoned_changes_only(self):
        """Footer bugs of MERGED and ABANDONED changes; NEW changes and topics add none."""
        assert drift_bugs(CHANGES) == {
            1855391, 1900001, 1900002, 1900004, 1900005, 1900006, 1900007, 1900010,
        }  # fmt: skip
        assert drift_bugs(CHANGES, projects=["cinder"]) == set()

    def test_drift_loads_the_tasks_of_those_bugs(self):
        """drift() asks ``load_tasks`` for the drift_bugs and judges what it returns."""
        asked: list[set[int]] = []

        def load(bugs: set[int]) -> list[BugTask]:
            asked.append(bugs)
            return TASKS

        assert drift(CHANGES, load) == find_drift(CHANGES, TASKS)
        assert asked == [drift_bugs(CHANGES)]
