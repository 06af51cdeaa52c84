"""Line classification: each marker and heading form gets the kind the module doc promises."""

from __future__ import annotations

from datetime import date

import pytest

from syncsvc.parse.days import looks_like_day, parse_day_date
from syncsvc.parse.structure import LineKind, classify


def kinds(text: str) -> list[tuple[LineKind, str]]:
    """(kind, text) of every non-blank line."""
    return [(line.kind, line.text) for line in classify(text) if line.kind is not LineKind.BLANK]


class TestOneLineMarkers:
    """Section headers and one-line actions, decisions and notes."""

    @pytest.mark.parametrize(
        ("line", "expected"),
        [
            ("Actions:", (LineKind.ACTIONS_HEADER, "")),
            ("Action items:", (LineKind.ACTIONS_HEADER, "")),
            ("Action Items (owners in brackets):", (LineKind.ACTIONS_HEADER, "")),
            ("AIs:", (LineKind.ACTIONS_HEADER, "")),
            ("**Actions:**", (LineKind.ACTIONS_HEADER, "")),
            ("Next steps:", (LineKind.ACTIONS_HEADER, "")),
            ("Actions: do it", (LineKind.ACTIONS_HEADER, "do it")),
            ("AI: vkmc to do it", (LineKind.ACTION, "vkmc to do it")),
            ("AR: vkmc to do it", (LineKind.ACTION, "vkmc to do it")),
            ("#action vkmc to do it", (LineKind.ACTION, "vkmc to do it")),
            ("#ACTION vkmc to do it", (LineKind.ACTION, "vkmc to do it")),
            ("- AI: vkmc to do it", (LineKind.ACTION, "vkmc to do it")),
            ("#agreed use X", (LineKind.DECISION, "use X")),
            ("#Agreed: use X", (LineKind.DECISION, "use X")),
            ("Agreed: use X", (LineKind.DECISION, "use X")),
            ("AGREED: use X", (LineKind.DECISION, "use X")),
            ("Decisions:", (LineKind.DECISIONS_HEADER, "")),
            ("#info the gate is red", (LineKind.NOTE, "the gate is red")),
            ("Discussion Items:", (LineKind.DISCUSSION_HEADER, "")),
            ("Summary: it went well", (LineKind.DISCUSSION_HEADER, "it went well")),
            ("Notes: it went well", (LineKind.DISCUSSION_HEADER, "it went well")),
            (
                "Notes: https://etherpad.opendev.org/p/x",
                (LineKind.ETHERPAD, "https://etherpad.opendev.org/p/x"),
            ),
            ("Topic Etherpads: [1] and [2]", (LineKind.ETHERPAD, "[1] and [2]")),
            ("[3]: https://x.org/a", (LineKind.FOOTNOTE, "3 https://x.org/a")),
            ("Topic: Quotas", (LineKind.TOPIC, "Quotas")),
            ("Action: vkmc will do it", (LineKind.ACTIONS_HEADER, "vkmc will do it")),
            ("the action items were long", (LineKind.TEXT, "the action items were long")),
        ],
    )
    def test_marker(self, line: str, expected: tuple[LineKind, str]) -> None:
        """Each marker, case and emphasis variant is classified as documented."""
        assert kinds(line) == [expected]


class TestHeadings:
    """Heading forms decided at the document level."""

    def test_wiki_days_over_topics(self) -> None:
        """'== X ==' is a day when '=== Y ===' topics exist, whatever its label."""
        assert [k for k, _ in kinds("== Cross-project ==\n=== A ===\n=== B ===\n")] == [
            LineKind.DAY,
            LineKind.TOPIC,
            LineKind.TOPIC,
        ]

    def test_wiki_topics_without_days(self) -> None:
        """Without deeper headings, '== X ==' is a topic unless it reads as a day."""
        assert kinds("== Monday ==\n== Quotas ==\n") == [
            (LineKind.DAY, "Monday"),
            (LineKind.TOPIC, "Quotas"),
        ]

    def test_markdown_levels(self) -> None:
        """A single top heading is the title; day-like '##' are days; '###' are topics."""
        text = "# Nova PTG\n## Day 1\n### A\n## Day 2\n### B\n### Actions\n"
        assert [k for k, _ in kinds(text)] == [
            LineKind.TITLE,
            LineKind.DAY,
            LineKind.TOPIC,
            LineKind.DAY,
            LineKind.TOPIC,
            LineKind.ACTIONS_HEADER,
        ]

    def test_markdown_topics_without_title(self) -> None:
        """Same-level '##' headings that are not a title are all topics."""
        assert [k for k, _ in kinds("## A\n## B\n## C\n")] == [LineKind.TOPIC] * 3

    def test_setext_and_dashed(self) -> None:
        """Underlined titles and '--- T ---' are headings; the underline is a rule."""
        assert kinds("Quotas\n------\n--- Limits ---\n") == [
            (LineKind.TOPIC, "Quotas"),
            (LineKind.RULE, "------"),
            (LineKind.TOPIC, "Limits"),
        ]

    def test_dash_line_after_prose_sentence_is_a_rule(self) -> None:
        """A sentence ending with a full stop is not underlined into a heading."""
        assert kinds("That is all.\n-----\n") == [
            (LineKind.TEXT, "That is all."),
            (LineKind.RULE, "-----"),
        ]

    def test_numbered_items_in_a_list_stay_bullets(self) -> None:
        """Numbered lines right under a section header are list items, not topics."""
        text = "Actions:\n1. vkmc will do it\n2. gouthamr will do that\n"
        assert [k for k, _ in kinds(text)] == [LineKind.ACTIONS_HEADER] + [LineKind.BULLET] * 2

    def test_numbered_titles_over_plain_bullets(self) -> None:
        """'1. Title' followed by '-' bullets heads a topic."""
        text = "1. Quotas\n- limits are close\n\n2. Placement\n- types landed\n"
        assert [k for k, _ in kinds(text)] == [LineKind.TOPIC, LineKind.BULLET] * 2

    def test_day_line_needs_a_blank_line_before(self) -> None:
        """A day line is a day after a blank line, text when it continues a paragraph."""
        assert kinds("\nTuesday 19 October\n")[0][0] is LineKind.DAY
        assert kinds("we met on\nTuesday 19 October\n")[1][0] is LineKind.TEXT


class TestDayDates:
    """Dates of day labels, with what the rest of the summary says."""

    @pytest.mark.parametrize(
        ("label", "year", "week", "expected"),
        [
            ("Day 1 - Oct 26, 2020, Mon", None, None, date(2020, 10, 26)),
            ("Tuesday 19 October", 2021, None, date(2021, 10, 19)),
            ("Tuesday 19 October", 2020, None, date(2021, 10, 19)),
            ("Tuesday 19 October", None, None, None),
            ("Friday 19 October", 2021, None, None),
            ("Wednesday", None, date(2021, 10, 18), date(2021, 10, 20)),
            ("Day 3", None, date(2021, 10, 18), None),
        ],
    )
    def test_dates(self, label, year, week, expected) -> None:
        """A year-less date agrees with its weekday; a bare weekday falls in the PTG week."""
        assert parse_day_date(label, year, week) == expected

    @pytest.mark.parametrize(
        ("label", "day"),
        [("Day 2 - Tue", True), ("Thursday", True), ("Oct 27", True), ("Quotas", False)],
    )
    def test_looks_like_day(self, label: str, day: bool) -> None:
        """Day labels are recognised by their opening words."""
        assert looks_like_day(label) is day
