"""Forms read since the twelfth corpus batch: marked list items, plans, full names, owner marks."""

from __future__ import annotations

import pytest

from syncsvc.parse.actions import team_commitment
from syncsvc.parse.owners import read_commitment, read_owners
from syncsvc.parse.prose_subjects import prose_subjects
from syncsvc.parse.sender import first_person_commitment
from syncsvc.parse.structure import LineKind, classify
from syncsvc.parse.summary import parse_summary


def _is_name(word: str) -> bool:
    """A stand-in for the owner reader's first-name test: not a pronoun or a project."""
    return word.lower() not in {"this", "it", "there", "nova", "heat", "team", "notes"}


def _mail(body: str) -> str:
    """``body`` inside a heading-less mail, as a team member would send it."""
    return f"Hi all,\n\nHere is what we discussed at the meeting today.\n\n{body}\n\nThanks,\nBob\n"


def _summary(body: str) -> str:
    """``body`` under one topic heading of a team's summary."""
    return f"[qa] PTG summary\n\nGate\n====\n\nWe talked about the gate jobs.\n\n{body}\n"


def _actions(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """(text, owners) of every action ``parse_summary`` reads in ``text``."""
    event = parse_summary(text)
    return [(a.text, tuple(a.owners)) for t in event.topics for a in t.actions]


class TestMarkedListItems:
    """A list item that opens with an action marker and a colon is one action."""

    @pytest.mark.parametrize(
        ("line", "text"),
        [
            ("* TODO: write the upgrade documentation", "write the upgrade documentation"),
            ("- Todo: write the upgrade documentation", "write the upgrade documentation"),
            ("* Next steps: send the spec to the list", "send the spec to the list"),
            ("* Action: slaweq to write the spec", "slaweq to write the spec"),
            ("- Follow-up: gmann will send a mail", "gmann will send a mail"),
            ("* Follow up: gmann to send a mail", "gmann to send a mail"),
        ],
    )
    def test_marked_item_is_an_action(self, line: str, text: str) -> None:
        """The marker is dropped and the rest is the action's text."""
        [read] = [r for r in classify(line) if r.kind is not LineKind.BLANK]
        assert (read.kind, read.text) == (LineKind.ACTION, text)

    @pytest.mark.parametrize("line", ["* Actions: none", "- TODO: n/a", "* Next steps: TBD"])
    def test_an_empty_marker_is_no_action(self, line: str) -> None:
        """ "Actions: none" says there is nothing to do."""
        [read] = [r for r in classify(line) if r.kind is not LineKind.BLANK]
        assert read.kind is not LineKind.ACTION

    def test_marked_items_in_a_summary(self) -> None:
        """Marked items are read with their owners; the plain item stays discussion."""
        body = "* The grenade job fails often.\n* Action: slaweq to write the spec\n* TODO: drop it"
        assert _actions(_summary(body)) == [
            ("slaweq to write the spec", ("slaweq",)),
            ("drop it", ()),
        ]

    def test_follow_up_line_in_a_mail(self) -> None:
        """A "Follow-up:" line of a heading-less mail is an action owned by the nick it names."""
        assert _actions(_mail("Follow-up: gmann will send a mail to the list.")) == [
            ("gmann will send a mail to the list.", ("gmann",))
        ]


class TestFirstPersonPlans:
    """ "I'm going to / I plan to / I intend to" + a verb of work commits the writer."""

    @pytest.mark.parametrize(
        "sentence",
        [
            "I'm going to send a patch for the quota fix this week.",
            "I am going to write the spec.",
            "I'm planning to review the series tomorrow.",
            "I plan to send an email to the list.",
            "I intend to propose a patch to the governance repo.",
            "So I'm going to also update the docs.",
        ],
    )
    def test_plan_is_a_commitment(self, sentence: str) -> None:
        """Each plan with a verb of work commits its writer."""
        assert first_person_commitment(sentence)

    @pytest.mark.parametrize(
        "sentence",
        [
            "I'm going to give an extremely high level summary.",
            "I'm going to attempt to distill the feedback.",
            "I intend to be bolder about delegating.",
            "I'm going to don the flame-proof suit.",
            "I plan to be at the PTG.",
        ],
    )
    def test_other_plans_are_not(self, sentence: str) -> None:
        """The mail talking about itself, a state or a figure of speech commits nobody."""
        assert not first_person_commitment(sentence)

    def test_plan_in_a_mail(self) -> None:
        """A heading-less mail with only a plan is read, not rejected."""
        [(text, _)] = _actions(_mail("I'm going to send a patch for the quota fix this week."))
        assert text == "I'm going to send a patch for the quota fix this week."


class TestFullNameShorthand:
    """Minutes' "<First> <Last> to <verb of work>" is owned by the first name."""

    def test_full_name(self) -> None:
        """The first name, lowered, owns the work."""
        assert prose_subjects("Jane Doe to write the docs for the new API.", _is_name) == ("jane",)

    def test_apostrophe_and_hyphen(self) -> None:
        """A last name with an apostrophe or a hyphen is still a name."""
        assert prose_subjects("Sean O'Brien to review the spec.", _is_name) == ("sean",)
        assert prose_subjects("Anne Smith-Jones to send the mail.", _is_name) == ("anne",)

    @pytest.mark.parametrize(
        "sentence",
        [
            "Nova Team to review the spec.",
            "Release Notes to update for the fix.",
            "Jane Doe to be decided later.",
            "Plan Next to write the docs.",
        ],
    )
    def test_not_a_person(self, sentence: str) -> None:
        """A team, a document, a passive or a common word names nobody."""
        assert prose_subjects(sentence, _is_name) is None

    def test_in_a_summary(self) -> None:
        """The full-name item is read with its owner by the parser."""
        assert _actions(_summary("* Jane Doe to write the docs for the new API")) == [
            ("Jane Doe to write the docs for the new API", ("jane",))
        ]


class TestActionTaken:
    """ "<Name> took the action (item) to ..." / "has an AI to ..." names the owner."""

    @pytest.mark.parametrize(
        ("sentence", "owners"),
        [
            ("Alice took the action to write the upgrade spec.", ("alice",)),
            ("Rico has an action item to review the series.", ("rico",)),
            ("Zane got the AI to send the summary.", ("zane",)),
        ],
    )
    def test_owner(self, sentence: str, owners: tuple[str, ...]) -> None:
        """The subject owns the action."""
        reading = read_commitment(sentence)
        assert reading is not None
        assert reading.owners == owners

    def test_team_commitment(self) -> None:
        """A group that took the action is the team's work."""
        assert team_commitment("The operators took the action to propose a user story.")
        assert not team_commitment("The operators took action to stop the spam.")


class TestOwnerMarks:
    """ "(owner: nick)", "(owners: a, b)" and "(@nick)" name a task's owners."""

    @pytest.mark.parametrize(
        ("item", "owners"),
        [
            ("write the spec (owner: gmann)", ("gmann",)),
            ("write the spec (Owners: gmann, slaweq)", ("gmann", "slaweq")),
            ("write the spec (assignee: Jane)", ("jane",)),
            ("write the spec (@gmann)", ("gmann",)),
            ("write the spec (@TheJulia)", ("TheJulia",)),
            ("write the spec (owner: TBD)", ()),
        ],
    )
    def test_marked(self, item: str, owners: tuple[str, ...]) -> None:
        """The marked names are the owners; a placeholder names nobody."""
        assert read_owners(item).owners == owners

    def test_marked_items_are_commitments(self) -> None:
        """A list of items with owner marks is read as actions of those owners."""
        body = "* write the spec for the new API (owner: gmann)\n* drop the old job (@slaweq)"
        assert _actions(_summary(body)) == [
            ("write the spec for the new API (owner: gmann)", ("gmann",)),
            ("drop the old job (@slaweq)", ("slaweq",)),
        ]


class TestChairAfterTopic:
    """In a log that lost its nicks, the line after "#topic" is the sole chair's."""

    HEAD = (
        "18:00:53 #startmeeting tc 18:00:53 Meeting started Tue Apr 16 18:00:53 2024 UTC and is"
        " due to finish in 60 minutes. The chair is JayF. Information about MeetBot at"
        " http://wiki.debian.org/MeetBot. 18:00:54 The meeting name has been set to 'tc'"
        " 18:01:04 #topic Roll Call 18:01:05 o/ 18:01:07 o/ 18:01:10 hello"
        " 18:02:00 #topic Gate Health Check 18:02:10 nothing from me 18:02:20 +1"
    )

    def test_chair_owns_the_line_after_topic(self) -> None:
        """The first-person commitment right after "#topic" is the chair's."""
        log = (
            f"{self.HEAD} 18:04:16 #topic TC vPTG 18:04:27 We had one, thanks all."
            " I will send a summary to the list later this week. 18:04:41 thanks"
        )
        assert _actions(log) == [("I will send a summary to the list later this week.", ("JayF",))]

    def test_other_lines_have_no_owner_to_read(self) -> None:
        """A first-person line elsewhere has no known speaker, and is left out."""
        log = (
            f"{self.HEAD} 18:04:16 #topic TC vPTG 18:04:27 We had one, thanks all."
            " 18:04:30 I will send a summary to the list later this week. 18:04:41 thanks"
        )
        assert _actions(log) == []

    def test_several_chairs(self) -> None:
        """With more than one chair nobody is known to open the topic."""
        log = (
            self.HEAD.replace("The chair is JayF.", "The chair is JayF.")
            + " 18:03:00 #chair gmann 18:03:01 Current chairs: JayF gmann"
            + " 18:04:16 #topic TC vPTG 18:04:27 I will send a summary to the list this week."
            + " 18:04:41 thanks"
        )
        assert _actions(log) == []


class TestStatedDurations:
    """ "we're going to take a while" says how long, not what will be done."""

    def test_take_a_while(self) -> None:
        """The duration is no commitment; taking a look is."""
        assert not team_commitment("we're going to take a while and iterate to success.")
        assert team_commitment("We will take a look at the failing jobs.")


class TestDecidedWork:
    """A decision line that names who does the work is an action as well."""

    def test_outcome_in_a_summary(self) -> None:
        """ "Outcome: gmann will ..." is kept as a decision and read as gmann's action."""
        event = parse_summary(_summary("Outcome: gmann will send the mail to the list"))
        [topic] = event.topics
        assert [a.text for a in topic.actions] == ["gmann will send the mail to the list"]
        assert [tuple(a.owners) for a in topic.actions] == [("gmann",)]
        assert list(topic.decisions) == ["gmann will send the mail to the list"]

    def test_agreed_in_a_log(self) -> None:
        """ "#agreed gmann will ..." is an action too; "#agreed we drop ..." only a decision."""
        log = (
            "10:00:01 <ttx> #startmeeting tc\n10:00:05 <ttx> #topic Gate\n10:00:09 <gmann> o/\n"
            "10:01:00 <ttx> #agreed gmann will send the mail to the list\n"
            "10:02:00 <ttx> #agreed we drop the old job\n10:03:00 <ttx> #endmeeting\n"
        )
        [topic] = parse_summary(log).topics
        assert [(a.text, tuple(a.owners)) for a in topic.actions] == [
            ("gmann will send the mail to the list", ("gmann",))
        ]
        assert len(topic.decisions) == 2

    def test_team_agreement_is_no_action(self) -> None:
        """An agreement that names nobody stays a decision only."""
        assert _actions(_summary("Outcome: we will drop the old job next cycle")) == []


class TestArrowLines:
    """An etherpad's "=> ..." / "-> ..." line is an item of its own."""

    @pytest.mark.parametrize(
        ("line", "kind", "text"),
        [
            ("=> Alice to write the spec", LineKind.BULLET, "Alice to write the spec"),
            ("-> gmann will send the mail", LineKind.BULLET, "gmann will send the mail"),
            ("\u2192 keep the job", LineKind.BULLET, "keep the job"),
            ("=> AI: slaweq to propose the patch", LineKind.ACTION, "slaweq to propose the patch"),
        ],
    )
    def test_classified(self, line: str, kind: LineKind, text: str) -> None:
        """The arrow is dropped; a marker after it still makes an action."""
        [read] = [r for r in classify(line) if r.kind is not LineKind.BLANK]
        assert (read.kind, read.text) == (kind, text)

    def test_commitment_after_an_arrow(self) -> None:
        """A named commitment after an arrow is read with its owner."""
        assert _actions(_summary("=> Alice to write the spec for the new API")) == [
            ("Alice to write the spec for the new API", ("alice",))
        ]


class TestMarkerWordsAreNoOwners:
    """ "(action)", "(AI)", "(todo)" after an item mark it, they name nobody."""

    def test_action_mark(self) -> None:
        """The item's subject owns it; the mark is not a nick."""
        assert read_owners("gmann will send the mail to the list (action)").owners == ("gmann",)
        assert read_owners("send the mail to the list (AI)").owners == ()
