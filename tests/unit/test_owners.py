"""Owner reading: every form a PTL writes, and the look-alikes that own nothing."""

from __future__ import annotations

import pytest

from syncsvc.domain import Person
from syncsvc.parse.owners import read_owners, read_owners_looked_up


class TestOwnerForms:
    """Forms that name owners."""

    @pytest.mark.parametrize(
        ("text", "owners"),
        [
            (
                (
                    "Vida Haririan (vhari), Liron Kuchlani (lkuchlan) and Goutham Pacha Ravi "
                    "(gouthamr) will create the interop test plan"
                ),
                ("vhari", "lkuchlan", "gouthamr"),
            ),
            ("We'll hold a bug squash closer to Wallaby-1 (vkmc/vhari)", ("vkmc", "vhari")),
            (
                "dviroel, carloss and gouthamr will review the patch",
                ("dviroel", "carloss", "gouthamr"),
            ),
            ("dviroel, carloss, and gouthamr will review", ("dviroel", "carloss", "gouthamr")),
            ("carloss/team will attack de-escalation", ("carloss",)),
            ("maaritamm/vkmc will send an email", ("maaritamm", "vkmc")),
            ("mfedosin will test gman0's latest patch", ("mfedosin",)),
            ("team will ask the vendors (carloss). Feedback decides.", ("carloss",)),
            ("failures will be identified (dviroel) and discussed", ("dviroel",)),
            ("gman0 has started working on the code", ("gman0",)),
            ("tbarron will propose a nova spec (and detach)", ("tbarron",)),
            ("haixin & tbarron will pair on it", ("haixin", "tbarron")),
            ("vkmc is going to drive it", ("vkmc",)),
        ],
    )
    def test_owned(self, text: str, owners: tuple[str, ...]) -> None:
        """Each owner form yields exactly the owners a careful reader sees, in order."""
        assert read_owners(text).owners == owners

    def test_full_names_are_kept(self) -> None:
        """'Full Name (nick)' records the full name for the nick."""
        reading = read_owners("Goutham Pacha Ravi (gouthamr) will write it")
        assert reading.people == (Person("gouthamr", "Goutham Pacha Ravi"),)

    def test_weak_form_needs_a_known_nick(self) -> None:
        """'nick to …' counts only for nicks already known (else 'attempt to …' would)."""
        assert read_owners("rosmaita to follow up", known={"rosmaita"}).owners == ("rosmaita",)
        assert read_owners("rosmaita to follow up").owners == ()
        assert read_owners("attempt to record sessions").owners == ()


class TestUnassigned:
    """Look-alikes that must stay unassigned."""

    @pytest.mark.parametrize(
        "text",
        [
            "We'll have a bug squash after Wallaby-3",
            "we'll continue to work on the gap",
            "Contributors can seek collaborative reviews",
            "team will actively welcome feedback",
            "docs will be updated by Wallaby-2",
            "adequate testing, admin/operator documentation will be provided",
            "need other DHSS=True driver maintainers to pay attention",
            "proposers must seek out vendor maintainers",
            "great work this cycle (kudos, vhari)",
            "make it optional (optional)",
            "test it on CephFS (e.g. CephFS, GPFS, etc)",
            "mfedosin's patch (as will folks from CERN) needs tests",
            "Test plan target is the upcoming 2020.10 advisory",
            "get https://review.opendev.org/758868/ merged",
        ],
    )
    def test_unassigned(self, text: str) -> None:
        """Generic subjects, passives, praise and commentary name no owner."""
        assert read_owners(text).owners == ()


class TestLookedUp:
    """A reading with no known nicks reports the words it asked them about."""

    def test_reading_without_lookups_holds_for_any_known(self) -> None:
        """'nick will …' asks nothing of the known nicks, so its reading holds for all of them."""
        reading, looked_up = read_owners_looked_up("gouthamr will review the spec")
        assert (reading, looked_up) == (read_owners("gouthamr will review the spec"), set())
        assert read_owners("gouthamr will review the spec", known={"x"}) == reading

    def test_weak_form_reports_its_nick(self) -> None:
        """'nick to …' asks whether the nick is known: a reading that a known nick changes."""
        reading, looked_up = read_owners_looked_up("rosmaita to follow up")
        assert reading.owners == ()
        assert looked_up == {"rosmaita"}
        assert read_owners("rosmaita to follow up", known={"Rosmaita"}).owners == ("rosmaita",)

    def test_subject_named_again_is_not_looked_up(self) -> None:
        """'X and Y will …' names Y in the subject: the later-clause reading needs no lookup."""
        reading, looked_up = read_owners_looked_up("dviroel and carloss will review it")
        assert reading.owners == ("dviroel", "carloss")
        assert looked_up == set()
        assert read_owners("dviroel and carloss will review it", known={"carloss"}) == reading
