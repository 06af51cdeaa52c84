"""Parse more gracefully (issue 12): short synthetic snippets of the forms real summaries use."""

from __future__ import annotations

import pytest

from syncsvc.errors import InputError
from syncsvc.parse.explain import explain
from syncsvc.parse.summary import parse_summary

NO_HEADINGS = """\
[demo] Retrospective notes

What went well: reviews were quick.

- gibi will write the upgrade docs
- melwitt will ping the cores about runways
"""

NUMBERED_LIST = """\
Summary of the docs session

Our priorities:
1. install guide
2. admin guide
3. upgrade notes

gibi will update the install guide.
"""

EMPHASISED_NUMBERED_TOPICS = """\
Hi all, the takeaways:

*1. Gate stability*

We discussed the flaky jobs. gibi will add retries to the grenade job.

*2. Release notes*

We like reno. melwitt will write the template.
"""

HEADING_NICK = """\
=== Quotas (gibi) ===
Actions:
- gibi to write the spec
"""

SUBJECT_NICK = """\
[demo][ptg] Quotas follow-up from gibi

=== Quotas ===
Actions:
- gibi to write the spec
"""

TEAM_TAG = """\
[manila] Summary of the Victoria Cycle PTG

=== Quotas ===
Actions:
- gouthamr will write the spec
"""

CITY_PTG = """\
Atlanta PTG Summary: Ironic (part 1)

=== Ongoing work ===
Actions:
- dtantsur will write the spec
"""

ETHERPAD_GREETING = """\
Hello Neutrinos:

This is a quick summary of the PTG sessions last week. This is the etherpad used: \
https://etherpad.opendev.org/p/neutron-bobcat-ptg

Retrospective.
  * To be improved: CI stability
Actions:
- ralonsoh will propose the fix
"""

READ_ONLY_PAD = """\
Hey folks,
The notes are in a read-only etherpad: https://etherpad.opendev.org/p/r.3d37f484b24bb04159

=== Quotas ===
Actions:
- gibi will write the spec
"""

REPOSITORIES = """\
=== UI ===
Actions:
- manila-ui will drop the old panels
- python-novaclient will drop python 2
"""

AGREED = """\
=== Meetings ===
We talked about the meeting slot. We agreed to keep the meeting time.
Agreement was reached on the new bug deputy rota.
#Agreed: move the meeting to Tuesday
"""

IRC_LOG = """\
10:00:01 <gibi> #startmeeting demo
10:00:05 <gibi> #topic Quotas
10:00:09 <melwitt> hi all
10:01:00 <gibi> #link https://review.opendev.org/c/openstack/nova/+/123456
10:02:00 <gibi> #agreed keep the old quota driver one more cycle
10:03:00 <gibi> #action melwitt to write the spec
10:04:00 <gibi> #endmeeting
"""


class TestNoHeadings:
    """A text without headings is one topic when it holds commitments, else rejected in one line."""

    def test_commitments_without_headings_are_one_topic(self) -> None:
        """A mail of lists with no headings is one topic titled by its subject line."""
        event = parse_summary(NO_HEADINGS)
        assert [t.title for t in event.topics] == ["[demo] Retrospective notes"]
        assert [(a.text, a.owners) for a in event.actions] == [
            ("gibi will write the upgrade docs", ("gibi",)),
            ("melwitt will ping the cores about runways", ("melwitt",)),
        ]

    def test_no_structure_and_no_commitments_is_rejected(self) -> None:
        """Text with neither headings nor commitments is refused with a one-line message."""
        with pytest.raises(InputError) as caught:
            parse_summary("just some words\nwith no structure\n")
        assert "\n" not in str(caught.value)
        assert str(caught.value).startswith("no PTG structure found")


