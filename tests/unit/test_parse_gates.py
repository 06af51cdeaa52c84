"""The cheap tests that rule a pattern out before it runs rule out nothing it matches."""

from __future__ import annotations

import pytest

from syncsvc.parse.actions import team_clause, team_commitment
from syncsvc.parse.agenda_forms import announces_list, coordinated_agreement, led_decision
from syncsvc.parse.commitments import group_commitment, unmarked_duty
from syncsvc.parse.normalise import _WIKI_CHROME_WORDS, normalise
from syncsvc.parse.structure import _section
from syncsvc.parse.subjects import pronoun_commitment
from syncsvc.parse.words import may_mention


class TestMayMention:
    """``may_mention`` finds a word in any case, and always may for non-ASCII text."""

    @pytest.mark.parametrize(
        ("text", "words", "expected"),
        [
            ("We DECIDED to", ("decided",), True),
            ("we agreed", ("decided", "agreed"), True),
            ("nothing here", ("decided", "agreed"), False),
            ("", ("we",), False),
            ("we dec\u0131ded to", ("decided",), True),  # a dotless i: re.IGNORECASE matches it
            ("the \u017fig will", ("zzz",), True),  # a long s
        ],
    )
    def test_words(self, text: str, words: tuple[str, ...], expected: bool) -> None:
        """A word is found whatever its case; non-ASCII text is never ruled out."""
        assert may_mention(text, *words) is expected


class TestGatedForms:
    """Each gated form still reads its sentences, in any case and with non-ASCII letters."""

    @pytest.mark.parametrize(
        "sentence",
        [
            "We will go through THE FOLLOWING STEPS first",
            "we will go through the following steps first",
        ],
    )
    def test_announces_list(self, sentence: str) -> None:
        """A list announcement is found whatever the case of "following"."""
        assert announces_list(sentence) is True

    @pytest.mark.parametrize(
        ("sentence", "expected"),
        [
            ("During the workshop we DECIDED to work on it", True),
            ("During the workshop we dec\u0131ded to work on it", True),
            ("During the workshop we talked about it", False),
        ],
    )
    def test_led_decision(self, sentence: str, expected: bool) -> None:
        """A decision after a leading phrase is read as before the gate."""
        assert led_decision(sentence) is expected

    def test_coordinated_agreement(self) -> None:
        """A "but agreed that ..." clause still commits the group."""
        sentence = "The Board did not decide, but agreed that the drafts should be refined"
        assert coordinated_agreement(sentence) is True
        assert coordinated_agreement("The Board did not decide anything") is False

    @pytest.mark.parametrize(
        ("sentence", "expected"),
        [
            ("The two TEAMS will collaborate on it", True),
            ("Cyborg Contributors need to modify the driver", True),
            ("The \u017fig will write the docs", True),
            ("The cat will sleep", False),
        ],
    )
    def test_group_commitment(self, sentence: str, expected: bool) -> None:
        """Every group word still names a group, in any case."""
        assert group_commitment(sentence) is expected

    def test_relative_duty(self) -> None:
        """ "... that we need to <verb>" is still the team's work."""
        assert unmarked_duty("An issue with messaging THAT WE need to investigate") is True
        assert unmarked_duty("An issue with messaging") is False

    @pytest.mark.parametrize(
        ("sentence", "expected"),
        [
            ("We DECIDED to document the steps", True),
            ("The TC will write a resolution", True),
            ("I have an ACTION item to send the mail", True),
            ("Our NEXT step is to write the spec", True),
            ("It rained all week", False),
        ],
    )
    def test_team_commitment(self, sentence: str, expected: bool) -> None:
        """Each team commitment form is read whatever its case."""
        assert team_commitment(sentence) is expected

    def test_team_clause(self) -> None:
        """A later "..., and WE will ..." clause is found; a sentence without "we" has none."""
        assert team_clause("It was slow, and WE will fix it") == "WE will fix it"
        assert team_clause("It was slow, and they fixed it") is None

    @pytest.mark.parametrize(
        ("sentence", "expected"),
        [
            (
                "gmaan (Ghanshyam Maan) reported it, and he PLANS to remove the option",
                ("he PLANS to remove the option", "gmaan"),
            ),
            (
                "gmaan (Ghanshyam Maan) reported it \u2014 and he intends to remove the option",
                ("he intends to remove the option", "gmaan"),
            ),
            ("gmaan (Ghanshyam Maan) reported it, and he said so", None),
        ],
    )
    def test_pronoun_commitment(self, sentence: str, expected: tuple[str, str] | None) -> None:
        """A pronoun's clause is read whatever the verb's case, in ASCII text or not."""
        assert pronoun_commitment(sentence) == expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Actions:", ("actions-header", "")),
            ("ai: write it", None),  # "AI:" is upper case only
            ("AI: write it", ("action", "write it")),
            ("[Action Items]", ("actions-header", "")),
            ("Discussion Items:", ("discussion-header", "")),
            ("bob,", None),
        ],
    )
    def test_section(self, text: str, expected: tuple[str, str] | None) -> None:
        """The section alternation lets every section form through and rules out others."""
        found = _section(text)
        assert (None if found is None else (str(found[0]), found[1])) == expected


class TestWikiChromeGate:
    """Every wiki chrome line has a phrase of the list that lets the chrome pattern run."""

    @pytest.mark.parametrize(
        "line",
        [
            "Jump to navigation",
            "jump to SEARCH",
            "Navigation menu",
            "Personal tools",
            "Views",
            "Namespaces",
            "Retrieved from https://wiki.openstack.org/wiki/PTG",
            "This page was last edited on 2 May 2021",
            "Privacy policy",
            "Disclaimers",
            "From OpenStack",
            "Contents [hide]",
            "[hide]",
            "Edit this page",
        ],
    )
    def test_chrome_lines(self, line: str) -> None:
        """A chrome line is let through by the gate and still removed."""
        assert may_mention(line, *_WIKI_CHROME_WORDS)
        assert normalise(f"Topic\n{line}\nText\n") == "Topic\n\nText\n"
