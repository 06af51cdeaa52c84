"""Rules for forms the fourth corpus batch showed (issue 12): short real-shaped snippets of each."""

from __future__ import annotations

from syncsvc.parse.actions import team_commitment
from syncsvc.parse.normalise import normalise
from syncsvc.parse.sender import find_sender, first_person_commitment
from syncsvc.parse.summary import parse_summary

REPLY_WITH_OFFER = """\
[openstack-dev] [openstack-ansible] Rotate the meeting chair

Andy Smith andy.smith at example.org
Thu May 3 08:13:59 UTC 2018

> What are the actions to take:
>     - Prepare the triage. Generate the list of the bugs for the week.
>     - Chair the meeting.

I will gladly pick up my well-used meeting chair hat.
It's a great idea.

Andy
-------------- next part --------------
An HTML attachment was scrubbed...
URL: <http://lists.openstack.org/pipermail/openstack-dev/attachments/20180503/x/attachment.html>
"""

SIGNED_FOLLOW_UP = """\
[kolla] Priorities for the Train cycle

Thanks to those who attended the PTG. I compiled a list of candidate work
items [1]. Please vote on these priorities to indicate what we should focus
on. I will leave this open for a week, then order the items.

Thanks, Mark

[1] https://etherpad.openstack.org/p/kolla-train-priorities
"""

REGISTRY_PAGE = """\
Edge Computing Group

Call details

Action item registry

  • Find industry experts to invite to the conversations

Please feel free to add your topic to the agenda.
"""

WRAPPED_NUMBERED_ITEMS = """\
[openstack-dev] Forum Brainstorming

There are two stages to the brainstorming:

1. Starting today, set up an etherpad with your team and start
discussing ideas you'd like to talk about at the Forum.

2. Then, in a couple of weeks, we will open up a more formal web-based
tool for you to submit abstracts for the most popular sessions.

Make an etherpad and add it to the list.
"""


def actions(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The (text, owners) of every action parse_summary finds in ``text``."""
    event = parse_summary(text)
    return [(a.text, a.owners) for t in event.topics for a in t.actions]


class TestFirstPersonCommitments:
    """'I will ...' commits the mail's sender; the mail talking about itself does not."""

    def test_offer_in_a_reply_is_owned_by_the_header_sender(self) -> None:
        """The pipermail header names the sender; the scrubbed-attachment note is no topic."""
        assert actions(REPLY_WITH_OFFER) == [
            ("I will gladly pick up my well-used meeting chair hat.", ("Andy Smith",))
        ]

    def test_signed_mail_without_headings_is_read(self) -> None:
        """A 'Thanks, Mark' sign-off names the owner of 'I will leave this open ...'."""
        assert actions(SIGNED_FOLLOW_UP) == [
            ("I will leave this open for a week, then order the items.", ("Mark",))
        ]

    def test_writing_about_the_mail_is_no_commitment(self) -> None:
        """'I will try to summarize', 'I'll do my best', 'I will be out' commit nobody."""
        assert [
            first_person_commitment(s)
            for s in (
                "I will try to provide a summary here.",
                "I'll do my best to summarize here what was discussed.",
                "I will be out next week.",
                "I'll see with infra if we can get a periodic job for that.",
                "I will be adding a maintainers file for the drivers.",
            )
        ] == [False, False, False, True, True]

    def test_sender_nick_from_the_address_when_it_holds_the_name(self) -> None:
        """'therve at ...' is Thomas Herve's nick; 'openstack at fried.cc' is not Eric Fried's."""
        assert find_sender(["[Heat] Summit recap", "", "Thomas Herve therve at redhat.com"]) == (
            "therve"
        )
        assert find_sender(["[nova] PTG", "", "Eric Fried openstack at fried.cc"]) == "Eric Fried"
        assert find_sender(["Hi all,", "No sign-off here."]) is None


class TestListForms:
    """An 'Action item registry' header and a wrapped numbered item."""

    def test_action_item_registry_heads_an_action_list(self) -> None:
        """The registry's bullet is an explicit, unassigned action; the page is not rejected."""
        assert actions(REGISTRY_PAGE) == [
            ("Find industry experts to invite to the conversations", ())
        ]

    def test_wrapped_numbered_item_is_no_topic(self) -> None:
        """A long numbered line running on into the next is a list item: its 'we will' commits."""
        event = parse_summary(WRAPPED_NUMBERED_ITEMS)
        assert [t.title for t in event.topics] == ["[openstack-dev] Forum Brainstorming"]
        assert [a.text[:48] for t in event.topics for a in t.actions] == [
            "Then, in a couple of weeks, we will open up a mo"
        ]

    def test_team_commitment_after_a_five_word_time_phrase(self) -> None:
        """'In a couple of weeks, we will' commits; 'If the spec merges next week, we will' not."""
        assert team_commitment("Then, in a couple of weeks, we will open up a web-based tool")
        assert not team_commitment("If the spec merges next week, we will start the work")

    def test_scrubbed_attachment_note_is_dropped(self) -> None:
        """pipermail's '--- next part ---' note and its two lines are removed as chrome."""
        text = normalise("Andy\n-------------- next part --------------\nAn HTML attachment\n")
        assert text.strip() == "Andy"
