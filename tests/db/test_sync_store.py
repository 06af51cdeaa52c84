"""SqlSyncStore: upserts, history, references, cursors, and the reads reports use.

Bug 1855391 (manila, In Progress, assignee haixin) comes from a PTG summary;
every other value (dates, the series task, change 745206's details, accounts,
votes) is sample data.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from syncsvc.domain import (
    Account,
    Bug,
    BugTask,
    Change,
    ChangeStatus,
    Footers,
    Link,
    LinkKind,
    LinkSource,
    LinkStatus,
    Plan,
    Ref,
    RefKind,
    RelinkChange,
    SaveCounts,
    SourceName,
)
from syncsvc.models.link_store import apply_plan
from syncsvc.models.relink_store import SqlLinkStore
from syncsvc.models.repo import list_actions
from syncsvc.models.sync_records import INVISIBLE_BUG_STATE, ArtifactKind, HistoryRow
from syncsvc.models.sync_store import (
    SqlSyncStore,
    artifact_states,
    get_bug,
    get_change,
    history_since,
)
from syncsvc.models.sync_tables import ArtifactHistoryRow, BugRow, BugTaskRow
from syncsvc.testing.storage import save_event

NOW = datetime(2020, 11, 12, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=1)
CREATED = datetime(2019, 12, 5, 9, 30, 11, 123456, tzinfo=UTC)
IN_PROGRESS = datetime(2020, 11, 10, 6, 1, 2, 281730, tzinfo=UTC)
RELEASED = datetime(2020, 11, 12, 18, 4, 5, tzinfo=UTC)
DIGEST = "0" * 64
TASK_KEY, SERIES_KEY = "bug:1855391/manila", "bug:1855391/manila/wallaby"
CHANGE_KEY = "change:745206"
HISTORY_COLUMNS = (
    "artifact_kind",
    "artifact_key",
    "field",
    "old_value",
    "new_value",
    "changed_at",
    "observed_at",
)
CHANGE_ID = "I8f3a6b1c2d4e5f60718293a4b5c6d7e8f9a0b1c2"

MANILA = BugTask(
    bug_id=1855391,
    target="manila",
    status="In Progress",
    importance="Medium",
    assignee="haixin",
    date_created=CREATED,
    date_in_progress=IN_PROGRESS,
    url="https://bugs.launchpad.net/manila/+bug/1855391",
)
SERIES = BugTask(
    bug_id=1855391,
    target="manila/wallaby",
    status="New",
    importance="Undecided",
    date_created=CREATED + timedelta(days=300),
    url="https://bugs.launchpad.net/manila/wallaby/+bug/1855391",
)
BUG = Bug(
    bug_id=1855391,
    title="Share extension bypasses the scheduler",
    tags=("scheduler", "api"),
    tasks=(MANILA, SERIES),
    date_last_updated=IN_PROGRESS,
    url="https://bugs.launchpad.net/bugs/1855391",
)
CHANGE = Change(
    number=745206,
    project="openstack/manila",
    branch="master",
    subject="Route share extension through the scheduler",
    status=ChangeStatus.NEW,
    owner=Account(31337, "haixin", "Hai Xin", "haixin@example.org"),
    created=datetime(2020, 8, 18, 3, 4, 5, tzinfo=UTC),
    updated=datetime(2020, 11, 9, 10, 0, tzinfo=UTC),
    topic="bug/1855391",
    hashtags=("ptg-wallaby",),
    change_id=CHANGE_ID,
    current_patch_set=3,
    votes=(("Code-Review", 1), ("Verified", 1), ("Workflow", 0)),
    footers=Footers(closes_bug=("1855391",), blueprints=("share-scheduler",), change_id=CHANGE_ID),
    url="https://review.opendev.org/c/openstack/manila/+/745206",
)


@pytest.fixture
def store(session: Session) -> SqlSyncStore:
    """A store on the test session."""
    return SqlSyncStore(session)


def history(session) -> list[tuple[object, ...]]:
    """Every history row as (kind, key, field, old, new, changed_at, observed_at), in order."""
    rows = session.scalars(select(ArtifactHistoryRow).order_by(ArtifactHistoryRow.id))
    return [tuple(getattr(row, name) for name in HISTORY_COLUMNS) for row in rows]


def with_task(bug: Bug, index: int, **changes: object) -> Bug:
    """``bug`` with task ``index`` replaced by a copy carrying ``changes``."""
    tasks = list(bug.tasks)
    tasks[index] = replace(tasks[index], **changes)
    return replace(bug, tasks=tuple(tasks))


class TestSaveBugs:
    def test_first_save_inserts_rows_and_created_history(self, store, session):
        """A new bug counts as inserted; each of its tasks gets one 'created' row with its status."""
        assert store.save_bugs([BUG], observed_at=NOW) == SaveCounts(inserted=1, history=2)
        assert history(session) == [
            ("bug_task", TASK_KEY, "created", None, "In Progress", CREATED, NOW),
            ("bug_task", SERIES_KEY, "created", None, "New", SERIES.date_created, NOW),
        ]

    def test_resave_identical_data_writes_nothing(self, store, session, sql_statements):
        """Saving the same bugs again issues only one SELECT per table and no write."""
        other = replace(BUG, bug_id=1900001, tasks=(replace(MANILA, bug_id=1900001),))
        store.save_bugs([BUG, other], observed_at=NOW)
        store.commit()
        with sql_statements(words=2) as sent:
            counts = store.save_bugs([BUG, other], observed_at=LATER)
        assert counts == SaveCounts(unchanged=2)
        assert [s for s in sent if not s.startswith("BEGIN")] == [
            "SELECT bugs.bug_id,",
            "SELECT bug_tasks.id,",
        ]
        assert len(history(session)) == 3

    def test_status_change_records_the_remote_date(self, store, session):
        """A status change is one history row dated by the task's date for the new status."""
        store.save_bugs([BUG], observed_at=NOW)
        fixed = with_task(BUG, 0, status="Fix Released", date_fix_released=RELEASED)
        assert store.save_bugs([fixed], observed_at=LATER) == SaveCounts(changed=1, history=1)
        assert history(session)[2:] == [
            ("bug_task", TASK_KEY, "status", "In Progress", "Fix Released", RELEASED, LATER)
        ]
        row = session.scalars(select(BugTaskRow).where(BugTaskRow.target == "manila")).one()
        assert (row.status, row.first_seen_at, row.updated_at) == ("Fix Released", NOW, LATER)

    def test_assignee_importance_and_milestone_changes(self, store, session):
        """Assignee, importance and milestone changes are dated when observed; unset is None."""
        store.save_bugs([BUG], observed_at=NOW)
        edited = with_task(BUG, 0, assignee=None, importance="High", milestone="wallaby-2")
        store.save_bugs([edited], observed_at=LATER)
        assert history(session)[2:] == [
            ("bug_task", TASK_KEY, "importance", "Medium", "High", LATER, LATER),
            ("bug_task", TASK_KEY, "assignee", "haixin", None, LATER, LATER),
            ("bug_task", TASK_KEY, "milestone", None, "wallaby-2", LATER, LATER),
        ]

    def test_status_without_a_remote_date_uses_observed_at(self, store, session):
        """A move to a status Launchpad keeps no date for (Triaged) is dated when observed."""
        store.save_bugs([BUG], observed_at=NOW)
        store.save_bugs([with_task(BUG, 1, status="Triaged")], observed_at=LATER)
        assert history(session)[2:] == [
            ("bug_task", SERIES_KEY, "status", "New", "Triaged", LATER, LATER)
        ]

    def test_untracked_fields_update_the_row_without_history(self, store, session):
        """A new title counts the bug as changed, updates fetched_at and writes no history."""
        store.save_bugs([BUG], observed_at=NOW)
        renamed = replace(BUG, title="Share extension skips the scheduler")
        assert store.save_bugs([renamed], observed_at=LATER) == SaveCounts(changed=1)
        row = session.get(BugRow, 1855391)
        assert (row.title, row.fetched_at) == ("Share extension skips the scheduler", LATER)

    def test_invisible_bug_is_stored_not_visible(self, store, session):
        """A private or missing bug is stored with visible=False and reads back the same."""
        hidden = Bug(1901234, visible=False)
        assert store.save_bugs([hidden], observed_at=NOW) == SaveCounts(inserted=1)
        assert session.get(BugRow, 1901234).visible is False
        assert get_bug(session, 1901234) == hidden

    def test_bug_turning_invisible_keeps_its_tasks(self, store, session):
        """A bug that goes private is flagged, its stored tasks and their history kept."""
        store.save_bugs([BUG], observed_at=NOW)
        store.save_bugs([Bug(1855391, visible=False)], observed_at=LATER)
        stored = get_bug(session, 1855391)
        assert (stored.visible, stored.title, stored.tasks) == (False, "", (MANILA, SERIES))
        assert len(history(session)) == 2

    def test_last_record_of_a_key_wins(self, store, session):
        """The same bug twice in one batch is saved once, as its last record."""
        newer = with_task(BUG, 0, status="Fix Committed")
        assert store.save_bugs([BUG, newer], observed_at=NOW) == SaveCounts(inserted=1, history=2)
        assert get_bug(session, 1855391) == newer

    def test_task_of_another_bug_is_refused_before_any_write(self, store, session):
        """A bug listing a task of another bug raises ValueError and stores nothing."""
        mixed = replace(BUG, tasks=(MANILA, replace(SERIES, bug_id=1901234)))
        with pytest.raises(ValueError, match="bug 1855391 lists a task of bug 1901234"):
            store.save_bugs([Bug(1900001), mixed], observed_at=NOW)
        assert session.scalars(select(BugRow)).all() == []

    def test_naive_observed_at_is_refused(self, store):
        """observed_at must be timezone-aware."""
        with pytest.raises(ValueError, match="observed_at must be timezone-aware"):
            store.save_bugs([BUG], observed_at=NOW.replace(tzinfo=None))


