"""Rules for forms the sixth corpus batch showed (issue 12): short real-shaped snippets of each."""

from __future__ import annotations

import pytest

from syncsvc.errors import InputError
from syncsvc.parse.actions import team_clause, team_commitment
from syncsvc.parse.commitments import group_commitment
from syncsvc.parse.flat import unflatten_page
from syncsvc.parse.owners import read_commitment
from syncsvc.parse.structure import LineKind, classify
from syncsvc.parse.subjects import full_name_owners, pronoun_commitment
from syncsvc.parse.summary import parse_summary

FILLER = "We went through the notes of the cycle and the open questions one by one. " * 4

FLAT_THREAD = (
    "[tc][ptg] Technical Committee PTG summary "
    "Hello all, here is a summary of the sessions [1]. " + FILLER + "== Topic: Retrospective == "
    "Discussion: - We reviewed the issues raised during the cycle. - Fewer teams were "
    "leaderless this time. Action Items: - Update the Project Team Guide, removing obsolete "
    "sections. - Update licensing references across the governance site. "
    "== Topic: Goals == Discussion: - Migrate CI Jobs to Noble [5] - The goal is complete. "
    "Teams should now remove version pins."
)

FLAT_UNDERLINED = (
    "Hello all, here is the summary of our sessions [2]. " + FILLER + "Monday, April 20 "
    "---------------------- Community Forum ~~~~~~~~~~~~~~~ The forum covered four topics. "
    "On goals, jdoe (Jane Doe) reported that the work is nearly done and she plans to remove "
    "the temporary option this cycle. Operators Forum ~~~~~~~~~~~~~~~ The operators met."
)

WIKI_NOTES = """\
Topics/Notes:

  • Time frames 10 Min
    • Jim Baker and Scot Steele  will prepare the presentation materials for the meeting.
    • Arpit Would like to preview documents, Jim will review time line with him.
  • Option Costs
    • Scot Steele and Jim Baker - Costs may not be substantially different from option to \
option, support will be the main component. Jim Bakerand Scot Steelewill continue to work on \
these issues.
"""

GROUP_REPORT = """\
January 29 Board Meeting

Allison gave an update on the draft guidelines and asked for comments. This week the work
group will also be meeting with pilot project teams to get their feedback on the draft.
"""

PREPARE = "Jim Baker and Scot Steele will prepare the presentation materials for the meeting."
MEETING = (
    "This week the work group will also be meeting with pilot project teams to get their"
    " feedback on the draft."
)

STANCE_ONLY = """\
[Openstack-operators] Ops Meetup and User Feedback

Hi there! We are committed to supporting the Ops community and want you all to know that it
continues to be a priority. Please feel free to add topics to the agenda and we'll cover them.
"""


class TestFlattenedPages:
    """A one-line archive page gets its titles, labels and dash items back."""

    def test_inline_titles_labels_and_dash_items(self) -> None:
        """'== Topic: X ==', 'Discussion:', 'Action Items:' and ' - ' items are cut into lines."""
        lines = unflatten_page(FLAT_THREAD).split("\n")
        assert "== Topic: Retrospective ==" in lines
        assert "Action Items:" in lines
        assert "- Update the Project Team Guide, removing obsolete sections." in lines
        # a dash after a footnote mark is not the end of a sentence: no new item
        assert "- Migrate CI Jobs to Noble [5] - The goal is complete. Teams should now remove" in (
            line[:78] for line in lines
        )

    def test_flattened_thread_gives_its_action_items(self) -> None:
        """The items under 'Action Items:' are explicit actions; the discussion is not."""
        event = parse_summary(FLAT_THREAD)
        assert [a.text for a in event.actions] == [
            "Update the Project Team Guide, removing obsolete sections.",
            "Update licensing references across the governance site.",
        ]
        assert all(not a.inferred for a in event.actions)
        assert [t.title for t in event.topics] == ["Topic: Retrospective", "Topic: Goals"]

    def test_dash_and_tilde_underlines_glued_in_a_flat_line(self) -> None:
        """'Title ----' and 'Title ~~~~' glued after a sentence become a title and its rule."""
        lines = unflatten_page(FLAT_UNDERLINED).split("\n")
        assert lines[lines.index("Community Forum") + 1].startswith("~~~~")
        assert lines[lines.index("Monday, April 20") + 1].startswith("----")

    def test_short_lines_are_left_alone(self) -> None:
        """A line of ordinary length is not cut, whatever it holds."""
        text = "Done. - Next item. == Not a title == Discussion: none."
        assert unflatten_page(text) == text


