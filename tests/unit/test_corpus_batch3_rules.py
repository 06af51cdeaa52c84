"""Rules for forms the third corpus batch showed (issue 12): short synthetic snippets of each."""

from __future__ import annotations

from syncsvc.parse.actions import team_commitment
from syncsvc.parse.flat import unflatten_page
from syncsvc.parse.owners import read_owners
from syncsvc.parse.summary import parse_summary

FLATTENED_PAGE = (
    "Hi all, thanks for joining the PTG sessions last week, here is what we discussed and"
    " what we decided for the coming cycle, with the usual caveat that the etherpad has the"
    " details. Below is a summary. Gate Health (gibi) ==================== We reviewed the"
    " flaky jobs and the timeouts of the last months in some detail. *Agreement*: the grenade"
    " job stays non-voting this cycle. Docs ===== We looked at the install guide, which is"
    " out of date in several places. *AI*: Rewrite the install guide for the new defaults."
    " *AI*: Drop the old upgrade notes.\n"
)

REPLY_QUOTING_AN_ITEM = """\
Hey,

Have a comment on one AI from the list.

> AI: (gibi) Mark the old driver as deprecated, unless someone maintains it.

I think we should keep it one more cycle.

On Wed, 16 Apr 2025, Someone wrote:

Tech Debt
=========
  - AI: (melwitt) Fix the cron parser and backport it
"""


class TestFlattenedPages:
    """A page saved as one line gets its titles and markers back on lines of their own."""

    def test_glued_titles_and_markers_are_cut_into_lines(self) -> None:
        """A '====' underline and '*AI*:' after a sentence end start new lines."""
        lines = unflatten_page(FLATTENED_PAGE).split("\n")
        assert "Gate Health (gibi)" in lines
        assert "====================" in lines
        assert "Docs" in lines
        assert "AI: Rewrite the install guide for the new defaults." in lines
        assert "AI: Drop the old upgrade notes." in lines
        assert "Agreement: the grenade job stays non-voting this cycle." in lines

    def test_flattened_page_reads_topics_actions_and_decisions(self) -> None:
        """The cut page reads as two topics, with its AI items as explicit actions."""
        event = parse_summary(FLATTENED_PAGE)
        assert [t.title for t in event.topics] == ["Gate Health (gibi)", "Docs"]
        assert [(a.text, a.inferred) for a in event.actions] == [
            ("Rewrite the install guide for the new defaults.", False),
            ("Drop the old upgrade notes.", False),
        ]
        assert list(event.topics[0].decisions) == ["the grenade job stays non-voting this cycle."]

    def test_short_lines_and_sentences_are_left_alone(self) -> None:
        """Ordinary lines are never cut, even with a marker after a sentence end."""
        text = "Gate. AI: fix it.\nThe AI: a word, not a marker, in a short line.\n"
        assert unflatten_page(text) == text

    def test_emphasised_labels_lose_their_emphasis(self) -> None:
        """'*AI*:' and '**Agreed**:' at a line start read as 'AI:' and 'Agreed:'."""
        text = "*AI*: write docs\n- **Agreed**: keep it\n*emphasis*: untouched\n"
        assert unflatten_page(text) == "AI: write docs\n- Agreed: keep it\n*emphasis*: untouched\n"


class TestItemsBeforeTheFirstHeading:
    """An explicit one-line item before any heading is kept, not dropped as preamble."""

    def test_quoted_item_in_a_reply_is_an_action(self) -> None:
        """A quoted 'AI: (nick) ...' above the original mail is an owned action."""
        event = parse_summary(REPLY_QUOTING_AN_ITEM)
        assert [(a.text, a.owners) for a in event.actions] == [
            ("(gibi) Mark the old driver as deprecated, unless someone maintains it.", ("gibi",)),
            ("(melwitt) Fix the cron parser and backport it", ("melwitt",)),
        ]
        assert [t.title for t in event.topics] == ["Summary", "Tech Debt"]


class TestCommitmentPhrasing:
    """Team plans, agreements on what must happen, camel-case nicks and connectives."""

    def test_our_next_step_is_a_team_commitment(self) -> None:
        """'Our next step in keystone is to ...' commits the team; 'is to wait' does not."""
        assert team_commitment("Our next step in keystone is to merge the limits spec.")
        assert team_commitment("The next steps are to write the spec and a PoC.")
        assert not team_commitment("Our next step is to wait for the release.")
        assert not team_commitment("The next step of the upgrade runs the migrations.")

    def test_prose_next_step_keeps_a_headless_post(self) -> None:
        """A blog post whose only commitment is 'Our next step is to ...' is read, not refused."""
        event = parse_summary(
            "Summit Recap\n\nWe talked about limits.\n\n"
            "Our next step in keystone is to solidify the limits spec.\n"
        )
        assert [(a.text, a.inferred) for a in event.actions] == [
            ("Our next step in keystone is to solidify the limits spec.", True)
        ]

    def test_agreed_that_something_needs_to_be_done(self) -> None:
        """'We agreed that X needs to be migrated' says what will be done; 'X is old' does not."""
        assert team_commitment("We agreed that the liaison page is outdated and needs to be moved.")
        assert not team_commitment("We agreed that the liaison page is outdated.")

    def test_camel_case_nick_before_will(self) -> None:
        """'TheJulia will revise ...' is owned by TheJulia; 'OpenStack will ...' by nobody."""
        assert read_owners("TheJulia will revise the spec template").owners == ("TheJulia",)
        assert read_owners("OpenStack will be fine").owners == ()

    def test_a_connective_opens_no_subject(self) -> None:
        """'however, work has slowed down' names nobody, so it is no owned item."""
        assert read_owners("however, work has slowed down in several teams").owners == ()
        assert read_owners("gibi, melwitt has the patch").owners == ("gibi", "melwitt")