class TestSaveBugTasks:
    def test_unknown_bug_gets_a_placeholder_row(self, store, session):
        """A task of a bug not stored yet creates an empty, visible bug row and the task."""
        assert store.save_bug_tasks([MANILA], observed_at=NOW) == SaveCounts(inserted=1, history=1)
        assert get_bug(session, 1855391) == Bug(1855391, tasks=(MANILA,))
        assert session.get(BugRow, 1855391).fetched_at == NOW

    def test_tasks_then_bug_fills_in_the_bug(self, store, session):
        """Saving the full bug after its tasks updates the bug row and adds only the new task."""
        store.save_bug_tasks([MANILA], observed_at=NOW)
        assert store.save_bugs([BUG], observed_at=LATER) == SaveCounts(changed=1, history=1)
        assert get_bug(session, 1855391) == BUG
        assert [h[1:3] for h in history(session)] == [
            ("bug:1855391/manila", "created"),
            ("bug:1855391/manila/wallaby", "created"),
        ]

    def test_resave_identical_tasks_writes_nothing(self, store, session, sql_statements):
        """Saving the same tasks again selects bugs and tasks once each and writes nothing."""
        store.save_bug_tasks([MANILA, SERIES], observed_at=NOW)
        store.commit()
        with sql_statements(words=2) as sent:
            counts = store.save_bug_tasks([MANILA, SERIES], observed_at=LATER)
        assert counts == SaveCounts(unchanged=2)
        assert [s.split()[0] for s in sent if not s.startswith("BEGIN")] == ["SELECT", "SELECT"]

    def test_changed_task_records_history(self, store, session):
        """A task whose status moved is counted as changed with one history row."""
        store.save_bug_tasks([MANILA], observed_at=NOW)
        committed = replace(MANILA, status="Fix Committed", date_fix_committed=RELEASED)
        assert store.save_bug_tasks([committed], observed_at=LATER) == SaveCounts(
            changed=1, history=1
        )
        old, new = "In Progress", "Fix Committed"
        assert history(session)[-1] == ("bug_task", TASK_KEY, "status", old, new, RELEASED, LATER)


