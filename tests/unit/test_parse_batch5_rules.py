"""Rules for forms the fifth corpus batch showed (issue 12): short real-shaped snippets of each."""

from __future__ import annotations

import pytest

from syncsvc.errors import InputError
from syncsvc.parse.actions import team_commitment
from syncsvc.parse.commitments import not_a_commitment, tracking_item, unmarked_duty
from syncsvc.parse.owners import read_commitment, read_owners
from syncsvc.parse.sender import find_sender, first_person_commitment, with_writer
from syncsvc.parse.summary import parse_summary

TWO_IN_ONE_ITEM = """\
[tc] PTG discussions summary

Jane Roe jroe at example.org
Sun Oct 23 00:58:40 UTC 2022

* Improvement in project governance:
Nothing decided yet.

* User survey result:
kmoe and I will be working on the analysis of the survey. ykato will help
on documenting the process for the next survey.
"""

PROSE_DUTIES = """\
[openstack-dev] [Heat] Summit recap

Performance
-----------

There is at least one issue with messaging that we need to investigate.
We also need developer documentation and some post-Pike clean ups.
The two teams will collaborate on writing up the deployment options.
After several companies offered hardware, the group decided to examine the
requirements of a shared lab.
"""

GROUP_DECISION = (
    "After several companies offered hardware, the group decided to examine the"
    " requirements of a shared lab."
)

NESTED_TRACKING_ITEM = """\
Fellow Octavians,

1. Availability Zone Support
   - Make at least a story for tracking this, if it doesn't already exist.
   - Allow a single LB to have amphorae in multiple zones.
2. Metrics
   - It would be nice to expose metrics for pools.
"""

BACKLOG_PAGE = """\
Meetings/TechnicalCommittee

Agenda

  • Minor cleanups
    • Simplify governance website title [2]
    • add FooSalt to legacy.yaml (to be proposed by dims)
  • Open discussion

Backlog

These items have been proposed, but are not put on the agenda just yet:

  • Add more ways to get extra-atcs into the books [3] (deferred to Oct 18)
  • Add "Assume Good Faith" to OpenStack principles [5] (needs round 2)
  • Add networking-foo back into the Big Tent [7] (WIP)
"""

QUESTIONS = """\
OpenStack Denver PTG

Capabilities is an overloaded term. It has at least two meanings:

  • What can be done with this cloud?
  • What can be done with this service (in this cloud)?
"""

ASSIGNMENT_MAIL = """\
All,

The team has been discussing the need for a deploy agent since the last summit.

I've updated the original blueprint and assigned it to Josh. For reference:
https://blueprints.launchpad.net/ironic/+spec/utility-ramdisk
"""


def actions(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The (text, owners) of every action parse_summary finds in ``text``."""
    event = parse_summary(text)
    return [(a.text, a.owners) for t in event.topics for a in t.actions]


class TestTwoCommitmentsInOneItem:
    """A list item whose sentences commit different people gives one action per sentence."""

    def test_each_sentence_keeps_its_own_owners(self) -> None:
        """'kmoe and I will ...' is kmoe's and the sender's; 'ykato will ...' is ykato's."""
        assert actions(TWO_IN_ONE_ITEM) == [
            ("kmoe and I will be working on the analysis of the survey.", ("kmoe", "jroe")),
            ("ykato will help on documenting the process for the next survey.", ("ykato",)),
        ]

    def test_with_writer_needs_and_i(self) -> None:
        """Only 'X and I will' commits the writer together with X."""
        assert [
            with_writer(s)
            for s in ("kmoe and I will look", "kmoe, ykato and I'll look", "kmoe will look")
        ] == [True, True, False]


class TestProseDuties:
    """Work written in prose with a group, a relative clause or a missing deliverable."""

    def test_duties_in_a_recap_are_team_actions(self) -> None:
        """Four sentences, four unassigned actions; the heading line is no action."""
        assert actions(PROSE_DUTIES) == [
            ("There is at least one issue with messaging that we need to investigate.", ()),
            ("We also need developer documentation and some post-Pike clean ups.", ()),
            ("The two teams will collaborate on writing up the deployment options.", ()),
            (GROUP_DECISION, ()),
        ]

    def test_cautions_and_states_are_no_duties(self) -> None:
        """'that we need to be careful about', 'we have organized', 'the group agreed on'."""
        assert [
            unmarked_duty(s)
            for s in (
                "This is a risk that we need to be careful about.",
                "In addition to that we have organized a review party.",
                "The group agreed on a few changes to its mission statement.",
                "If the group decided to split, nothing would change.",
                "Cyborg contributors need to modify the spec.",
            )
        ] == [False, False, False, False, True]

    def test_an_outcome_after_agreed_that_is_no_work(self) -> None:
        """'we agreed that new tests will provide results' states an outcome."""
        assert [
            team_commitment(s)
            for s in (
                "For remaining tasks, we agreed that new scaling tests will provide results.",
                "We agreed that the docs will be updated.",
                "We agreed that gmann will draft it.",
            )
        ] == [False, True, True]


class TestListItems:
    """Tracking items in nested lists, owners in parentheses, backlog entries, questions."""

    def test_nested_tracking_item_is_an_action(self) -> None:
        """'Make at least a story ...' is work; 'Allow a single LB ...' is a feature note."""
        assert actions(NESTED_TRACKING_ITEM) == [
            ("Make at least a story for tracking this, if it doesn't already exist.", ())
        ]
        assert tracking_item("file a bug for the gate failure")
        assert not tracking_item("make sure the bug is fixed")

    def test_backlog_statuses_are_no_actions_and_a_parenthesis_names_the_doer(self) -> None:
        """The '(to be proposed by dims)' item is dims's; '(deferred ...)' entries are none."""
        assert actions(BACKLOG_PAGE) == [
            ("add FooSalt to legacy.yaml (to be proposed by dims)", ("dims",))
        ]
        assert not_a_commitment("Add networking-foo back into the Big Tent [7] (WIP)")

    def test_questions_are_no_actions(self) -> None:
        """A list of questions is not a list of work: the text is rejected as holding none."""
        assert not_a_commitment("What can be done with this cloud?")
        with pytest.raises(InputError, match="no PTG structure found"):
            parse_summary(QUESTIONS)


class TestOwnersFromAssignmentsAndSenders:
    """'assigned it to Josh', 'I have an action item to ...', a lower-case sender name."""

    def test_assignment_names_the_owner(self) -> None:
        """The mail with no headings is read as one topic holding Josh's action."""
        assert actions(ASSIGNMENT_MAIL) == [
            ("I've updated the original blueprint and assigned it to Josh.", ("Josh",))
        ]
        assert read_commitment("We assigned the bug to the team.") is None

    def test_parenthesis_by_names_the_doer(self) -> None:
        """'(to be written by amy/bob)' gives both nicks."""
        assert read_owners("update the guide (to be written by amy/bob)").owners == ("amy", "bob")

    def test_own_action_item_and_lower_case_sender(self) -> None:
        """'I have an action item to ...' commits the writer; 'I will note that' does not."""
        assert first_person_commitment("I have an action item to dig into the regressions.")
        assert not first_person_commitment("I will note that I was in a happier place.")
        assert find_sender(["[nova] Stein PTG summary", "", "mel witt melwitt at example.com"]) == (
            "melwitt"
        )
