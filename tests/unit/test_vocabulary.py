"""The domain vocabulary: Launchpad bug task statuses and artifact keys."""

from __future__ import annotations

import pytest

from syncsvc.domain import (
    CLOSED_CHANGE_STATUSES,
    CLOSED_STATUSES,
    FIXED_STATUSES,
    OPEN_STATUSES,
    SEARCH_STATUSES,
    TASK_STATUSES,
    UNFIXED_CLOSED_STATUSES,
    UNRESOLVED_STATUSES,
    ArtifactKey,
    BugTaskStatus,
    ChangeStatus,
)


class TestBugTaskStatus:
    def test_members_spell_launchpads_strings(self):
        """Each member is the exact Launchpad string and compares equal to it."""
        assert [str(s) for s in TASK_STATUSES] == [
            "New", "Incomplete", "Opinion", "Invalid", "Won't Fix", "Expired", "Confirmed",
            "Triaged", "In Progress", "Fix Committed", "Fix Released", "Does Not Exist", "Unknown",
        ]  # fmt: skip
        assert BugTaskStatus("Won't Fix") is BugTaskStatus.WONT_FIX
        assert BugTaskStatus.FIX_RELEASED == "Fix Released"
        assert "In Progress" in OPEN_STATUSES

    def test_search_statuses_leave_out_unknown_only(self):
        """searchTasks takes every task status but Unknown."""
        assert set(TASK_STATUSES) - set(SEARCH_STATUSES) == {BugTaskStatus.UNKNOWN}

    def test_groups(self):
        """Closed is fixed-and-released plus closed without a fix; unresolved is the rest."""
        assert {"Fix Committed", "Fix Released"} == FIXED_STATUSES
        assert {
            "Invalid", "Won't Fix", "Opinion", "Expired", "Does Not Exist"
        } == UNFIXED_CLOSED_STATUSES  # fmt: skip
        assert UNFIXED_CLOSED_STATUSES | {"Fix Released"} == CLOSED_STATUSES
        assert {
            "New", "Incomplete", "Confirmed", "Triaged", "In Progress", "Fix Committed"
        } == UNRESOLVED_STATUSES  # fmt: skip
        assert not UNRESOLVED_STATUSES & CLOSED_STATUSES
        assert {ChangeStatus.MERGED, ChangeStatus.ABANDONED} == CLOSED_CHANGE_STATUSES


class TestArtifactKey:
    @pytest.mark.parametrize(
        ("text", "key", "label"),
        [
            ("change:745206", ArtifactKey("change", 745206), "change 745206"),
            ("bug:1855391", ArtifactKey("bug", 1855391), "bug 1855391"),
            (
                "bug:1855391/manila/wallaby",
                ArtifactKey("bug", 1855391, "manila/wallaby"),
                "bug 1855391/manila/wallaby",
            ),
        ],
    )
    def test_parse_and_format_round_trip(self, text, key, label):
        """parse reads the kind, number and target; str spells it back; label reads it."""
        assert ArtifactKey.parse(text) == key
        assert str(key) == text
        assert key.label == label

    def test_constructors_and_whole(self):
        """change() and bug() build keys; whole drops the task target."""
        assert str(ArtifactKey.change(1)) == "change:1"
        assert str(ArtifactKey.bug(2, "manila")) == "bug:2/manila"
        assert ArtifactKey.bug(2, "manila").whole == ArtifactKey.bug(2)

    @pytest.mark.parametrize(
        "text", ["change:1/manila", "bug:", "bug:x", "blueprint:manila/foo", "change 1", ""]
    )
    def test_anything_else_is_refused(self, text):
        """Malformed keys raise ValueError from parse and give None from parse_or_none."""
        with pytest.raises(ValueError, match="not an artifact key"):
            ArtifactKey.parse(text)
        assert ArtifactKey.parse_or_none(text) is None