class TestSaveChanges:
    def test_first_save_writes_a_created_row(self, store, session):
        """A new change counts as inserted with one 'created' row dated by its creation."""
        assert store.save_changes([CHANGE], observed_at=NOW) == SaveCounts(inserted=1, history=1)
        assert history(session) == [
            ("change", CHANGE_KEY, "created", None, "NEW", CHANGE.created, NOW)
        ]

    def test_resave_identical_data_writes_nothing(self, store, session, sql_statements):
        """Saving the same changes again issues one SELECT and no write."""
        second = replace(CHANGE, number=762123, url="https://review.opendev.org/c/x/+/762123")
        store.save_changes([CHANGE, second], observed_at=NOW)
        store.commit()
        with sql_statements(words=2) as sent:
            counts = store.save_changes([CHANGE, second], observed_at=LATER)
        assert counts == SaveCounts(unchanged=2)
        assert [s for s in sent if not s.startswith("BEGIN")] == ["SELECT changes.number,"]

    def test_status_patch_set_and_votes_are_recorded(self, store, session):
        """Merge, new patch set and vote changes each give a row dated by the change's update."""
        store.save_changes([CHANGE], observed_at=NOW)
        merged_at = datetime(2020, 11, 13, 8, 0, tzinfo=UTC)
        merged = replace(
            CHANGE,
            status=ChangeStatus.MERGED,
            current_patch_set=4,
            votes=(("Code-Review", 2), ("Workflow", 1)),
            updated=merged_at,
            submitted=merged_at,
        )
        assert store.save_changes([merged], observed_at=LATER) == SaveCounts(changed=1, history=5)
        assert history(session)[1:] == [
            ("change", CHANGE_KEY, "status", "NEW", "MERGED", merged_at, LATER),
            ("change", CHANGE_KEY, "patch_set", "3", "4", merged_at, LATER),
            ("change", CHANGE_KEY, "vote:Code-Review", "1", "2", merged_at, LATER),
            ("change", CHANGE_KEY, "vote:Workflow", "0", "1", merged_at, LATER),
            ("change", CHANGE_KEY, "vote:Verified", "1", None, merged_at, LATER),
        ]

    def test_untracked_change_fields_write_no_history(self, store, session):
        """A new subject or hashtag updates the row without history."""
        store.save_changes([CHANGE], observed_at=NOW)
        edited = replace(CHANGE, subject="Use the scheduler", hashtags=("ptg-wallaby", "x"))
        assert store.save_changes([edited], observed_at=LATER) == SaveCounts(changed=1)
        assert get_change(session, 745206) == edited
        assert len(history(session)) == 1


