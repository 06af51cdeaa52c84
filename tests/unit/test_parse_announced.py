"""Action lists announced by a sentence ("These are the action items from ..."), owners in parentheses."""

from __future__ import annotations

import pytest

from syncsvc.errors import InputError
from syncsvc.parse.announced import announced_actions, announces_actions, item_owners
from syncsvc.parse.explain import explain
from syncsvc.parse.structure import classify
from syncsvc.parse.summary import parse_summary

ANNOUNCED_MAIL = """\
Hi all,

These are the action items from the storage midcycle last week. Reply on
this thread if something is missing.

Rework the quota driver so that the scheduler can read per-project limits
(Peter, yathi)
Write the upgrade guide for operators (Tim, Ann Lee, lbragstad,
mnaser)
Split the API reference (Sam)
Reference layout
- one page per resource
- examples for each call
Add a periodic job for the gate (rosmaita, Jay jaypipes -- he will pair with
Brian on the job definitions)
Look at the flaky volume test (TheJulia, ann,
Publish the midcycle notes on the wiki (sam.doe, Sam)

Note that this list is not final: more items may come out of the spec reviews
(Tim, Peter).

Thanks,
Sam
"""

#: (text start, owners) of each action the announced list above holds.
ANNOUNCED_ITEMS = [
    ("Rework the quota driver so that", ("peter", "yathi")),
    ("Write the upgrade guide for operators", ("tim", "ann", "lbragstad", "mnaser")),
    ("Split the API reference (Sam) Reference layout", ("sam",)),
    ("Add a periodic job for the gate", ("rosmaita", "jaypipes")),
    ("Look at the flaky volume test", ("TheJulia", "ann")),
    ("Publish the midcycle notes on the wiki", ("sam.doe",)),
]


def _lines(text: str) -> list[tuple[str, tuple[str, ...], bool]]:
    """(text, owners, inferred) of each action ``parse_summary`` reads from ``text``."""
    return [(a.text, a.owners, a.inferred) for a in parse_summary(text).actions]


class TestAnnouncesActions:
    """Which sentences present a list of action items."""

    @pytest.mark.parametrize(
        "sentence",
        [
            "These are the spec action items from the policy summit a few weeks ago.",
            "These are the action items from the midcycle.",
            "Here are the action items",
            "Here are the action items from today's call, please check yours.",
            "Below are the action points we agreed on.",
            "The following are the action items.",
            "Action items from the Kilo design summit:",
            "So, here are our action items:",
        ],
    )
    def test_announces(self, sentence: str) -> None:
        """A presenting sentence, or "Action items from ...:" ending in a colon."""
        assert announces_actions(sentence)

    @pytest.mark.parametrize(
        "sentence",
        [
            "We went through the action items from last week.",
            "The action items from the last meeting are all done.",
            "Action items from the last meeting were reviewed.",
            "Please add your action items to the etherpad.",
            "These are the notes from the meeting.",
            "These are the reasons we dropped the action items.",
        ],
    )
    def test_does_not_announce(self, sentence: str) -> None:
        """Prose that only mentions action items announces no list."""
        assert not announces_actions(sentence)


class TestItemOwners:
    """The people of the parenthesis that ends an announced item."""

    @pytest.mark.parametrize(
        ("text", "owners"),
        [
            ("Group the primitives (Sean, straz)", ("sean", "straz")),
            ('Translate to the API --> "push to" (Alex, Rajdeep)', ("alex", "rajdeep")),
            ("Runtime support --> (pull or trigger fetch) (Tim)", ("tim",)),
            ("Add translators to the tables. (Alex, cathy,", ("alex", "cathy")),
            (
                "Write it (Tim, Jim jimjunxu,yapengwu -- split the work)",
                ("tim", "jimjunxu", "yapengwu"),
            ),
            (
                "Write it (rukhsana.ansari, nils.swart, Rukhsana, Nils)",
                ("rukhsana.ansari", "nils.swart"),
            ),
            ("Draft the guide (Ann Lee and TheJulia)", ("ann", "TheJulia")),
            ("Review the specs (peter / tim & sam)", ("peter", "tim", "sam")),
        ],
    )
    def test_owners(self, text: str, owners: tuple[str, ...]) -> None:
        """Nicks as written, first names lower-cased, "Name nick" as the nick, a cut list read."""
        assert item_owners(text) == owners

    @pytest.mark.parametrize(
        "text",
        [
            "Rework the quota driver",
            "(Peter, yathi)",
            "Fix the gate job (WIP)",
            "Move the driver to nova (nova)",
            "Land the patch (Victoria)",
            "Do the release notes (high priority)",
            "Look at it again (see the etherpad)",
            "Ask the team (everyone)",
            "Add a job (Peter) for now",
            "Split the page (Jim bob)",
            "Count the votes (NetApp)",
        ],
    )
    def test_no_owners(self, text: str) -> None:
        """No closing parenthesis, or one that holds anything but people, names nobody."""
        assert item_owners(text) is None