class TestNumbered:
    """Numbered titles over paragraphs are topics; numbered lists of short items are lists."""

    def test_numbered_list_is_not_a_topic(self) -> None:
        """The last item of a short numbered list does not become a topic."""
        event = parse_summary(NUMBERED_LIST)
        assert [t.title for t in event.topics] == ["Summary of the docs session"]
        assert [a.owners for a in event.actions] == [("gibi",)]

    def test_emphasised_numbered_titles_are_topics(self) -> None:
        """'*1. Title*' over a paragraph opens a topic (bold lost or kept in the archive)."""
        event = parse_summary(EMPHASISED_NUMBERED_TOPICS)
        assert [t.title for t in event.topics] == ["Gate stability", "Release notes"]
        assert [(a.owners, a.inferred) for a in event.actions] == [
            (("gibi",), True),
            (("melwitt",), True),
        ]


class TestOwnersAndTeamFromContext:
    """'nick to ...' owners from nicks the headings and subject name; team from the subject tag."""

    def test_nick_from_the_heading(self) -> None:
        """A nick in the topic heading makes 'nick to ...' owned."""
        assert [a.owners for a in parse_summary(HEADING_NICK).actions] == [("gibi",)]

    def test_nick_from_the_subject(self) -> None:
        """A nick in the mail's subject makes 'nick to ...' owned."""
        assert [a.owners for a in parse_summary(SUBJECT_NICK).actions] == [("gibi",)]

    def test_team_from_the_subject_tag(self) -> None:
        """'[manila] ... Victoria Cycle PTG' is the manila team, not 'cycle'."""
        event = parse_summary(TEAM_TAG)
        assert (event.team, event.cycle) == ("manila", "victoria")

    def test_a_host_city_is_not_a_team(self) -> None:
        """'Atlanta PTG Summary' names where the PTG was, so no team is guessed from it."""
        assert parse_summary(CITY_PTG).team is None

    def test_team_from_its_ptg_etherpad(self) -> None:
        """A greeting read as a topic still lets the linked '/p/neutron-bobcat-ptg' name
        the team; a read-only pad ('/p/r.3d37…') names none."""
        assert parse_summary(ETHERPAD_GREETING).team == "neutron"
        assert parse_summary(READ_ONLY_PAD).team is None

    def test_repositories_are_never_owners(self) -> None:
        """'manila-ui will ...' and 'python-novaclient will ...' are unassigned."""
        event = parse_summary(REPOSITORIES)
        assert [a.owners for a in event.actions] == [(), ()]


class TestDecisionsAndLogs:
    """Decisions in prose and on #agreed lines; #link refs and labels in IRC logs."""

    def test_agreed_sentences_are_decisions(self) -> None:
        """'We agreed ...', 'Agreement was reached ...' and '#Agreed:' are all kept as decisions."""
        event = parse_summary(AGREED)
        assert list(event.topics[0].decisions) == [
            "We agreed to keep the meeting time.",
            "Agreement was reached on the new bug deputy rota.",
            "move the meeting to Tuesday",
        ]

    def test_link_lines_are_refs(self) -> None:
        """A '#link' URL in an IRC log is a ref of its topic."""
        event = parse_summary(IRC_LOG)
        assert [r.url for r in event.topics[0].refs] == [
            "https://review.opendev.org/c/openstack/nova/+/123456"
        ]

    def test_explain_labels_irc_lines(self) -> None:
        """--explain labels log lines topic, chatter, link, agreed and action."""
        roles = [line.role for line in explain(IRC_LOG).lines]
        assert roles == ["chatter", "topic", "chatter", "link", "agreed", "action", "chatter"]


VOLUNTEERS = """\
=== Policies ===
We went through the new defaults. Anna and Boris volunteered to port the policies.
"""

ACTION_ITEM_BULLETS = """\
=== Retirements ===
  • Action item: kaplan will start the retirement process.

Action Items:
  • zoltan: propose the patch.
  • note: nothing else came up.
"""

TEAM_COMMITMENTS = """\
=== Bugs ===
The backlog keeps growing. We agreed to hold a bug day every month.
We agreed that the old bugs are not important.
We agreed that we should close bugs older than five years.
"""

PAREN_WORD = """\
=== Cache ===
Actions:
- we will add an API to cache(pre-cache) the images
"""