class TestTildeUnderline:
    """A title underlined with '~~~~' (reStructuredText's third level) is a heading."""

    def test_tilde_setext_title(self) -> None:
        """The underlined line is a heading and its underline a rule, not text."""
        lines = list(classify("Intro line.\n\nCommunity Forum\n~~~~~~~~~~~~~~~\nWe met.\n"))
        rule = next(i for i, ln in enumerate(lines) if ln.kind is LineKind.RULE)
        assert lines[rule - 1].text == "Community Forum"
        assert lines[rule - 1].kind is not LineKind.TEXT


class TestPronounSubject:
    """'nick (Full Name) ... and he plans to X' is the nick's commitment."""

    def test_clause_and_owner(self) -> None:
        """The pronoun's clause is the action, owned by the one nick named before it."""
        found = pronoun_commitment(
            "On goals, jdoe (Jane Doe) reported that the work is nearly done and she plans"
            " to remove the temporary option this cycle."
        )
        assert found == ("she plans to remove the temporary option this cycle.", "jdoe")

    @pytest.mark.parametrize(
        "sentence",
        [
            "jdoe (Jane Doe) and rroe (Rick Roe) met, and he plans to remove the option.",
            "The work is nearly done and he plans to remove the option.",
            "jdoe (Jane Doe) reported progress and she will be happy to help.",
            "jdoe (Jane Doe) reported progress and she plans to continue the work.",
        ],
    )
    def test_no_single_named_person_or_no_new_work(self, sentence: str) -> None:
        """Two people, nobody named, 'will be' or the status quo: no commitment."""
        assert pronoun_commitment(sentence) is None

    def test_prose_sentence_becomes_an_action(self) -> None:
        """In a summary's prose the clause is an inferred action owned by the nick."""
        event = parse_summary(FLAT_UNDERLINED)
        assert [(a.text, a.owners) for a in event.actions] == [
            ("she plans to remove the temporary option this cycle.", ("jdoe",))
        ]
        assert event.actions[0].inferred


class TestFullNameSubjects:
    """'Jim Baker and Scot Steele will ...' names its owners by first name."""

    @pytest.mark.parametrize(
        ("text", "owners"),
        [
            ("Jim Baker and Scot Steele  will prepare the materials.", ["jim", "scot"]),
            ("Jim Bakerand Scot Steelewill continue to work on these issues.", ["jim", "scot"]),
            ("Ann Lee, Bob Stone and Jim Baker will review it.", ["ann", "bob", "jim"]),
            ("Jim Baker will be meeting the board.", ["jim"]),
            ("New York will host the summit.", []),
            ("Release Team will publish the schedule.", []),
            ("Jim Baker will be asked to review.", []),
            ("Jim Baker said it will work.", []),
        ],
    )
    def test_first_names(self, text: str, owners: list[str]) -> None:
        """First names of the subject; places, teams, passives and reports name nobody."""
        assert full_name_owners(text) == owners

    def test_read_commitment_uses_them(self) -> None:
        """A full-name subject is a commitment with its owners when no nick is written."""
        reading = read_commitment("Jim Baker and Scot Steele will prepare the materials.")
        assert reading is not None
        assert reading.owners == ("jim", "scot")

    def test_wiki_notes(self) -> None:
        """Subjects in bullets, a name after a comma, and the commitment after discussion."""
        event = parse_summary(WIKI_NOTES)
        assert [(a.text, a.owners) for a in event.actions] == [
            (PREPARE, ("jim", "scot")),
            (
                "Arpit Would like to preview documents, Jim will review time line with him.",
                ("jim",),
            ),
            (
                "Jim Bakerand Scot Steelewill continue to work on these issues.",
                ("jim", "scot"),
            ),
        ]


class TestGroupsAndStances:
    """A group after a time phrase commits; a stance or an invitation does not."""

    def test_time_phrase_before_a_group(self) -> None:
        """'This week the work group will ...' is the group's commitment; a condition is not."""
        assert group_commitment("This week the work group will also be meeting with teams.")
        assert group_commitment("Next month the working group will publish the draft.")
        assert not group_commitment("If the work group will meet, we can talk.")
        event = parse_summary(GROUP_REPORT)
        assert [a.text for a in event.actions] == [MEETING]

    def test_committed_to_supporting_is_a_stance(self) -> None:
        """'We are committed to supporting ...' is no task; '... to solving ...' still is."""
        assert not team_commitment("We are committed to supporting the Ops community.")
        assert team_commitment("We are committed to solving these problems this cycle.")

    def test_invitation_clause(self) -> None:
        """'Feel free to add items and we'll cover them' waits on the reader."""
        assert (
            team_clause("Please feel free to add items to the agenda and we'll cover them.") is None
        )
        assert team_clause("The agenda is full, and we'll cover the rest next week.") == (
            "we'll cover the rest next week."
        )

    def test_mail_with_only_a_stance_and_an_invitation_is_rejected(self) -> None:
        """With neither structure nor commitments the mail is rejected in one line."""
        with pytest.raises(InputError, match="no PTG structure found"):
            parse_summary(STANCE_ONLY)
