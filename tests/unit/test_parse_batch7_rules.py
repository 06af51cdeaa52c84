"""Rules for forms the seventh corpus batch showed (issue 12): short real-shaped snippets of each."""

from __future__ import annotations

import pytest

from syncsvc.errors import InputError
from syncsvc.parse.agenda_forms import (
    agenda_entry,
    announces_list,
    coordinated_agreement,
    led_decision,
    proposers,
    subjectless_duty,
    wiki_bullets,
)
from syncsvc.parse.commitments import not_a_commitment, unmarked_duty
from syncsvc.parse.owners import read_commitment
from syncsvc.parse.summary import parse_summary

BOARD_MAIL = """\
[Foundation] Board Meeting - May 30th

Hi everyone,

The Board of Directors had a telephone meeting today. The meeting lasted two hours.

Following that, there was a detailed discussion covering ways to increase training. The \
Board did not reach a final consensus on any specific programs, but agreed that several \
proposals should be refined and detailed for presentation in an upcoming Board meeting.
"""

SESSION_TEXT = """\
During the Board+TC+UC strategy workshop we decided to work on how we can address \
unanswered requirements. Our goal was to have a session at the Forum around this.
How to Prioritize
Here there were a number of suggestions for capturing requirements.
"""

AGENDA = """\
Infra Team Meeting Agenda

== Agenda for next meeting ==

* Announcements
* Actions from last meeting
* Topics
** Mailman upgrades (clarkb 20210824)
** Gitea upgrade (clarkb 20210824)
* Open discussion
"""

BOARD_AGENDA = """\
Board of Directors - July 22, 2014 Meeting

Contribution Agreement Model
To arrive at a decision on proposals to change the model, we will go through the \
following steps over the course of the next two board meetings. The July meeting will \
be used to educate the Directors.
"""


class TestLedDecision:
    """A team decision after a leading phrase of place or time."""

    @pytest.mark.parametrize(
        "sentence",
        [
            "During the Board+TC+UC strategy workshop we decided to work on unanswered needs.",
            "At the last PTG we agreed to drop the old job.",
            "After the summit, we decided to move the meeting.",
        ],
    )
    def test_reads_a_decision_to_do_work(self, sentence: str) -> None:
        """ "During X we decided to <verb>" is the team's commitment."""
        assert led_decision(sentence) is True
        assert unmarked_duty(sentence) is True

    @pytest.mark.parametrize(
        "sentence",
        [
            "During the session we decided to keep the current schedule.",
            "If during the session we decided to drop it, nobody would object.",
            "During the session we discussed the options.",
        ],
    )
    def test_not_the_status_quo_a_condition_or_a_report(self, sentence: str) -> None:
        """Keeping things as they are, a condition and a report are not decisions to work."""
        assert led_decision(sentence) is False

    def test_document_with_only_that_decision_is_read(self) -> None:
        """A session text with no headings is no longer rejected: its decision is the action."""
        event = parse_summary(SESSION_TEXT)
        texts = [a.text for a in event.actions]
        expected = (
            "During the Board+TC+UC strategy workshop we decided to work on how we can "
            "address unanswered requirements."
        )
        assert texts == [expected]
        assert event.actions[0].owners == ()


class TestCoordinatedAgreement:
    """A group that did one thing "but agreed" to another."""

    @pytest.mark.parametrize(
        "sentence",
        [
            (
                "The Board did not reach a consensus on any programs, but agreed that several "
                "proposals should be refined for an upcoming meeting."
            ),
            "The team looked at both designs and agreed to write a spec for the second one.",
        ],
    )
    def test_commits_the_group(self, sentence: str) -> None:
        """The coordinated clause commits the group named at the start."""
        assert coordinated_agreement(sentence) is True

    @pytest.mark.parametrize(
        "sentence",
        [
            "The Board met for two hours, but agreed that the plan is fine.",
            "The team reviewed the patch and agreed to keep the old name.",
            "we met and agreed that proposals should be refined",
        ],
    )
    def test_a_stance_or_the_status_quo_commits_nobody(self, sentence: str) -> None:
        """An agreement on a state, no new work, or no named group at the start, is not work."""
        assert coordinated_agreement(sentence) is False

    def test_board_mail_keeps_the_sentence(self) -> None:
        """The mail, rejected before, yields the sentence as a team action."""
        event = parse_summary(BOARD_MAIL)
        assert [a.text[:40] for a in event.actions] == ["The Board did not reach a final consensu"]
        assert "but agreed that several proposals should be refined" in event.actions[0].text


