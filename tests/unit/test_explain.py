"""`explain` says, per line, how a summary was read, and warns about missed commitments."""

from __future__ import annotations

from pathlib import Path

from syncsvc.parse.explain import ExplainedLine, explain
from syncsvc.parse.summary import parse_summary

DATA = Path(__file__).resolve().parents[1] / "data" / "summaries"

SUMMARY = """\
Summary of the Manila team's Yoga PTG.

=== Share affinity ===
Etherpad: https://etherpad.opendev.org/p/yoga-ptg-manila-affinity
Discussion Items:
- hints must not leak backend details
- carthaca will check the scheduler filters
Actions:
- carthaca will write the spec by Yoga-2, covering
  both affinity and anti-affinity
- jokke_ to review it
Agreed: hints are advisory
"""


def by_number(lines: tuple[ExplainedLine, ...]) -> dict[int, ExplainedLine]:
    """The explained lines keyed by line number (first entry wins)."""
    found: dict[int, ExplainedLine] = {}
    for line in lines:
        found.setdefault(line.number, line)
    return found


class TestExplainSummary:
    """Line kinds, roles, owner spans and warnings of a PTG summary."""

    def test_every_line_is_explained(self) -> None:
        """Each source line gets one entry with its kind and role, in order."""
        found = explain(SUMMARY)
        got = [(line.number, line.kind, line.role) for line in found.lines]
        assert got == [
            (1, "text", "preamble"),
            (2, "blank", "blank"),
            (3, "topic", "topic"),
            (4, "etherpad", "etherpad"),
            (5, "discussion-header", "header"),
            (6, "bullet", "discussion"),
            (7, "bullet", "discussion"),
            (8, "actions-header", "header"),
            (9, "bullet", "action"),
            (10, "text", "continuation of line 9 (action)"),
            (11, "bullet", "action"),
            (12, "decision", "decision"),
        ]

    def test_owner_spans_point_at_the_nick(self) -> None:
        """Owner spans are offsets of the owner's nick inside the line text."""
        line = by_number(explain(SUMMARY).lines)[9]
        assert line.owners == ("carthaca",)
        assert [line.text[a:b] for a, b in line.owner_spans] == ["carthaca"]
        assert (line.confidence, line.note) == (1.0, "owners: carthaca; milestone: Yoga-2")

    def test_warnings_for_missed_commitments(self) -> None:
        """A commitment in the discussion and an unknown 'nick to …' are both reported."""
        warnings = explain(SUMMARY).warnings
        assert warnings == (
            (
                "line 7: looks like a commitment but is a discussion item in a topic with an "
                "Actions list: 'carthaca will check the scheduler filters'"
            ),
            (
                "line 11: 'jokke_' is not a known nick, so 'jokke_ to …' names no owner (add it "
                "to the config's [aliases])"
            ),
        )

    def test_alias_makes_the_weak_form_count(self) -> None:
        """With jokke_ in the alias map the action is owned and the warning goes away."""
        found = explain(SUMMARY, aliases={"jokke_": "Erno Kuvaja"})
        assert by_number(found.lines)[11].owners == ("jokke_",)
        assert len(found.warnings) == 1

    def test_event_matches_the_parser(self) -> None:
        """The explanation carries the same event that parse_summary returns."""
        assert explain(SUMMARY).event == parse_summary(SUMMARY)

    def test_inferred_actions_are_flagged(self) -> None:
        """Inferred actions show their confidence; prose lines name the action inside them."""
        found = explain((DATA / "inferred.txt").read_bytes())
        lines = by_number(found.lines)
        assert (lines[8].role, lines[8].owners) == ("inferred action (0.7)", ("dmendiza",))
        assert (
            lines[12].note == "inferred action: 'xek will put up a patch to load sessions lazily.'"
        )
        assert [lines[13].text[a:b] for a, b in lines[13].owner_spans] == ["xek"]
        assert sum("inferred action (confidence" in w for w in found.warnings) == 3

    def test_glued_heading_gives_two_entries(self) -> None:
        """A heading glued to an etherpad line is explained as two entries with one number."""
        found = explain((DATA / "glued-headings.txt").read_bytes())
        assert [(line.kind, line.role) for line in found.lines if line.number == 4] == [
            ("topic", "topic"),
            ("etherpad", "etherpad"),
        ]

    def test_unplaced_text(self) -> None:
        """Text after an Actions list is unplaced and warned about."""
        found = explain(SUMMARY + "\nvkmc will organise the next squash\n")
        assert by_number(found.lines)[14].role == "unplaced"
        assert any(
            w.startswith("line 14: looks like a commitment but is outside") for w in found.warnings
        )


class TestExplainMeeting:
    """Meeting minutes are explained by marking action and decision lines."""

    def test_minutes(self) -> None:
        """The action lines of the minutes carry their owners."""
        found = explain((DATA / "meetbot-minutes.txt").read_bytes())
        actions = [(line.number, line.owners) for line in found.lines if line.role == "action"]
        assert actions[:2] == [(23, ("vhari",)), (25, ("carloss",))]
        assert any(line.role == "decision" for line in found.lines)