class TestReferences:
    def test_referenced_ids_come_from_refs(self, store, session, sample_event):
        """Bug and change refs of the imported actions come back as ints."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        assert store.referenced_bugs() == {1901234}
        assert store.referenced_changes() == {755556}

    def test_soft_removed_actions_are_ignored(self, store, session, sample_event):
        """Refs only a soft-removed action cites are no longer referenced."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        drivers = sample_event.topics[1]
        edited = replace(drivers, actions=drivers.actions[:1])
        topics = (sample_event.topics[0], edited, sample_event.topics[2])
        save_event(session, replace(sample_event, topics=topics), source_digest=DIGEST, now=LATER)
        assert store.referenced_bugs() == set()
        assert store.referenced_changes() == {755556}

    def test_topic_refs_count(self, store, session, sample_event):
        """A change cited by a topic heading is referenced too."""
        ref = Ref(
            RefKind.CHANGE, "762123", "https://review.opendev.org/c/openstack/cinder/+/762123"
        )
        interop = replace(sample_event.topics[2], refs=(ref,))
        event = replace(sample_event, topics=(*sample_event.topics[:2], interop))
        save_event(session, event, source_digest=DIGEST, now=NOW)
        assert store.referenced_changes() == {755556, 762123}

    def test_confirmed_links_count_as_references(self, store, session, sample_event):
        """Confirmed links of current actions are referenced; suggestions and rejections not."""
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        first, *_, last = (a.id for a in list_actions(session))

        def linked(action_id: int, kind: LinkKind, ident: str, status: LinkStatus) -> Link:
            return Link(action_id, kind, ident, LinkSource.MANUAL, 1.0, status, "by hand")

        apply_plan(
            session,
            Plan(
                add=(
                    linked(first, LinkKind.CHANGE, "763712", LinkStatus.CONFIRMED),
                    linked(first, LinkKind.CHANGE, "760021", LinkStatus.SUGGESTED),
                    linked(first, LinkKind.BUG, "1906000", LinkStatus.REJECTED),
                    linked(last, LinkKind.BUG, "1855391", LinkStatus.CONFIRMED),
                    linked(last, LinkKind.BLUEPRINT, "manila/affinity", LinkStatus.CONFIRMED),
                )
            ),
            now=NOW,
        )
        assert store.referenced_changes() == {755556, 763712}
        assert store.referenced_bugs() == {1901234, 1855391}

    def test_earliest_event_day(self, store, session, sample_event):
        """The earliest day of any event, at 00:00 UTC; None when nothing is stored."""
        assert store.earliest_event_day() is None
        save_event(session, sample_event, source_digest=DIGEST, now=NOW)
        assert store.earliest_event_day() == datetime(2020, 10, 26, tzinfo=UTC)