class TestAgendaLines:
    """An agenda's fixed entries and a sentence announcing a list are not commitments."""

    @pytest.mark.parametrize(
        "text",
        [
            "Open discussion",
            "Actions from last meeting",
            "Roll call",
            "Review of action items from the previous meeting",
            "*Open floor*",
        ],
    )
    def test_fixed_entries(self, text: str) -> None:
        """ "Open discussion" reads as "open ..." (an imperative) but is an agenda entry."""
        assert agenda_entry(text) is True
        assert not_a_commitment(text) is True

    def test_real_items_are_not_entries(self) -> None:
        """An item that opens a bug, or follows up on actions, is still work."""
        assert agenda_entry("Open a bug for the discussion") is False
        assert agenda_entry("Follow up on actions from last meeting with the board") is False

    def test_agenda_yields_no_action(self) -> None:
        """The agenda's last entry "Open discussion" is no longer a lost-header action."""
        event = parse_summary(AGENDA)
        assert [a.text for a in event.actions] == []
        assert [t.title for t in event.topics] == ["Agenda for next meeting"]

    @pytest.mark.parametrize(
        ("sentence", "expected"),
        [
            ("We will go through the following steps over the next two meetings.", True),
            ("We will discuss the following topics:", True),
            ("We will follow up on the spec next week.", False),
        ],
    )
    def test_announces_list(self, sentence: str, expected: bool) -> None:
        """A sentence that announces the list after it commits nobody to work."""
        assert announces_list(sentence) is expected

    def test_board_agenda_invents_nothing(self) -> None:
        """With its only "commitment" an announced list, the agenda is rejected, not misread."""
        with pytest.raises(InputError, match="no PTG structure found"):
            parse_summary(BOARD_AGENDA)


class TestPerfectTense:
    """ "X has <past participle>" reports what happened; "X has the action" still commits."""

    @pytest.mark.parametrize(
        "sentence",
        [
            "openstack has clearly gained a large amount of mind share in the marketplace.",
            "The spec has been merged already.",
            "mriedem has done the review.",
        ],
    )
    def test_perfect_tense_names_no_owner(self, sentence: str) -> None:
        """A report in the perfect tense is not read as its subject's commitment."""
        assert read_commitment(sentence) is None

    @pytest.mark.parametrize(
        ("sentence", "owner"),
        [
            ("mriedem has the action to update the spec.", "mriedem"),
            ("gmann has volunteered to write the goal.", "gmann"),
            ("gman0 has started working on the code.", "gman0"),
            ("rosmaita will put up a patch.", "rosmaita"),
        ],
    )
    def test_commitments_keep_their_owner(self, sentence: str, owner: str) -> None:
        """ "has the action", "has volunteered to" and "will" still name the owner."""
        reading = read_commitment(sentence)
        assert reading is not None
        assert reading.owners == (owner,)


WIKI_AGENDA = """\
Infra Team Meeting Agenda for August 24, 2021

== Agenda for next meeting ==

* Announcements

* Topics
** Mailman Ansible and Server Upgrades (clarkb 20210824)
*** has been snapshotted and upgraded to focal. Testing is happening now.
*** Will coordinate with Kata to do the upgrade this week hopefully.
** Gerrit Account cleanups (fungi 20210824)
*** Need to delete external ids for the recent batch of account retirements.
*** Still struggling with the old accounts.

* Open discussion
"""


class TestWikiAgenda:
    """A MediaWiki agenda mailed as is: "**" nesting, proposers in parentheses, bare to-dos."""

    def test_stars_become_nested_bullets(self) -> None:
        """ "** x" and "*** y" are indented by depth; "**bold**" is left alone."""
        text = "* Topics\n** Topic (clarkb 20210824)\n*** a note\n**bold** text"
        assert wiki_bullets(text) == (
            "* Topics\n  * Topic (clarkb 20210824)\n    * a note\n**bold** text"
        )
        assert wiki_bullets(wiki_bullets(text)) == wiki_bullets(text)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Will coordinate with Kata to do the upgrade this week hopefully.", True),
            ("Need to delete external ids for the recent batch of retirements.", True),
            ("Will be discussed next week.", False),
            ("Need to have more reviewers", False),
            ("Willing reviewers are welcome", False),
        ],
    )
    def test_subjectless_duty(self, text: str, expected: bool) -> None:
        """A bare "Will <verb>"/"Need to <verb>" note is a to-do; a passive or a state is not."""
        assert subjectless_duty(text) is expected

    def test_proposers_are_inherited_by_depth(self) -> None:
        """Notes under "Topic (nick date)" carry that nick; a sibling topic resets it."""
        items = [
            (0, "Topics"),
            (2, "Upgrades (clarkb 20210824)"),
            (4, "a note"),
            (2, "Cleanups (fungi 20210824)"),
            (4, "another"),
            (0, "Open discussion"),
        ]
        assert proposers(items) == [None, None, "clarkb", None, "fungi", None]

    def test_agenda_actions_and_owners(self) -> None:
        """ "Will ..." is the proposer's; "Need to ..." is the team's; status notes are not work."""
        event = parse_summary(WIKI_AGENDA)
        got = [(a.text[:30], a.owners) for a in event.actions]
        assert got == [
            ("Will coordinate with Kata to d", ("clarkb",)),
            ("Need to delete external ids fo", ()),
        ]
