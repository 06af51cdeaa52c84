"""Forms the ninth corpus batch showed: reported sign-ups, "we'll be looking into", remarks."""

from __future__ import annotations

import pytest

from syncsvc.parse.actions import team_clause, team_commitment
from syncsvc.parse.minutes import log_line_role
from syncsvc.parse.sender import first_person_commitment, reported_commitments
from syncsvc.parse.summary import parse_summary

INFO_LOG = """\
18:00:37 <JayF> #startmeeting tc
18:00:45 <JayF> #topic Roll Call
18:00:57 <gmann> o/
18:04:29 <JayF> #topic Follow up on tracked action items
18:04:32 <JayF> we had one; it was mine
18:04:48 <JayF> #info JayF has signed up to represent the TC at the OpenInfra Live PTG recap show
18:04:50 <JayF> #info zigo has signed up to package it
18:04:57 <JayF> Moving on.
18:05:06 <JayF> #endmeeting
"""

BLOG = """\
Our community is growing, and we took a good look at how we can improve our track record of
reviewing changes. It\u2019s not something we can change overnight, but we\u2019ll be looking into
improving some of our tools (like gerrit code review), building new tools to help prioritize
activity, and better communication from patch authors.
"""


class TestReportedCommitments:
    """A line that reports a named person's sign-up commits that person."""

    @pytest.mark.parametrize(
        ("message", "found"),
        [
            (
                "JayF has signed up to represent the TC at the show",
                [("JayF has signed up to represent the TC at the show", "JayF")],
            ),
            (
                "Done. gmann volunteered to send the mail",
                [("gmann volunteered to send the mail", "gmann")],
            ),
            ("dhellmann said he'd do it", [("dhellmann said he'd do it", "dhellmann")]),
            ("gmann agreed to that", []),
            ("rosmaita signed up to the list", []),
            ("JayF has signed up to be the liaison", []),
        ],
    )
    def test_found(self, message: str, found: list[tuple[str, str]]) -> None:
        """Sign-ups, volunteering and "said he'd" with a verb; not "agreed to that"."""
        assert reported_commitments(message) == found

    def test_info_line_in_a_log(self) -> None:
        """An #info sign-up of an attendee is an action they own; a non-attendee's is not."""
        event = parse_summary(INFO_LOG)
        assert [(a.text, a.owners) for a in event.actions] == [
            (
                "JayF has signed up to represent the TC at the OpenInfra Live PTG recap show",
                ("JayF",),
            )
        ]

    def test_sign_up_lines_are_labelled_action(self) -> None:
        """--explain labels chatter and #info lines reporting a sign-up as actions."""
        assert log_line_role("18:04:32 <JayF> Done. fungi volunteered to restart it") == "action"
        assert log_line_role("18:04:48 <JayF> #info JayF has signed up to host it") == "action"
        assert log_line_role("18:04:49 <JayF> #info three noted absences") == "chatter"


class TestContinuousFuture:
    """ "we'll be looking into ..." is work; "we will be happy ..." is not."""

    @pytest.mark.parametrize(
        ("text", "commits"),
        [
            ("we\u2019ll be looking into improving some of our tools", True),
            ("We will be working on the docs next cycle", True),
            ("We will be happy to help", False),
            ("we'll be in Denver", False),
        ],
    )
    def test_team_commitment(self, text: str, commits: bool) -> None:
        """Only "be looking into" and "be working on" pass the "be" exclusion."""
        assert team_commitment(text) is commits

    def test_clause_after_but(self) -> None:
        """The team's clause after "..., but" is found with a curly apostrophe."""
        sentence = (
            "It\u2019s not something we can change overnight, but we\u2019ll be looking into it."
        )
        assert team_clause(sentence) == "we\u2019ll be looking into it."

    def test_heading_less_blog_is_read(self) -> None:
        """A blog paragraph with no heading is read, not rejected, for its one commitment."""
        event = parse_summary(BLOG)
        texts = [a.text for a in event.actions]
        assert len(texts) == 1
        assert texts[0].startswith("we\u2019ll be looking into improving some of our tools")
        assert event.actions[0].owners == ()


class TestRemarksOnTheText:
    """ "I'll start at the end" says where the mail begins; it is no work."""

    @pytest.mark.parametrize(
        ("sentence", "commits"),
        [
            ("I'll start at the end, as this is the most tangible outcome.", False),
            ("I will begin with the top of the list", False),
            ("I'll start the retirement process", True),
            ("I'll start at 10 UTC tomorrow", True),
        ],
    )
    def test_first_person(self, sentence: str, commits: bool) -> None:
        """Starting "at the end" or "with the top" is a remark; starting a process commits."""
        assert first_person_commitment(sentence) is commits
