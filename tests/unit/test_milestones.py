"""Tests for finding milestone mentions and resolving them to dates."""

from __future__ import annotations

from datetime import date

import pytest

from syncsvc.domain import Milestone
from syncsvc.parse.milestones import find_milestone, resolve_dates
from syncsvc.schedule.releases import Schedules, load_schedules


@pytest.fixture(scope="module")
def schedules() -> Schedules:
    """The bundled schedules, loaded once."""
    return load_schedules()


class TestFindMilestone:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Finish the spec by Wallaby-1", Milestone("Wallaby-1", "wallaby", "1", "by")),
            ("Start the work after Wallaby-3", Milestone("Wallaby-3", "wallaby", "3", "after")),
            ("Land it closer to Wallaby-1", Milestone("Wallaby-1", "wallaby", "1", "closer to")),
            ("Push the deadline to wallaby-1", Milestone("wallaby-1", "wallaby", "1", "to")),
            ("Merge before Wallaby-2", Milestone("Wallaby-2", "wallaby", "2", "before")),
            ("Tag Wallaby-RC1 with the fix", Milestone("Wallaby-RC1", "wallaby", "rc1", "")),
            ("Done BY XENA-2", Milestone("XENA-2", "xena", "2", "by")),
            (
                "Finish by Wallaby milestone 2",
                Milestone("Wallaby milestone 2", "wallaby", "2", "by"),
            ),
            ("Fix in Wallaby", Milestone("Wallaby", "wallaby", None, "in")),
            ("Ship in the Wallaby release", Milestone("Wallaby release", "wallaby", "final", "in")),
            ("Plan it at the Xena PTG", Milestone("Xena PTG", "xena", "ptg", "")),
            (
                "By Wallaby feature freeze",
                Milestone("Wallaby feature freeze", "wallaby", "ff", "by"),
            ),
            ("by the end of the Wallaby cycle", Milestone("Wallaby cycle", "wallaby", None, "by")),
        ],
    )
    def test_series_forms(self, text, expected):
        """Series-named forms keep the phrase as written and normalise series and name."""
        assert find_milestone(text) == expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (
                "Finish the spec by Wallaby-1 \u2013 caf\xe9",
                Milestone("Wallaby-1", "wallaby", "1", "by"),
            ),
            ("\u201cXena PTG\u201d notes", Milestone("Xena PTG", "xena", "ptg", "")),
            ("Fix it in Wallaby\xa0(caf\xe9)", Milestone("Wallaby", "wallaby", None, "in")),
            ("see https://example.org/wallaby-1 \xe9", None),
        ],
    )
    def test_non_ascii_text(self, text, expected):
        """Text with non-ASCII characters finds the same series forms as ASCII text."""
        assert find_milestone(text) == expected
        assert find_milestone(text.encode("ascii", "replace").decode()) == expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Done by W-1", Milestone("W-1", "wallaby", "1", "by")),
            ("done by w-2", Milestone("w-2", "wallaby", "2", "by")),
            ("tag w-rc1", Milestone("w-rc1", "wallaby", "rc1", "")),
            ("after X-3", Milestone("X-3", "xena", "3", "after")),
        ],
    )
    def test_letter_shorthand(self, text, expected):
        """A single-letter shorthand takes the only series with that letter."""
        assert find_milestone(text) == expected

    def test_ambiguous_letter_needs_hint(self):
        """'B-1' is Bexar or Bobcat, so it needs a hint with that letter."""
        assert find_milestone("done by B-1") is None
        assert find_milestone("done by B-1", series_hint="bobcat") == Milestone(
            "B-1", "bobcat", "1", "by"
        )

    def test_milestone_needs_hint(self):
        """'M-2' and 'milestone-3' take the hint's series; a bare 'M-2' is ignored."""
        assert find_milestone("done by M-2") is None
        assert find_milestone("done by M-2", series_hint="Wallaby") == Milestone(
            "M-2", "wallaby", "2", "by"
        )
        assert find_milestone("before milestone-3", series_hint="wallaby") == Milestone(
            "milestone-3", "wallaby", "3", "before"
        )

    def test_countdown_week_is_not_rocky(self):
        """'R-1' is a countdown week, never Rocky-1."""
        assert find_milestone("by R-1", series_hint="rocky") is None

    def test_spec_freeze_for_team(self):
        """'spec freeze' with a team and hint becomes '<team>-spec-freeze'."""
        found = find_milestone("Propose before spec freeze", series_hint="wallaby", team="manila")
        assert found == Milestone("spec freeze", "wallaby", "manila-spec-freeze", "before")
        assert found.key == "wallaby-manila-spec-freeze"

    def test_spec_freeze_without_team_or_hint(self):
        """Without a team the name is 'spec-freeze'; without a hint it has no schedule."""
        assert find_milestone("by spec freeze", series_hint="xena") == Milestone(
            "spec freeze", "xena", "spec-freeze", "by"
        )
        assert find_milestone("by spec freeze") == Milestone("spec freeze", None, None, "by")

    def test_advisory(self):
        """An interop advisory is kept as written with no series, name or relation."""
        found = find_milestone("Update the tests for the upcoming 2020.10 advisory")
        assert found == Milestone(text="2020.10 advisory", series=None, name=None, relation="")
        assert found.key is None

    def test_specific_mention_beats_whole_series(self):
        """A dated milestone wins over an earlier whole-series mention."""
        found = find_milestone("In Wallaby, backport by Wallaby-2 and after W-3")
        assert found == Milestone("Wallaby-2", "wallaby", "2", "by")

    def test_first_of_equal_mentions(self):
        """Of two equally specific mentions the first one wins."""
        found = find_milestone("by Wallaby-1 or at the latest Wallaby-2")
        assert found == Milestone("Wallaby-1", "wallaby", "1", "by")

    @pytest.mark.parametrize(
        "text",
        [
            "Write the Wallaby release notes",
            "See https://etherpad.opendev.org/p/wallaby-ptg-manila",
            "Update the Wallaby docs",
            "train new contributors",
            "target Foo-1",
            "",
        ],
    )
    def test_no_mention(self, text):
        """Release notes, URLs, bare names without a relation and plain words are not milestones."""
        assert find_milestone(text) is None


