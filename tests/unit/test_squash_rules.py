"""The squash planning rules, one list at a time, over small explicit records."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from syncsvc.domain import SquashBug, SquashChange
from syncsvc.errors import ConfigError
from syncsvc.squash import rules
from syncsvc.squash.plan import PlanFilters, build_plan, goal_lines, parse_goals
from syncsvc.squash.rules import RuleSettings
from syncsvc.squash.views import signup_sheet

NOW = datetime(2021, 6, 10, 12, 0, tzinfo=UTC)


def ago(days: float) -> datetime:
    """``days`` before NOW."""
    return NOW - timedelta(days=days)


def bug(bug_id: int, status: str = "Confirmed", importance: str = "Medium", **fields) -> SquashBug:
    """An open manila bug task, updated a day ago unless told otherwise."""
    fields.setdefault("date_last_updated", ago(1))
    return SquashBug(bug_id, f"bug {bug_id}", "manila", status, importance, **fields)


def change(number: int, closes: tuple[int, ...], code_review: int = 0, days: float = 3):
    """An open change by ``dev`` closing ``closes``, last updated ``days`` ago."""
    return SquashChange(number, "openstack/manila", "dev", closes, code_review, ago(days))


def ids(listed) -> list[int]:
    """The bug ids of a list, in its order."""
    return [item.bug.bug_id for item in listed]


class TestRules:
    def test_untriaged_is_new_or_undecided(self):
        """New bugs and Undecided ones (even Confirmed) are untriaged; others are not."""
        bugs = [
            bug(3, "New", "Low"),
            bug(1, "Confirmed", "Undecided"),
            bug(2, "Triaged", "High"),
            bug(4, "In Progress", "Undecided"),
        ]
        assert ids(rules.untriaged(bugs)) == [1, 3, 4]

    def test_incomplete_answered_has_a_message_after_going_incomplete(self):
        """Only an Incomplete bug with a newer message than its date_incomplete is answered."""
        bugs = [
            bug(1, "Incomplete", date_incomplete=ago(10), date_last_message=ago(2)),
            bug(2, "Incomplete", date_incomplete=ago(10), date_last_message=ago(12)),
            bug(3, "Confirmed", date_incomplete=ago(10), date_last_message=ago(2)),
            bug(4, "Incomplete", date_incomplete=None, date_last_message=ago(2)),
        ]
        assert ids(rules.incomplete_answered(bugs)) == [1]

    def test_about_to_expire_with_days_left(self):
        """Incomplete, unassigned, untargeted, not duplicate, idle 50+ days: days left shown."""
        old = {"date_last_updated": ago(55), "date_last_message": ago(70)}
        bugs = [
            bug(1, "Incomplete", **old),
            bug(2, "Incomplete", assignee="dev", **old),
            bug(3, "Incomplete", milestone="wallaby-3", **old),
            bug(4, "Incomplete", duplicate_of=1, **old),
            bug(5, "Incomplete", date_last_updated=ago(70), date_last_message=ago(49)),
            bug(6, "Incomplete", date_last_updated=ago(65)),
            bug(7, "Confirmed", **old),
        ]
        found = rules.about_to_expire(bugs, NOW)
        assert [(i.bug.bug_id, i.days) for i in found] == [(1, 5), (6, 0)]

    def test_about_to_expire_only_in_expiring_projects(self):
        """A project that does not expire bugs has none about to expire."""
        bugs = [bug(1, "Incomplete", date_last_updated=ago(55))]
        settings = RuleSettings(expiring_projects=frozenset({"manila-ui"}))
        assert rules.about_to_expire(bugs, NOW, settings) == []

    def test_stale_in_progress_has_no_open_change(self):
        """In Progress over 14 days without an open change closing it is stale."""
        bugs = [
            bug(1, "In Progress", date_in_progress=ago(20)),
            bug(2, "In Progress", date_in_progress=ago(20)),
            bug(3, "In Progress", date_in_progress=ago(10)),
            bug(4, "Confirmed", date_in_progress=ago(20)),
        ]
        assert ids(rules.stale_in_progress(bugs, [change(900, (2,))], NOW)) == [1]

    def test_inactive_assignee_is_quiet_for_90_days(self):
        """Assigned bugs with neither update nor message for 90 days list their assignee."""
        bugs = [
            bug(1, assignee="gone", date_last_updated=ago(120), date_last_message=ago(100)),
            bug(2, assignee="busy", date_last_updated=ago(120), date_last_message=ago(30)),
            bug(3, date_last_updated=ago(120)),
        ]
        found = rules.inactive_assignee(bugs, NOW)
        assert [(i.bug.bug_id, i.note) for i in found] == [(1, "gone")]

    def test_inconsistent_states(self):
        """Unassigned In Progress, assigned New/Confirmed/Triaged, long Fix Committed."""
        bugs = [
            bug(1, "In Progress"),
            bug(2, "New", assignee="dev"),
            bug(3, "Fix Committed", date_fix_committed=ago(40)),
            bug(4, "Fix Committed", date_fix_committed=ago(10)),
            bug(5, "In Progress", assignee="dev"),
            bug(6, "Triaged", assignee="dev"),
        ]
        found = rules.inconsistent(bugs, NOW)
        assert [(i.bug.bug_id, i.note) for i in found] == [
            (1, "In Progress with no assignee"),
            (2, "New but assigned"),
            (3, "Fix Committed for more than 30 days"),
            (6, "Triaged but assigned"),
        ]

    def test_fix_in_review_splits_reviewers_and_submitter(self):
        """A -1/-2 Code-Review waits on the submitter; otherwise on reviewers, with days."""
        bugs = [bug(1, "In Progress"), bug(2, "In Progress"), bug(3, "In Progress")]
        changes = [change(901, (1,), 0, days=9), change(902, (2,), -1, days=4)]
        found = rules.fix_in_review(bugs, changes, NOW)
        assert [(i.bug.bug_id, i.note, i.days) for i in found] == [
            (1, "reviewers", 9),
            (2, "submitter", 4),
        ]

    def test_candidates(self):
        """Tagged easy, Confirmed/Triaged unassigned, a patch attached, or Wishlist over a
        year old; the first reason that applies is the one shown."""
        bugs = [
            bug(1, "New", tags=("low-hanging-fruit",)),
            bug(2, "Triaged"),
            bug(3, "Confirmed", assignee="dev"),
            bug(4, "New", "Wishlist", date_created=ago(400)),
            bug(5, "New", "Wishlist", date_created=ago(100)),
            bug(6, "In Progress", assignee="dev", has_patch=True),
            bug(7, "New", "Wishlist", date_created=ago(400), has_patch=True),
            bug(8, "Confirmed", has_patch=True),
            bug(9, "New", tags=("low-hanging-fruit",), has_patch=True),
        ]
        found = rules.candidates(bugs, NOW)
        assert [(i.bug.bug_id, i.note) for i in found] == [
            (1, "low-hanging-fruit"),
            (2, "Triaged, unassigned"),
            (4, "old Wishlist"),
            (6, "patch attached"),
            (7, "patch attached"),
            (8, "Confirmed, unassigned"),
            (9, "low-hanging-fruit"),
        ]

    def test_load_per_person(self):
        """Bugs assigned, changes owned and reviews waiting (on another's open change)."""
        bugs = [bug(1, assignee="ana"), bug(2, assignee="ana"), bug(3, assignee="dev")]
        changes = [change(901, (1,)), change(902, (3,), -2)]
        assert [(x.person, x.bugs_assigned, x.changes_owned, x.reviews_waiting) for x in
                rules.load(bugs, changes)] == [("dev", 1, 2, 0), ("ana", 2, 0, 1)]  # fmt: skip

    def test_days_idle_counts_from_the_later_date(self):
        """Days idle start at the later of the last update and the last message."""
        busy = bug(1, date_last_updated=ago(30), date_last_message=ago(3))
        assert rules.days_idle(busy, NOW) == 3
        assert rules.days_idle(bug(1, date_last_updated=ago(30)), NOW) == 30
        assert rules.days_idle(bug(1, date_last_updated=None), NOW) is None


class TestPlan:
    def test_filters_private_duplicates_and_closed(self):
        """Private bugs only with include_private; duplicates and closed bugs never."""
        bugs = [
            bug(1, "New"),
            bug(2, "New", private=True),
            bug(3, "New", duplicate_of=1),
            bug(4, "Fix Released"),
            replace(bug(5, "New"), project="manila-ui"),
        ]
        plan = build_plan(bugs, [], PlanFilters(projects=("manila",)), now=NOW)
        assert ids(plan.lists["untriaged"]) == [1]
        private = build_plan(bugs, [], PlanFilters(include_private=True), now=NOW)
        assert ids(private.lists["untriaged"]) == [1, 2, 5]
        assert private.totals["open"] == 3

    def test_candidate_count_outside_the_range_warns(self):
        """Two candidates is far below 100: the plan warns."""
        plan = build_plan([bug(1, "Triaged"), bug(2, "Triaged")], [], PlanFilters(), now=NOW)
        assert plan.warnings == (
            (
                "2 candidate bugs: a squash works best on about 100 to 500 "
                "(narrow or widen --project, --tag, --milestone)"
            ),
        )

    def test_goals(self):
        """Goals parse from NAME=COUNT and read 'open 3 → 1'; a bad one is a ConfigError."""
        goals = parse_goals(["open=1", "New=0"])
        plan = build_plan([bug(1, "New"), bug(2), bug(3)], [], PlanFilters(), now=NOW)
        assert goal_lines(plan.totals, goals) == ["open 3 → 1", "New 1 → 0"]
        with pytest.raises(ConfigError, match="bad goal 'opne=1'"):
            parse_goals(["opne=1"])


class TestSheet:
    def test_etherpad_sheet_is_plain_and_inert(self):
        """The etherpad sheet: plain '|' rows, titles on one line, pipes and controls gone."""
        hostile = replace(bug(7, "New"), title="Crash | \x1b[31mred\x1b[0m\nnext *line*")
        plan = build_plan([hostile], [], PlanFilters(), now=NOW)
        lines = signup_sheet(plan, markdown=False, lists=("untriaged",))
        assert lines == [
            "Bug squash sign-up sheet",
            "",
            "Totals: open 1, New 1, Undecided 0",
            "",
            "== Untriaged (1) ==",
            "",
            (
                "| https://bugs.launchpad.net/manila/+bug/7 | Crash / red next *line* | New "
                "| Medium | 1 | |"
            ),
        ]

    def test_markdown_sheet_escapes_titles(self):
        """The Markdown sheet escapes what a renderer would misread in a title."""
        hostile = replace(bug(7, "New"), title="[click](javascript:x) | <b>")
        plan = build_plan([hostile], [], PlanFilters(), now=NOW)
        row = signup_sheet(plan, markdown=True, lists=("untriaged",))[-1]
        assert row.startswith("| [7](https://bugs.launchpad.net/manila/+bug/7) | ")
        assert r"| \[click](javascript:x) \| \<b> |" in row
