"""PendingNotes: the relink's notes as a compact read-only set of (kind, ref) (issue 14)."""

from __future__ import annotations

import random

from syncsvc.domain import PendingKind, PendingNotes

CHANGE, BUG, ALL, EVENT = PendingKind.CHANGE, PendingKind.BUG, PendingKind.ALL, PendingKind.EVENT


class TestPendingNotes:
    def test_equals_the_frozenset_of_its_notes(self) -> None:
        """Numbers, odd refs (a leading zero, a sign, too long, empty) and kinds all kept."""
        notes = {
            (CHANGE, "12"),
            (CHANGE, "3"),
            (BUG, "12"),
            (ALL, ""),
            (EVENT, "007"),
            (CHANGE, "-4"),
            (BUG, "1" * 30),
            (CHANGE, "١٢"),  # Arabic-Indic digits: isdigit, not a Python-written number
        }
        found = PendingNotes(notes)
        assert found == frozenset(notes)
        assert frozenset(notes) == found
        assert len(found) == len(notes)
        assert sorted(found) == sorted(notes)

    def test_membership(self) -> None:
        """A note is in the set under its own kind and exact ref only."""
        found = PendingNotes([(CHANGE, "5"), (CHANGE, "9"), (EVENT, "007")])
        assert (CHANGE, "5") in found
        assert (CHANGE, "9") in found
        assert (EVENT, "007") in found
        assert (BUG, "5") not in found
        assert (CHANGE, "05") not in found
        assert (CHANGE, "7") not in found
        assert (CHANGE, "10") not in found
        assert (EVENT, "7") not in found
        assert "5" not in found
        assert (CHANGE, 5) not in found

    def test_kinds(self) -> None:
        """The kinds present, from numbers and from other refs alike."""
        assert PendingNotes().kinds == frozenset()
        found = PendingNotes([(CHANGE, "1"), (ALL, ""), (EVENT, "x")])
        assert found.kinds == {CHANGE, ALL, EVENT}

    def test_unordered_input_is_sorted(self) -> None:
        """Notes in any order (duplicates too) give the same set as ordered ones."""
        notes = [(CHANGE, str(n)) for n in range(1, 2000, 7)] + [(BUG, str(n)) for n in range(50)]
        shuffled = notes * 2
        random.Random(3).shuffle(shuffled)
        found = PendingNotes(shuffled)
        assert found == PendingNotes(notes) == frozenset(notes)
        assert all(note in found for note in notes)
        assert (CHANGE, "2") not in found

    def test_set_operations(self) -> None:
        """Subtracting from a plain set keeps what the notes do not hold."""
        found = PendingNotes([(CHANGE, "1"), (BUG, "2")])
        assert {(CHANGE, "1"), (CHANGE, "3")} - found == {(CHANGE, "3")}
        assert found - {(CHANGE, "1")} == {(BUG, "2")}
        assert found & {(BUG, "2"), (BUG, "4")} == {(BUG, "2")}
