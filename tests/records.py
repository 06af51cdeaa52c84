"""Domain record builders shared by unit and storage tests (pure: no database)."""

from __future__ import annotations

from datetime import UTC, datetime

from syncsvc.domain import Account, Change, ChangeStatus, Footers

MANILA = "openstack/manila"
WINDOW = datetime(2020, 10, 1, tzinfo=UTC)


def change(
    number: int,
    status: ChangeStatus,
    *,
    closes: tuple[str, ...] = (),
    partial: tuple[str, ...] = (),
    topic: str | None = None,
    branch: str = "master",
    at: datetime = datetime(2020, 12, 10, 12, 0, tzinfo=UTC),
    owner: Account = Account(31337, "haixin", "Hai Xin"),
) -> Change:
    """A manila change updated (and for MERGED, submitted) at ``at``."""
    return Change(
        number=number,
        project=MANILA,
        branch=branch,
        subject=f"Change {number}",
        status=status,
        owner=owner,
        created=WINDOW,
        updated=at,
        submitted=at if status is ChangeStatus.MERGED else None,
        topic=topic,
        footers=Footers(closes_bug=closes, partial_bug=partial),
    )