class TestCursor:
    def test_unknown_cursor_is_none(self, store):
        """No cursor is stored for a fresh (source, scope)."""
        assert store.cursor(SourceName.GERRIT, "openstack/manila") is None

    def test_set_commit_and_read_from_another_session(self, store, engine):
        """A committed cursor is visible to a new session; updating it keeps one row."""
        store.set_cursor(SourceName.GERRIT, "openstack/manila", NOW, ran_at=NOW)
        store.commit()
        store.set_cursor(SourceName.GERRIT, "openstack/manila", LATER, ran_at=LATER)
        store.commit()
        with Session(engine) as other:
            fresh = SqlSyncStore(other)
            assert fresh.cursor(SourceName.GERRIT, "openstack/manila") == LATER
            assert fresh.cursor(SourceName.LAUNCHPAD, "openstack/manila") is None

    def test_rollback_discards_an_uncommitted_cursor(self, store):
        """rollback() drops a cursor set since the last commit and keeps the committed one."""
        store.set_cursor(SourceName.LAUNCHPAD, "manila", NOW, ran_at=NOW)
        store.commit()
        store.set_cursor(SourceName.LAUNCHPAD, "manila", LATER, ran_at=LATER)
        store.set_cursor(SourceName.GERRIT, "openstack/manila", LATER, ran_at=LATER)
        store.rollback()
        assert store.cursor(SourceName.LAUNCHPAD, "manila") == NOW
        assert store.cursor(SourceName.GERRIT, "openstack/manila") is None


def _as_relink_reads(change: Change) -> RelinkChange:
    """``change`` as the relink reads every change (see ``LinkStore.changes``)."""
    footers = replace(change.footers, change_id=None)
    return RelinkChange(
        number=change.number,
        project=change.project,
        subject=change.subject,
        owner=change.owner,
        day=change.updated.date(),
        topic=change.topic,
        hashtags=change.hashtags,
        footers=footers,
        body=change.body,
    )


def _as_linked_reads(change: Change) -> Change:
    """``change`` without what the states' read leaves out (see ``LinkStore.linked_changes``)."""
    footers = replace(change.footers, change_id=None)
    return replace(
        change,
        created=change.updated,
        change_id=None,
        current_patch_set=None,
        votes=(),
        footers=footers,
        url="",
    )