class TestResolveDates:
    @pytest.mark.parametrize(
        ("milestone", "expected"),
        [
            (Milestone("Wallaby-1", "wallaby", "1", "by"), (date(2020, 12, 4), None)),
            (Milestone("Wallaby-1", "wallaby", "1", "closer to"), (date(2020, 12, 4), None)),
            (Milestone("wallaby-1", "wallaby", "1", "to"), (date(2020, 12, 4), None)),
            (Milestone("Wallaby-2", "wallaby", "2", "before"), (date(2021, 1, 22), None)),
            (Milestone("Wallaby-RC1", "wallaby", "rc1", ""), (date(2021, 3, 26), None)),
            (Milestone("Wallaby release", "wallaby", "final", "in"), (date(2021, 4, 16), None)),
            (Milestone("Wallaby PTG", "wallaby", "ptg", ""), (date(2020, 10, 30), None)),
            (Milestone("Wallaby-3", "wallaby", "3", "after"), (None, date(2021, 3, 12))),
            (
                Milestone("spec freeze", "wallaby", "manila-spec-freeze", "by"),
                (date(2020, 12, 25), None),
            ),
            (Milestone("Hibiscus-1", "hibiscus", "1", "by"), (date(2026, 5, 15), None)),
            (Milestone("I-2", "indri", "2", "after"), (None, date(2027, 1, 15))),
        ],
    )
    def test_known_milestones(self, schedules, milestone, expected):
        """Known milestones resolve to the END date of their week."""
        assert resolve_dates(milestone, schedules) == expected

    @pytest.mark.parametrize(
        "milestone",
        [
            Milestone("Newton-1", "newton", "1", "by"),
            Milestone("Wallaby", "wallaby", None, "in"),
            Milestone("Wallaby-9", "wallaby", "9", "by"),
            Milestone("2020.10 advisory"),
        ],
    )
    def test_unresolvable(self, schedules, milestone):
        """Unknown series, unknown milestone or no schedule give (None, None)."""
        assert resolve_dates(milestone, schedules) == (None, None)

    def test_empty_schedules(self):
        """With no schedules at all nothing resolves."""
        assert resolve_dates(Milestone("Wallaby-1", "wallaby", "1", "by"), Schedules()) == (
            None,
            None,
        )

    def test_end_to_end(self, schedules):
        """Text found then resolved gives the Wallaby-1 deadline."""
        found = find_milestone("Get the spec merged closer to Wallaby-1")
        assert found is not None
        assert resolve_dates(found, schedules) == (date(2020, 12, 4), None)

    def test_older_cycle_milestone(self, schedules):
        """By Rocky-2 (a 2018 deadline) is due at the end of Rocky's milestone-2 week."""
        found = find_milestone("jungleboyj will write the spec by Rocky-2")
        assert found == Milestone("Rocky-2", "rocky", "2", "by")
        assert resolve_dates(found, schedules) == (date(2018, 6, 8), None)

    def test_older_cycle_release(self, schedules):
        """A Stein release resolves through upstream's s-release marker (no s-final then)."""
        found = find_milestone("land it in the Stein release")
        assert found is not None
        assert resolve_dates(found, schedules) == (date(2019, 4, 12), None)


class TestSummariesOfLaterCycles:
    """Milestones written in 2022-2026 summaries resolve with the bundled schedules."""

    SUMMARY = """\
[nova] Dalmatian PTG summary (2024.2)

=== Unified limits ===
Actions:
- gibi will propose the spec by Dalmatian-2
- melwitt will land the client change before milestone 3
- bauzas will tag the release candidate by Dalmatian-RC1
"""

    def test_2024_summary_milestones_resolve(self) -> None:
        """A Dalmatian (2024.2) summary's Dalmatian-2, milestone 3 and Dalmatian-RC1 get their week ends."""
        from syncsvc.parse.summary import parse_summary  # noqa: PLC0415 - only this class parses

        event = parse_summary(self.SUMMARY)
        assert (event.team, event.cycle) == ("nova", "dalmatian")
        assert [(a.milestone.name if a.milestone else None, a.due) for a in event.actions] == [
            ("2", date(2024, 7, 5)),
            ("3", date(2024, 8, 30)),
            ("rc1", date(2024, 9, 13)),
        ]
