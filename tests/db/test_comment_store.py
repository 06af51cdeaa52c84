"""Bug comments in storage: sync marks, idempotent upserts, tracked bugs, reads for linking.

Runs on SQLite and, with SYNCSVC_TEST_DATABASE_URL, on PostgreSQL. Bug 1855391 and
the change numbers come from a PTG summary; every comment, author and date is
sample data.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from syncsvc.domain import (
    Bug,
    BugComments,
    BugMessage,
    BugTask,
    Link,
    LinkKind,
    LinkSource,
    LinkStatus,
    Plan,
    SaveCounts,
)
from syncsvc.models.link_store import apply_plan
from syncsvc.models.relink_store import SqlLinkStore
from syncsvc.models.repo import list_actions
from syncsvc.models.sync_store import SqlSyncStore, get_bug
from syncsvc.models.sync_tables import BugMessageRow, BugRow
from syncsvc.testing.storage import save_event

NOW = datetime(2021, 3, 1, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=1)
LAST = datetime(2021, 2, 17, 8, 12, 45, tzinfo=UTC)
BUG = Bug(1855391, "Share extension bypasses the scheduler",
          tasks=(BugTask(1855391, "manila", "Fix Released", "Medium"),))  # fmt: skip
PROPOSED = BugMessage(
    1855391, "hudson-openstack", datetime(2020, 1, 8, 7, 45, 31, tzinfo=UTC),
    "Fix proposed to manila (master)",
    "Fix proposed to branch: master\nReview: https://review.opendev.org/702153", number=1,
)  # fmt: skip
MERGED = BugMessage(
    1855391, "hudson-openstack", LAST, "Fix merged to manila (master)",
    "Reviewed:  https://review.opendev.org/702153\nBranch:    master", number=6,
)  # fmt: skip
# Remote text is stored exactly as written: markup and terminal escapes included.
HOSTILE = BugMessage(
    1855391, "sample-reporter", LAST, "Fix proposed to [bold]x[/bold] <b>(master)</b>",
    "\x1b[31mReview: https://review.opendev.org/702153\x1b[0m", number=7,
)  # fmt: skip
COLUMNS = ("bug_id", "number", "author", "date_created", "subject", "content", "fetched_at")


@pytest.fixture
def store(session: Session) -> SqlSyncStore:
    """A sync store on the test session, with bug 1855391 saved."""
    store = SqlSyncStore(session)
    store.save_bugs([BUG], observed_at=NOW)
    return store


def message_rows(session: Session) -> list[tuple[object, ...]]:
    """Every bug_messages row as a tuple of COLUMNS, by bug and number."""
    rows = session.scalars(
        select(BugMessageRow).order_by(BugMessageRow.bug_id, BugMessageRow.number)
    )
    return [tuple(getattr(row, name) for name in COLUMNS) for row in rows]


def mark(session: Session, bug_id: int) -> tuple[object, object]:
    """The bug's (date_last_message, comments_synced_at)."""
    row = session.get(BugRow, bug_id)
    assert row is not None
    return row.date_last_message, row.comments_synced_at


