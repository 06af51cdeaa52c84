"""Forms the eighth corpus batch showed: a task list's mentions as owners, speakers' commitments."""

from __future__ import annotations

import pytest

from syncsvc.parse.minutes import log_line_role
from syncsvc.parse.sender import spoken_commitments
from syncsvc.parse.subjects import mentioned_owner
from syncsvc.parse.summary import parse_summary

CONFLUENCE_NOTES = """\
Discussion items

  • Reviewed the kickoff slide deck Kenny prepared

Action items

  • Kenny Paul .  Provide the list of companies and geographies
  • Kenny Paul set time and cadence for future meetings
"""


class TestMentionedOwner:
    """'Kenny Paul set time ...' in a task list is Kenny's task."""

    @pytest.mark.parametrize(
        ("text", "owner"),
        [
            ("Kenny Paul set time and cadence for future meetings", "kenny"),
            ("Kenny Paul .  Provide the list of companies", "kenny"),
            ("Ann Lee sends the minutes", "ann"),
            ("Fix Nova tests", None),
            ("Review Tags to make sure they are good", None),
            ("Update Glance docs", None),
            ("The Board set a date", None),
            ("Jim Baker will prepare it", None),
        ],
    )
    def test_first_name(self, text: str, owner: str | None) -> None:
        """A full name before a task verb or a stray ' .'; imperatives over names are not."""
        assert mentioned_owner(text) == owner

    def test_confluence_action_items(self) -> None:
        """Both items of the page's 'Action items' list are owned by the mentioned person."""
        event = parse_summary(CONFLUENCE_NOTES)
        assert [(a.text, a.owners) for a in event.actions] == [
            ("Kenny Paul . Provide the list of companies and geographies", ("kenny",)),
            ("Kenny Paul set time and cadence for future meetings", ("kenny",)),
        ]


class TestSpokenCommitments:
    """Where an IRC message commits its speaker or reports another person's commitment."""

    @pytest.mark.parametrize(
        ("message", "found"),
        [
            ("jorgem, no. I'll follow up with blogan", [("I'll follow up with blogan", None)]),
            (
                "cool. if nobody else has anything else, I'll rev and have it ready",
                [("I'll rev and have it ready", None)],
            ),
            (
                "I will send a summary to the list. Thanks!",
                [("I will send a summary to the list.", None)],
            ),
            (
                "about ready.  dhellmann said he'd do it post meeting",
                [("dhellmann said he'd do it post meeting", "dhellmann")],
            ),
            ("I'll note we have one noted absence", []),
            ("I'll be out next week", []),
            ("she said she'd not do it", []),
            ("if I'll have time", []),
        ],
    )
    def test_found(self, message: str, found: list[tuple[str, str | None]]) -> None:
        """First-person commitments (not remarks, states or mid-clause 'I'll') and reports."""
        assert spoken_commitments(message) == found

    def test_explain_role(self) -> None:
        """--explain labels a speaker's commitment 'action', other chatter 'chatter'."""
        assert (
            log_line_role("14:03:30 <sballe_> jorgem, no. I'll follow up with blogan") == "action"
        )
        assert log_line_role("14:03:31 <sballe_> jorgem, lol") == "chatter"
        assert log_line_role("14:03:32 I'll follow up with blogan") is None