class TestCommitmentPhrasing:
    """Commitment phrasings of real summaries: volunteers, labelled items, team commitments."""

    def test_first_names_that_volunteer_own_the_item(self) -> None:
        """'Anna and Boris volunteered to ...' is an inferred action owned by anna and boris."""
        event = parse_summary(VOLUNTEERS)
        assert [(a.owners, a.inferred) for a in event.actions] == [(("anna", "boris"), True)]

    def test_action_item_bullets_and_nick_labels(self) -> None:
        """'• Action item: X' is an action; 'nick: do X' is owned by nick, 'note: ...' by nobody."""
        event = parse_summary(ACTION_ITEM_BULLETS)
        assert [(a.text, a.owners) for a in event.actions] == [
            ("kaplan will start the retirement process.", ("kaplan",)),
            ("zoltan: propose the patch.", ("zoltan",)),
            ("note: nothing else came up.", ()),
        ]

    def test_team_commitments_in_prose(self) -> None:
        """'We agreed to X' and 'we agreed that we should X' are team actions; a plain 'agreed that' is not."""
        event = parse_summary(TEAM_COMMITMENTS)
        assert [(a.text, a.owners, a.inferred) for a in event.actions] == [
            ("We agreed to hold a bug day every month.", (), True),
            ("We agreed that we should close bugs older than five years.", (), True),
        ]

    def test_a_word_glued_to_a_parenthesis_is_no_owner(self) -> None:
        """'cache(pre-cache)' is not an attribution to a nick 'pre-cache'."""
        assert [a.owners for a in parse_summary(PAREN_WORD).actions] == [()]


ACTION_PLAN = """\
=== Images ===
We discussed dropping the old image type.

Action plan:
* Improve the docs of the new images
* Mark the old images as deprecated
"""

RETROSPECTIVE = """\
What went well

  • the gate was green most of the time

What will we change

  • We should announce outages earlier:
 * Set the channel topic during an outage
"""

LOST_HEADER = """\
[demo] Retrospective

- Runways work well. The queue moved faster this cycle.
- Release themes help some people and bother nobody.

- keep doing runways
- (gibi) video walkthrough for the resize series
- consider a pre-PTG mail thread next cycle
"""


class TestActionListHeaders:
    """Action lists under the headers real summaries use, and lists whose header was lost."""

    def test_action_plan_header(self) -> None:
        """'Action plan:' heads an explicit action list."""
        event = parse_summary(ACTION_PLAN)
        assert [(a.text, a.inferred) for a in event.actions] == [
            ("Improve the docs of the new images", False),
            ("Mark the old images as deprecated", False),
        ]

    def test_retrospective_change_section(self) -> None:
        """A retrospective's 'What will we change' section lists actions."""
        event = parse_summary(RETROSPECTIVE)
        assert [a.text for a in event.actions] == [
            "We should announce outages earlier:",
            "Set the channel topic during an outage",
        ]

    def test_lost_header_with_imperatives_and_attributions(self) -> None:
        """A last list of 'keep ...', '(nick) ...' and 'consider ...' items is inferred actions."""
        event = parse_summary(LOST_HEADER)
        assert [(a.owners, a.inferred, a.confidence < 1.0) for a in event.actions] == [
            ((), True, True),
            (("gibi",), True, True),
            ((), True, True),
        ]


WIKI_SUMMARY = """\
This page contains a summary of the sessions of the demo team at the PTG.

Tuesday 20 April


Greetings and project business

Business in no particular order:

  • The final release from stable/train is 12 May 2021.

Image encryption

We went through the spec again.

  • rosmaita will update the spec with the key manager changes.

Wednesday 21 April


Backup drivers

Nothing else came up.
"""