class TestSaveBugComments:
    """save_bug_comments: upserts on (bug, number), marks, and what it refuses."""

    def test_fetched_comments_are_stored_with_the_bug_mark(self, store, session) -> None:
        """A read check stores each comment as written and the bug's date_last_message."""
        check = BugComments(1855391, LAST, (PROPOSED, MERGED, HOSTILE), fetched=True)
        assert store.save_bug_comments([check], observed_at=NOW) == SaveCounts(inserted=3)
        store.commit()
        assert message_rows(session) == [
            (
                1855391,
                1,
                "hudson-openstack",
                PROPOSED.date,
                PROPOSED.subject,
                PROPOSED.content,
                NOW,
            ),
            (1855391, 6, "hudson-openstack", LAST, MERGED.subject, MERGED.content, NOW),
            (1855391, 7, "sample-reporter", LAST, HOSTILE.subject, HOSTILE.content, NOW),
        ]
        assert mark(session, 1855391) == (LAST, NOW)
        assert store.comment_dates([1855391, 42]) == {1855391: LAST}
        assert SqlLinkStore(session).messages() == [PROPOSED, MERGED, HOSTILE]
        assert get_bug(session, 1855391) == replace(BUG, date_last_message=LAST)

    def test_saving_the_same_check_again_writes_nothing(
        self, store, session, sql_statements
    ) -> None:
        """Re-fetched identical comments count as unchanged and send no INSERT or UPDATE."""
        check = BugComments(1855391, LAST, (PROPOSED, MERGED), fetched=True)
        store.save_bug_comments([check], observed_at=NOW)
        store.commit()
        with sql_statements(words=1, only={"INSERT", "UPDATE", "DELETE"}) as sent:
            counts = store.save_bug_comments([check], observed_at=LATER)
            session.flush()
        assert (counts, sent) == (SaveCounts(unchanged=2), [])
        assert [row[-1] for row in message_rows(session)] == [NOW, NOW]

    def test_edited_and_removed_comments(self, store, session) -> None:
        """A later read updates an edited comment and removes one that is gone (both changed)."""
        store.save_bug_comments(
            [BugComments(1855391, LAST, (PROPOSED, MERGED), fetched=True)], observed_at=NOW
        )
        edited = replace(PROPOSED, content=PROPOSED.content + "\n(edited)")
        newer = LAST + timedelta(days=1)
        check = BugComments(1855391, newer, (edited,), fetched=True)
        assert store.save_bug_comments([check], observed_at=LATER) == SaveCounts(changed=2)
        assert message_rows(session) == [
            (1855391, 1, "hudson-openstack", PROPOSED.date, PROPOSED.subject, edited.content, LATER)
        ]
        assert mark(session, 1855391) == (newer, LATER)

    def test_unread_check_only_marks_a_never_synced_bug(self, store, session) -> None:
        """A check that read nothing marks a new bug synced, and never moves an existing mark."""
        assert store.unsynced_comment_bugs([1855391]) == {1855391}
        store.save_bug_comments([BugComments(1855391, LAST)], observed_at=NOW)
        assert mark(session, 1855391) == (LAST, NOW)
        assert store.unsynced_comment_bugs([1855391]) == set()
        store.save_bug_comments([BugComments(1855391, LAST - timedelta(1))], observed_at=LATER)
        assert mark(session, 1855391) == (LAST, NOW)
        assert message_rows(session) == []

    def test_invisible_skipped_and_unknown_bug_gets_a_placeholder(self, store, session) -> None:
        """A private bug's check writes nothing; a bug not stored yet gets a placeholder row."""
        other = replace(PROPOSED, bug_id=1900001)
        found = [
            BugComments(1855391, visible=False),
            BugComments(1900001, LAST, (other,), fetched=True),
        ]
        assert store.save_bug_comments(found, observed_at=NOW) == SaveCounts(inserted=1)
        assert mark(session, 1855391) == (None, None)
        assert get_bug(session, 1900001) == Bug(1900001, date_last_message=LAST)
        assert [row[:2] for row in message_rows(session)] == [(1900001, 1)]

    def test_comment_without_a_place_is_refused_before_any_write(self, store, session) -> None:
        """A comment with no number, or of another bug, raises ValueError and stores nothing."""
        for bad in (replace(PROPOSED, number=None), replace(PROPOSED, bug_id=1900001)):
            check = BugComments(1855391, LAST, (MERGED, bad), fetched=True)
            with pytest.raises(ValueError, match="cannot be stored there"):
                store.save_bug_comments([check], observed_at=NOW)
        assert message_rows(session) == []
        assert mark(session, 1855391) == (None, None)


class TestTrackedBugs:
    """Which bugs' comments are kept: referenced ones and confirmed links of current actions."""

    def test_referenced_and_confirmed_links(self, session, sample_event) -> None:
        """Bug refs of actions, plus bugs with a confirmed link; suggested ones are not tracked."""
        save_event(session, sample_event, source_digest="0" * 64, now=NOW)
        first, second = (a.id for a in list_actions(session)[:2])

        def bug_link(action: int, bug: str, status: LinkStatus) -> Link:
            source = LinkSource.TRANSITIVE
            return Link(action, LinkKind.BUG, bug, source, 0.9, status, "via change 755556")

        plan = Plan(
            add=(
                bug_link(first, "1855391", LinkStatus.CONFIRMED),
                bug_link(second, "1900001", LinkStatus.SUGGESTED),
            )
        )
        apply_plan(session, plan, now=NOW)
        assert SqlSyncStore(session).referenced_bugs() == {1901234, 1855391}