class TestReads:
    def test_get_bug_and_get_change_round_trip(self, store, session):
        """The stored bug and change read back equal to the saved domain records."""
        store.save_bugs([BUG], observed_at=NOW)
        store.save_changes([CHANGE], observed_at=NOW)
        store.commit()
        assert get_bug(session, 1855391) == BUG
        assert get_change(session, 745206) == CHANGE

    def test_a_change_body_round_trips_and_a_new_body_is_a_change(self, store, session):
        """The body is stored and read back; a re-fetch with another body updates the row."""
        with_body = replace(CHANGE, body="Removes the options deprecated in Ussuri.")
        store.save_changes([with_body], observed_at=NOW)
        store.commit()
        assert get_change(session, 745206) == with_body
        longer = replace(with_body, body=f"{with_body.body} And their auth plugins.")
        assert store.save_changes([longer], observed_at=LATER) == SaveCounts(changed=1)
        store.commit()
        assert get_change(session, 745206).body == longer.body

    def test_relink_reads_every_change_sharing_repeated_values(self, store, session):
        """The relink's read of every change holds what the reconciler reads, values shared."""
        other = replace(CHANGE, number=745207, change_id=None, footers=Footers(), body="Why.")
        third = replace(other, number=745208, topic=None)
        store.save_changes([CHANGE, other, third], observed_at=NOW)
        store.commit()
        read = SqlLinkStore(session).changes()
        assert list(read) == [_as_relink_reads(c) for c in (CHANGE, other, third)]
        assert read[0].owner is read[1].owner is read[2].owner
        assert read[0].project is read[1].project
        assert read[1].footers is read[2].footers
        assert read[0].day is read[1].day is read[2].day

    def test_the_states_read_linked_changes_whole(self, store, session):
        """The states' read of some changes gives every field but those left out."""
        merged = replace(
            CHANGE, number=745207, status=ChangeStatus.MERGED, branch="stable/wallaby",
            submitted=LATER,
        )  # fmt: skip
        store.save_changes([CHANGE, merged], observed_at=NOW)
        store.commit()
        read = SqlLinkStore(session).linked_changes([745207, 745206, 1])
        assert list(read) == [_as_linked_reads(c) for c in (CHANGE, merged)]
        assert read[1].submitted == LATER
        assert read[1].branch == "stable/wallaby"

    def test_relink_reads_some_changes_as_it_reads_every_one(self, store, session):
        """Reading changes by number gives the same records as the read of every change."""
        other = replace(CHANGE, number=745207, topic="bug/1855391")
        store.save_changes([CHANGE, other], observed_at=NOW)
        store.commit()
        link_store = SqlLinkStore(session)
        assert list(link_store.changes([745207, 1])) == [link_store.changes()[1]]
        assert link_store.changes([745207])[0] == _as_relink_reads(other)

    def test_relink_reads_bugs_as_their_rows_give_them(self, store, session):
        """The relink's read of bugs (every one, or some) equals the ORM rows' records."""
        other = replace(BUG, bug_id=1900001, tags=("api", "scheduler"), tasks=())
        store.save_bugs([BUG, other, Bug(1901234, visible=False)], observed_at=NOW)
        store.save_bug_tasks(list(BUG.tasks), observed_at=NOW)
        store.commit()
        link_store = SqlLinkStore(session)
        expected = [get_bug(session, n) for n in (1855391, 1900001, 1901234)]
        assert list(link_store.bugs()) == expected
        assert [len(b.tasks) for b in expected] == [2, 0, 0]
        assert list(link_store.bugs([1901234, 1855391, 7])) == [expected[0], expected[2]]

    def test_unknown_ids_read_as_none(self, session):
        """get_bug/get_change return None for what is not stored."""
        assert (get_bug(session, 1), get_change(session, 1)) == (None, None)

    def test_known_changes_and_bugs(self, store, session):
        """known_* map stored ids to project/status and to targets/completeness."""
        store.save_changes([CHANGE], observed_at=NOW)
        store.save_bugs([BUG, Bug(1901234, visible=False)], observed_at=NOW)
        done = replace(MANILA, bug_id=1900001, is_complete=True, status="Fix Released")
        store.save_bug_tasks([done], observed_at=NOW)
        assert store.known_changes([745206, 1]) == {745206: ("openstack/manila", "NEW")}
        assert store.known_bugs([1855391, 1901234, 1900001, 2]) == {
            1855391: (frozenset({"manila", "manila/wallaby"}), False),
            1901234: (frozenset(), False),
            1900001: (frozenset({"manila"}), True),
        }

    def test_artifact_states(self, store, session):
        """States of changes, bugs (main task), tasks and invisible bugs; unknown keys are left out."""
        store.save_changes([CHANGE], observed_at=NOW)
        store.save_bugs([BUG, Bug(1901234, visible=False)], observed_at=NOW)
        keys = ["change:745206", "bug:1855391", "bug:1855391/manila/wallaby", "bug:1901234"]
        assert artifact_states(session, [*keys, "change:1", "bug:2"]) == {
            "change:745206": "NEW",
            "bug:1855391": "In Progress",
            "bug:1855391/manila/wallaby": "New",
            "bug:1901234": INVISIBLE_BUG_STATE,
        }

    def test_artifact_states_rejects_a_malformed_key(self, session):
        """A key that is not bug:N, bug:N/target or change:N raises ValueError."""
        with pytest.raises(ValueError, match="not an artifact key: 'change:1/x'"):
            artifact_states(session, ["change:1/x"])

    def test_history_since(self, store, session):
        """history_since returns rows observed at or after the time, oldest first."""
        store.save_changes([CHANGE], observed_at=NOW)
        merged = replace(CHANGE, status=ChangeStatus.MERGED, updated=LATER)
        store.save_changes([merged], observed_at=LATER)
        [row] = history_since(session, NOW + timedelta(hours=1))
        assert row == HistoryRow(
            id=row.id,
            kind=ArtifactKind.CHANGE,
            key="change:745206",
            field="status",
            old_value="NEW",
            new_value="MERGED",
            changed_at=LATER,
            observed_at=LATER,
        )
        assert [h.field for h in history_since(session, NOW)] == ["created", "status"]