class TestWikiSummaryPages:
    """A team's wiki summary page: day lines, then plain title lines over each session."""

    def test_plain_titles_under_day_lines_are_topics(self) -> None:
        """Short title lines between blank lines under a day line are topics of that day."""
        event = parse_summary(WIKI_SUMMARY)
        assert [(t.title, t.day.label if t.day else None) for t in event.topics] == [
            ("Greetings and project business", "Tuesday 20 April"),
            ("Image encryption", "Tuesday 20 April"),
            ("Backup drivers", "Wednesday 21 April"),
        ]
        assert [(a.owners, a.inferred) for a in event.actions] == [(("rosmaita",), True)]


FLAT_LOG = (
    "10:00:01 #startmeeting demo 10:00:02 Meeting started Mon Jan 8 10:00:01 2018 UTC."
    " 10:00:05 #topic Elections 10:00:09 hi all 10:01:00 who can chair the election?"
    " 10:02:00 #action ana to email the list about election chairs 10:03:00 thanks"
    " 10:04:00 #endmeeting\n"
)


class TestFlattenedLogs:
    """A meeting log whose lines were joined into one (a flattened web copy) is still a log."""

    def test_flattened_log_keeps_its_commands(self) -> None:
        """Timestamps split the joined log back into lines: its topic and #action are read."""
        event = parse_summary(FLAT_LOG)
        assert [t.title for t in event.topics] == ["Elections"]
        assert [a.text for a in event.actions] == ["ana to email the list about election chairs"]

    def test_chairs_of_a_flattened_log_are_attendees(self) -> None:
        """MeetBot's 'The chair is X' line makes X an attendee, so '#action X to ...' is X's."""
        text = FLAT_LOG.replace("2018 UTC.", "2018 UTC. 10:00:03 The chair is ana.")
        assert [a.owners for a in parse_summary(text).actions] == [("ana",)]


TRAILING_ATTRIBUTION = """\
=== Onboarding ===
Actions:
- Collect up the tribal knowledge. \u2013 diablo_rojo
- Write the onboarding guide - done
"""

PROGRESSIVE = """\
=== Meetings ===
Actions:
- mnaser will be proposing the vote for that.
- the docs will be updated
"""


class TestMoreOwnerForms:
    """Owner forms of real summaries: a trailing dash attribution, 'will be ...ing'."""

    def test_trailing_dash_attribution(self) -> None:
        """'... - diablo_rojo' (an en dash) at an item's end names its owner; '- done' names nobody."""
        event = parse_summary(TRAILING_ATTRIBUTION)
        assert [a.owners for a in event.actions] == [("diablo_rojo",), ()]

    def test_will_be_doing_is_a_commitment(self) -> None:
        """'nick will be proposing' is owned; the passive 'docs will be updated' is not."""
        event = parse_summary(PROGRESSIVE)
        assert [a.owners for a in event.actions] == [("mnaser",), ()]


BLOG_COPY = """\
Recap of the demo team's virtual PTG

  Retrospective

We finished the py2 drop. We decided to keep the office hours.

    Meeting time:

We will try a weekly meeting on Thursdays.
"""


class TestBlogCopies:
    """A blog post copied as text keeps its headings only as indented lines."""

    def test_indented_title_lines_are_topics(self) -> None:
        """An indented short line alone between blanks, over unindented prose, is a topic."""
        event = parse_summary(BLOG_COPY)
        assert [t.title for t in event.topics] == ["Retrospective", "Meeting time"]
        assert [(a.text, a.inferred) for a in event.actions] == [
            ("We decided to keep the office hours.", True),
            ("We will try a weekly meeting on Thursdays.", True),
        ]


BULLET_SENTENCES = """\
=== Retrospective ===
We looked back at the cycle.

  • Office hours were quiet. Nothing to change there.
  • How to reach projects more closely. We decided to keep the liaisons.
"""


class TestCommitmentsInsideBullets:
    """A discussion bullet whose later sentence commits the team is an inferred action."""

    def test_later_sentence_of_a_bullet_commits(self) -> None:
        """'Topic words. We decided to X.' in a bullet makes the bullet an inferred action."""
        event = parse_summary(BULLET_SENTENCES)
        assert [(a.text, a.inferred) for a in event.actions] == [
            ("How to reach projects more closely. We decided to keep the liaisons.", True)
        ]


