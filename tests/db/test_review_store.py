"""Review messages in storage: which linked changes are due, idempotent saves, reads.

Runs on SQLite and, with SYNCSVC_TEST_DATABASE_URL, on PostgreSQL. Change numbers,
accounts and dates are sample data.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from syncsvc.domain import (
    Account,
    Change,
    ChangeStatus,
    Link,
    LinkKind,
    LinkSource,
    LinkStatus,
    Plan,
    SaveCounts,
)
from syncsvc.domain.reviews import ChangeReviews, ReviewEvent, ReviewKind
from syncsvc.models import review_store
from syncsvc.models.link_store import apply_plan
from syncsvc.models.repo import list_actions
from syncsvc.models.review_tables import ReviewEventRow, ReviewReadRow
from syncsvc.models.sync_store import SqlSyncStore
from syncsvc.testing.storage import save_event

NOW = datetime(2021, 3, 1, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=1)
CREATED = datetime(2020, 11, 2, 9, 0, tzinfo=UTC)
OWNER = Account(1000102, "gouthamr", "Goutham Pacha Ravi", "gouthamr@example.org")
REVIEWER = Account(1000103, "dviroel", "Douglas Viroel")


def change(number: int, status: ChangeStatus, updated: datetime) -> Change:
    """A sample change owned by OWNER."""
    return Change(number, "openstack/manila", "master", f"Sample {number}", status, OWNER,
                  CREATED, updated)  # fmt: skip


def vote(number: int, message_id: str, at: datetime, value: int = 1) -> ReviewEvent:
    """REVIEWER's Code-Review vote on ``number``."""
    return ReviewEvent(number, message_id, at, REVIEWER, ReviewKind.VOTE, "Code-Review", value)


@pytest.fixture
def store(session: Session, sample_event) -> SqlSyncStore:
    """Changes 760001 (open), 760002 (merged), 760003 (open, only suggested) and 760004
    (stored, not linked); the first three linked to the sample event's first action."""
    save_event(session, sample_event, source_digest="0" * 64, now=NOW)
    first = list_actions(session)[0].id

    def link(number: int, status: LinkStatus) -> Link:
        return Link(first, LinkKind.CHANGE, str(number), LinkSource.EXPLICIT, 1.0, status)

    plan = Plan(add=(link(760001, LinkStatus.CONFIRMED), link(760002, LinkStatus.CONFIRMED),
                     link(760003, LinkStatus.SUGGESTED)))  # fmt: skip
    apply_plan(session, plan, now=NOW)
    store = SqlSyncStore(session)
    store.save_changes(
        [change(760001, ChangeStatus.NEW, NOW), change(760002, ChangeStatus.MERGED, NOW),
         change(760003, ChangeStatus.NEW, NOW), change(760004, ChangeStatus.NEW, NOW)],
        observed_at=NOW,
    )  # fmt: skip
    return store


class TestReviewsDue:
    """A confirmed-linked change is read once, again only after it moved while open."""

    def test_never_read_confirmed_links_are_due(self, store) -> None:
        """Only confirmed links of stored changes: not the suggested or unlinked ones."""
        assert store.reviews_due() == {760001: (NOW, "NEW"), 760002: (NOW, "MERGED")}

    def test_read_changes_are_due_again_only_when_they_moved_open(self, store) -> None:
        """After a read nothing is due; an open change updated later is; a change read
        merged is never due again, even when its stored update moves."""
        store.save_reviews(
            [ChangeReviews(760001, NOW, ChangeStatus.NEW),
             ChangeReviews(760002, NOW, ChangeStatus.MERGED)], observed_at=NOW,
        )  # fmt: skip
        assert store.reviews_due() == {}
        store.save_changes(
            [change(760001, ChangeStatus.NEW, LATER), change(760002, ChangeStatus.MERGED, LATER)],
            observed_at=LATER,
        )
        assert store.reviews_due() == {760001: (LATER, "NEW")}


class TestSaveReviews:
    """Events are upserted on (change, message id) and the read mark follows the reply."""

    def test_save_twice_inserts_once_and_marks_the_read(self, session, store) -> None:
        """The second save of the same events changes nothing but the read time."""
        found = ChangeReviews(760001, NOW, ChangeStatus.NEW, (vote(760001, "m1", NOW),))
        assert store.save_reviews([found], observed_at=NOW) == SaveCounts(inserted=1)
        again = replace(found, events=(*found.events, vote(760001, "m2", LATER, -1)))
        assert store.save_reviews([again], observed_at=LATER) == SaveCounts(inserted=1, unchanged=1)
        rows = session.scalars(select(ReviewEventRow).order_by(ReviewEventRow.message_id))
        assert [
            (r.change_number, r.message_id, r.at, r.account_id, r.username, r.name, r.kind,
             r.label, r.value, r.tag, r.fetched_at)
            for r in rows
        ] == [
            (760001, "m1", NOW, 1000103, "dviroel", "Douglas Viroel", "vote", "Code-Review", 1,
             None, NOW),
            (760001, "m2", LATER, 1000103, "dviroel", "Douglas Viroel", "vote", "Code-Review", -1,
             None, LATER),
        ]  # fmt: skip
        read = session.get(ReviewReadRow, 760001)
        assert read is not None
        assert (read.change_updated, read.change_status, read.read_at) == (NOW, "NEW", LATER)

    def test_reads_give_records_back(self, session, store) -> None:
        """review_events returns the domain records by change and time; reviews_read the
        read times of the changes read."""
        events = (vote(760001, "m2", LATER), vote(760001, "m1", NOW))
        store.save_reviews([ChangeReviews(760001, NOW, ChangeStatus.NEW, events)], observed_at=NOW)
        assert review_store.review_events(session, [760001, 760002]) == [
            vote(760001, "m1", NOW),
            vote(760001, "m2", LATER),
        ]
        assert review_store.reviews_read(session, [760001, 760002]) == {760001: NOW}
