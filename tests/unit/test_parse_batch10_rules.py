"""Forms the tenth corpus batch showed: chat without "I", first-name owners, formed groups."""

from __future__ import annotations

import pytest

from syncsvc.parse.commitments import group_commitment
from syncsvc.parse.minutes import log_line_role
from syncsvc.parse.sender import spoken_commitments
from syncsvc.parse.subjects import named_first_name
from syncsvc.parse.summary import parse_summary

FLAT_LOG = (
    "17:00:01 <chair_> #startmeeting docs 17:00:02 <openstack> Meeting started Mon Mar 4"
    " 17:00:01 2024 UTC. The chair is chair_. 17:00:10 <chair_> #topic roll call"
    " 17:00:14 <alice> o/ 17:00:20 <bob> o/ 17:01:02 <chair_> #topic Handover"
    " 17:01:30 <bob> release notes patch submitted 17:01:40 <bob> will update the install guide"
    " 17:01:50 <alice> drop me a note if you need help 17:02:05 <chair_> will do"
    " 17:02:30 <chair_> #endmeeting"
)

MINUTES = """\
= Attendees =
Maria Lopez
Tom Baker

== CI review ==
MB: the job has been voting for a year
ACTION: Maria to ask the infra team about a periodic job
ACTION: Tom to draft the report
ACTION: Move to the new mirror
"""

FLAT_PLAN = (
    "Thanks to all who came to the sessions. Here is a summary of what was decided and the"
    " plan for the cycle. 1) Weekly Meeting There will be a weekly meeting on IRC to track"
    " progress and blockers that need attention. 2) Stable Branches A group comprised of"
    " some of the team and other volunteers will maintain the stable branches for the"
    " cycle. This group will report at the weekly meeting."
)


class TestSubjectlessChat:
    """An IRC message that opens with "will" + a verb commits its speaker."""

    @pytest.mark.parametrize(
        ("message", "found"),
        [
            ("will fix up other things", [("will fix up other things", None)]),
            ("ok, will update the patch!", [("ok, will update the patch!", None)]),
            ("will send the agenda. thanks", [("will send the agenda.", None)]),
            ("will do the release tomorrow", [("will do the release tomorrow", None)]),
            ("will do", []),
            ("will do for sure leong", []),
            ("will that work?", []),
            ("will be out tomorrow", []),
            ("will try", []),
        ],
    )
    def test_found(self, message: str, found: list[tuple[str, str | None]]) -> None:
        """A verb after "will" commits; an acknowledgement, a question or a state does not."""
        assert spoken_commitments(message) == found

    def test_in_a_flattened_log(self) -> None:
        """The speaker owns it; a bare "will do" answering an offer is no item."""
        event = parse_summary(FLAT_LOG)
        assert [(a.text, a.owners) for a in event.actions] == [
            ("will update the install guide", ("bob",))
        ]

    def test_explain_role(self) -> None:
        """--explain labels the line an action."""
        assert log_line_role("17:01:40 <bob> will update the install guide") == "action"
        assert log_line_role("17:02:05 <chair_> will do") == "chatter"


class TestFirstNameOwner:
    """A "Name to <verb>" item names its owner when the document writes them in full."""

    @pytest.mark.parametrize(
        ("item", "text", "name"),
        [
            ("Lars to chase up Ian", "Attendees: Lars Kurth", "lars"),
            ("Lars to chase up Ian", "Attendees: LK", None),
            ("Move to the new mirror", "We will Move Forward soon", None),
            ("Lars to chase up Ian", "Lars Team meets", None),
            ("lars to chase up Ian", "Lars Kurth", None),
        ],
    )
    def test_named_first_name(self, item: str, text: str, name: str | None) -> None:
        """The full name must be there; imperatives and team names never count."""
        assert named_first_name(item, text) == name

    def test_minutes(self) -> None:
        """Attendee-list names own their ACTION lines; an imperative stays unowned."""
        event = parse_summary(MINUTES)
        assert [(a.text, tuple(o.lower() for o in a.owners)) for a in event.actions] == [
            ("Maria to ask the infra team about a periodic job", ("maria",)),
            ("Tom to draft the report", ("tom",)),
            ("Move to the new mirror", ()),
        ]


class TestFormedGroup:
    """A group described after its noun ("A group comprised of ...") commits the team."""

    @pytest.mark.parametrize(
        ("sentence", "commits"),
        [
            ("A group comprised of some of the QA team will maintain the branches.", True),
            ("A team of three cores will review the specs.", True),
            ("A group of operators needs to write the guide.", True),
            ("2) Stable Branches A group of volunteers will maintain them.", True),
            ("A group of us will be at the summit.", False),
            ("a group of people will see", False),
            ("If a group of cores will review it, fine.", False),
        ],
    )
    def test_group_commitment(self, sentence: str, commits: bool) -> None:
        """The group needs a commitment verb; "be", conditions and lower-case starts do not."""
        assert group_commitment(sentence) is commits

    def test_flattened_plan(self) -> None:
        """A flattened mail with run-in numbered titles is read, not rejected."""
        event = parse_summary(FLAT_PLAN)
        texts = [a.text for a in event.actions]
        assert len(texts) == 1
        assert "A group comprised of some of the team and other volunteers will" in texts[0]
        assert event.actions[0].owners == ()
