"""Changes held as columns: every record reads back equal, and diff plans the same."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from test_groups import CHANGES, EFFORT, JSON_POLICY, PROPOSE
from test_reconcile import change, run

from syncsvc.domain import Account, Change, Footers
from syncsvc.models.change_columns import ChangeColumns

MERGED = replace(
    change(900100, "Merge the share server migration", status="MERGED", topic="bug/1900001"),
    submitted=datetime(2021, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
    hashtags=("rbac",),
    body="Why it moved.",
    footers=Footers(closes_bug=("1900001",), blueprints=("share-migration",)),
)
OLD = change(1, "Older than the epoch", updated=datetime(1969, 7, 20, 20, 17, 40, 1, tzinfo=UTC))


def columns(changes: list[Change]) -> ChangeColumns:
    """``changes`` appended, sealed."""
    found = ChangeColumns()
    for one in changes:
        found.append(one)
    found.seal()
    return found


class TestChangeColumns:
    def test_records_read_back_equal_in_order(self) -> None:
        """Each change reads back equal, by index, by iteration and by slice."""
        changes = [MERGED, OLD, *CHANGES[:3]]
        held = columns(changes)
        assert len(held) == 5
        assert list(held) == changes
        assert [held[i] for i in range(5)] == changes
        assert (held[-1], held[1:3]) == (changes[-1], changes[1:3])
        assert held == changes
        assert changes == held
        assert held != changes[:4]

    def test_created_reads_as_updated_and_url_is_left_out(self) -> None:
        """What the relink never reads is not kept: ``created`` is ``updated``, no URL."""
        made = replace(OLD, created=datetime(1960, 1, 1, tzinfo=UTC), url="https://x/1")
        [back] = columns([made])
        assert back == replace(made, created=made.updated, url="")
        assert back.created is back.updated

    def test_repeated_values_are_one_object(self) -> None:
        """Owner, project and footers equal across changes are the same object when read."""
        owner = Account(7, "gouthamr", "Goutham Pacha Ravi")
        twins = [
            replace(MERGED, number=n, owner=Account(7, "gouthamr", owner.name)) for n in (5, 6)
        ]
        first, second = columns(twins)
        assert first.owner is second.owner
        assert first.project is second.project
        assert first.footers is second.footers

    def test_outside_the_range_raises_index_error(self) -> None:
        """An index past either end raises IndexError, as a list's does."""
        held = columns([OLD])
        with pytest.raises(IndexError):
            held[1]
        with pytest.raises(IndexError):
            held[-2]

    def test_diff_plans_the_same_over_columns(self) -> None:
        """diff over the columns gives the plan it gives over the records."""
        actions = [PROPOSE, EFFORT, JSON_POLICY]
        changes = [*CHANGES, MERGED]
        assert run(actions, columns(changes)) == run(actions, changes)
        assert run(actions, columns(changes)).add
