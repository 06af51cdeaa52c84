"""Spilled: a poll put aside in a temporary file reads back as sorted() would order it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from syncsvc.domain import Account, Change, ChangeStatus, Footers
from syncsvc.sync.spill import Spilled

T0 = datetime(2021, 6, 1, 9, 0, tzinfo=UTC)


def change(number: int, minutes: float) -> Change:
    """A SAMPLE change updated ``minutes`` after T0."""
    return Change(
        number=number,
        project="openstack/manila",
        branch="master",
        subject=f"Sample change {number}",
        status=ChangeStatus.NEW,
        owner=Account(account_id=7, username="sample", name="Sample Owner"),
        created=T0,
        updated=T0 + timedelta(minutes=minutes),
        footers=Footers(closes_bug=("1855391",), change_id=f"I{number:040x}"),
    )


class TestSpilled:
    def test_reads_back_in_time_order_ties_as_they_came(self) -> None:
        """Items come back equal, oldest first, equal times in arrival order, twice over."""
        items = [change(5, 3), change(4, 1), change(3, 3), change(2, 0.001), change(1, 1)]
        with Spilled(items, lambda c: c.updated) as spilled:
            assert len(spilled) == 5
            assert list(spilled) == sorted(items, key=lambda c: c.updated)
            assert [c.number for c in spilled] == [2, 4, 1, 5, 3]

    def test_nothing_spilled_reads_back_nothing(self) -> None:
        """An empty poll has no items and iterates to an empty list."""
        with Spilled(iter(()), lambda c: c.updated) as spilled:
            assert (len(spilled), list(spilled)) == (0, [])

    def test_a_failing_source_propagates(self) -> None:
        """An error while the items come is raised to the caller as it was."""

        def failing() -> Iterator[Change]:
            yield change(1, 0)
            raise RuntimeError("page 2 failed")

        with pytest.raises(RuntimeError, match="page 2 failed"):
            Spilled(failing(), lambda c: c.updated)