WE_NEED_TO = """\
=== Releases ===
Business in no particular order:

  • The old branch closes in May. Check for backports.
  • We need to cut a release of the client. Nobody has tried the tooling yet.
"""

DECISION_BESIDE_ACTIONS = """\
=== Onboarding ===
New members have no guide. We decided to document the onboarding steps.

Actions:
- gibi will write the first draft
"""

UNSEEN_NICK = """\
=== Retirements ===
  • Action item: gmann to start the retirement process.
  • Action item: attempt to fix the gate first.
"""

CAPITALISED_NAME = """\
=== Meetings ===
We talked about office hours.

  • To make office hours useful. Naser will be proposing the vote for that.
  • Thursday will suit most people.
  • The new API landed. Framework will serve other uses too.
"""

SECOND_OWNER = """\
=== Placement ===
  • Action item: gibi will update the TC and accordingly mnaser to propose the patch.
"""


class TestRemainingCommitmentForms:
    """'We need to' bullets, team decisions beside explicit actions, unseen and capitalised owners."""

    def test_we_need_to_bullet_is_a_team_action(self) -> None:
        """A discussion bullet opening 'We need to X.' is an inferred team action."""
        event = parse_summary(WE_NEED_TO)
        assert [(a.text, a.owners, a.inferred) for a in event.actions] == [
            ("We need to cut a release of the client. Nobody has tried the tooling yet.", (), True)
        ]

    def test_team_decision_in_a_topic_with_explicit_actions(self) -> None:
        """'We decided to X.' in prose is kept as a team action beside the topic's action list."""
        event = parse_summary(DECISION_BESIDE_ACTIONS)
        assert [(a.text, a.owners, a.inferred) for a in event.actions] == [
            ("We decided to document the onboarding steps.", (), True),
            ("gibi will write the first draft", ("gibi",), False),
        ]

    def test_nick_to_in_an_explicit_item_with_an_unseen_nick(self) -> None:
        """'Action item: gmann to X' is gmann's though gmann appears nowhere else; 'attempt to' is nobody's."""
        event = parse_summary(UNSEEN_NICK)
        assert [a.owners for a in event.actions] == [("gmann",), ()]

    def test_capitalised_name_with_will(self) -> None:
        """'Naser will be proposing' owns the bullet; a weekday or a noun before 'will' commits nobody."""
        event = parse_summary(CAPITALISED_NAME)
        assert [(a.owners, a.inferred) for a in event.actions] == [(("naser",), True)]

    def test_second_owner_in_the_middle_of_an_item(self) -> None:
        """'gibi will X and accordingly mnaser to Y' is owned by gibi and mnaser."""
        event = parse_summary(SECOND_OWNER)
        assert [a.owners for a in event.actions] == [("gibi", "mnaser")]


PREFIXED_WORD = """\
=== Meetings ===
Actions:
- we will try (re-try) the weekly meeting
"""


class TestPrefixedWordsInParentheses:
    """A parenthesised prefixed word restates the text; it names nobody."""

    def test_re_word_in_parentheses_is_no_owner(self) -> None:
        """'try (re-try)' is not an attribution to a nick 're-try'."""
        assert [a.owners for a in parse_summary(PREFIXED_WORD).actions] == [()]


LEADING_PHRASE = """\
=== Retrospective ===
Reviews were slow. On the other hand we decided to hold a review day every month.
In the end we agreed that the old jobs are fine.
If we decided to drop them, nobody would mind.
"""


class TestDecisionsAfterALeadingPhrase:
    """A team decision after a short leading phrase ('On the other hand we decided to ...')."""

    def test_short_leading_phrase_before_we_decided(self) -> None:
        """'On the other hand we decided to X.' is a team action; a fact or a condition is not."""
        event = parse_summary(LEADING_PHRASE)
        assert [(a.text, a.owners, a.inferred) for a in event.actions] == [
            ("On the other hand we decided to hold a review day every month.", (), True)
        ]