class TestAnnouncedLists:
    """The lines after an announcing paragraph that end in people are explicit actions."""

    def test_announced_mail(self) -> None:
        """Wrapped owners, a cut list, a comment after the names; notes and the closing note are not actions."""
        found = _lines(ANNOUNCED_MAIL)
        assert len(found) == len(ANNOUNCED_ITEMS)
        assert [
            (text[: len(start)], owners, inferred)
            for (text, owners, inferred), (start, _) in zip(found, ANNOUNCED_ITEMS, strict=True)
        ] == [(start, owners, False) for start, owners in ANNOUNCED_ITEMS]

    def test_wrapped_items_are_joined(self) -> None:
        """An item wrapped before or inside its parenthesis is one action with its whole text."""
        texts = [t for t, _, _ in _lines(ANNOUNCED_MAIL)]
        assert texts[0] == (
            "Rework the quota driver so that the scheduler can read per-project limits (Peter, yathi)"
        )
        assert texts[1] == "Write the upgrade guide for operators (Tim, Ann Lee, lbragstad, mnaser)"

    def test_notes_stay_discussion(self) -> None:
        """The bullets under an item and the closing note are the topic's discussion."""
        event = parse_summary(ANNOUNCED_MAIL)
        assert len(event.actions) == len(ANNOUNCED_ITEMS)
        assert event.topics[0].discussion == (
            "one page per resource",
            "examples for each call",
            "Note that this list is not final: more items may come out of the spec reviews (Tim, Peter).",
        )

    def test_colon_line_starts_the_block(self) -> None:
        """After "Action items from ...:" the block starts on the next line of the paragraph."""
        text = (
            "## Storage call\n\n"
            "We looked at the gate first.\n"
            "Action items from the call:\n"
            "Fix the volume test (Peter)\n"
            "Update the driver matrix (ann, tim)\n"
        )
        assert _lines(text) == [
            ("Fix the volume test (Peter)", ("peter",), False),
            ("Update the driver matrix (ann, tim)", ("ann", "tim"), False),
        ]

    @pytest.mark.parametrize(
        "announcement",
        ["HERE ARE THE ACTION ITEMS:", "Here are the Action Points:", "Here are the ACTION Items:"],
    )
    def test_announcement_in_any_case(self, announcement: str) -> None:
        """The announcement is read in upper, title or mixed case."""
        text = f"## Call\n\n{announcement}\nFix the volume test (Peter)\n"
        assert _lines(text) == [("Fix the volume test (Peter)", ("peter",), False)]

    def test_heading_ends_the_block(self) -> None:
        """A heading after the list ends it: the lines under it are read as before."""
        text = (
            "## Actions\n\nHere are the action items:\n\nFix the volume test (Peter)\n\n"
            "## Gate\n\nThe gate is stable again (Tim)\n"
        )
        assert [(t, o) for t, o, _ in _lines(text)] == [("Fix the volume test (Peter)", ("peter",))]

    def test_prose_mentioning_action_items_changes_nothing(self) -> None:
        """A prose paragraph about action items turns no following line into an action."""
        text = (
            "## Status\n\n"
            "We went through the action items from last week and most of them are done.\n\n"
            "The gate is stable again thanks to the fix from Jane (jdoe)\n"
            "and the new periodic job runs every day now (Peter, Tim)\n"
        )
        assert announced_actions(text, list(classify(text))) == {}
        assert _lines(text) == []

    def test_announcement_over_prose_changes_nothing(self) -> None:
        """An announcement followed by prose without people in parentheses gives no list."""
        text = (
            "## Status\n\n"
            "Here are the action items from the call.\n\n"
            "Most of them are still open and we will look at them next week once the\n"
            "release is out.\n"
        )
        assert announced_actions(text, list(classify(text))) == {}

    def test_unannounced_list_is_unchanged(self) -> None:
        """Lines ending in people with no announcement above them stay as they were: no actions."""
        text = (
            "Notes from the storage call.\n\n"
            "Rework the quota driver for the new scheduler (Peter, yathi)\n"
            "Document the upgrade path (Tim)\n"
        )
        assert announced_actions(text, list(classify(text))) == {}
        with pytest.raises(InputError, match="no PTG structure found"):
            parse_summary(text)

    def test_explain_labels_items(self) -> None:
        """``--explain`` labels an announced item's first line an action with its owners."""
        lines = {line.number: line for line in explain(ANNOUNCED_MAIL).lines}
        assert (lines[6].role, lines[6].owners) == ("action", ("peter", "yathi"))
        assert lines[7].role == "continuation of line 6 (action)"
        assert lines[11].role == "continuation of line 10 (action)"  # the item's outline
        assert lines[12].role == "discussion"
