"""The open-bug sync (``[squash] open_bugs``): the real adapter on the fake Launchpad,
saved by the real store, on every configured backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from syncsvc.models.sync_store import SqlSyncStore
from syncsvc.models.sync_tables import BugRow, BugTaskRow
from syncsvc.sync.engine import SyncSettings, run_sync
from syncsvc.testing.fake_launchpad import FakeLaunchpad
from syncsvc.testing.fake_launchpad_data import FakeAttachment, FakeMessage, FakeTask

T0 = datetime(2021, 6, 1, tzinfo=UTC)
NOW = datetime(2021, 6, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def fake_lp():
    """Five manila bugs: open with tags and comments, a duplicate, fixed, private, series."""
    with FakeLaunchpad() as lp:
        lp.add_bug(
            2000001,
            "Share stuck in creating",
            ["low-hanging-fruit", "api"],
            tasks=[FakeTask("manila", "Incomplete", "Undecided", dates={"date_incomplete": T0})],
            messages=[FakeMessage("more logs", owner="reporter-a", date_created=T0 + timedelta(1))],
            date_created=T0 - timedelta(days=300),
            date_last_updated=T0 + timedelta(days=1),
        )
        lp.add_bug(
            2000002,
            "Same as 2000001",
            tasks=[FakeTask("manila", "Confirmed", "Low")],
            duplicate_of=2000001,
            date_last_updated=T0,
        )
        lp.add_bug(2000003, "Fixed long ago", tasks=[FakeTask("manila", "Fix Released", "High")])
        lp.add_bug(2000004, "Embargoed", tasks=[FakeTask("manila", "New")], private=True)
        lp.add_bug(2000005, "Client bug", tasks=[FakeTask("python-manilaclient", "New")])
        yield lp


SETTINGS = SyncSettings(launchpad_projects=("manila",), open_bugs=True)


def _sync(engine, adapter, settings=SETTINGS, *, now=NOW):
    with Session(engine) as session:
        return run_sync(
            SqlSyncStore(session), bugs=adapter, changes=None, settings=settings, now=lambda: now
        )


class TestOpenBugSync:
    def test_first_sync_stores_open_bugs_with_their_bug_fields(self, engine, adapter, fake_lp):
        """Open tasks come with tags, dates, message count and duplicate-ness; closed ones not."""
        fake_lp.clear_requests()
        report = _sync(engine, adapter)
        scope = next(s for s in report.scopes if s.scope == "open-bugs:manila")
        assert (scope.fetched, scope.error) == (2, None)
        with Session(engine) as session:
            bugs = {
                r.bug_id: (r.title, r.tags, r.message_count, r.duplicate_of, r.date_created)
                for r in session.scalars(select(BugRow))
            }
            tasks = {
                (t.bug_id, t.target): (t.status, t.importance, t.date_incomplete)
                for t in session.scalars(select(BugTaskRow))
            }
        assert bugs[2000001] == (
            "Share stuck in creating",
            ["low-hanging-fruit", "api"],
            2,
            None,
            T0 - timedelta(days=300),
        )
        assert bugs[2000002][2:4] == (1, 2000001)
        assert 2000005 not in bugs
        assert 2000004 not in bugs
        assert tasks[(2000001, "manila")] == ("Incomplete", "Undecided", T0)
        assert tasks[(2000002, "manila")][:2] == ("Confirmed", "Low")

    def test_a_resync_with_no_change_costs_one_request_per_scope(self, engine, adapter, fake_lp):
        """After the first sync, a run where nothing changed asks one search per scope."""
        _sync(engine, adapter)
        fake_lp.clear_requests()
        report = _sync(engine, adapter, now=NOW + timedelta(hours=1))
        assert [(s.scope, s.fetched) for s in report.scopes] == [
            ("project:manila", 0),
            ("referenced", 0),
            ("open-bugs:manila", 0),
        ]
        assert [r.query.get("ws.op") for r in fake_lp.requests] == [["searchTasks"]] * 2

    def test_a_patch_attached_is_stored_at_no_extra_request(self, engine, adapter, fake_lp):
        """latest_patch_uploaded comes with the bug entry the sync reads anyway: the first
        sync stores it for the bug with a patch (not for a plain attachment), and a patch
        attached later arrives with the bug's modified_since read; the request count per
        sync is one search plus one entry per bug returned, as without patches."""
        when = T0 + timedelta(days=2)
        fake_lp.bugs[2000001].attachments = [FakeAttachment("trace.txt", is_patch=False)]
        fake_lp.bugs[2000002].attachments = [FakeAttachment("fix.patch", date_created=when)]
        fake_lp.clear_requests()
        _sync(engine, adapter)
        first = [r.path.split("/devel/", 1)[1] for r in fake_lp.requests]
        # the searches, then the entries, which a pool of threads reads in any order
        assert first[:2] == ["manila", "manila"]
        assert sorted(first[2:]) == ["bugs/2000001", "bugs/2000002"]
        later = NOW + timedelta(minutes=30)
        bug = fake_lp.bugs[2000001]
        bug.attachments.append(FakeAttachment("fix-2.patch", date_created=later))
        bug.date_last_updated = later
        fake_lp.clear_requests()
        _sync(engine, adapter, now=NOW + timedelta(hours=1))
        second = [r.path.split("/devel/", 1)[1] for r in fake_lp.requests]
        assert second == ["manila", "manila", "bugs/2000001"]
        with Session(engine) as session:
            rows = session.execute(select(BugRow.bug_id, BugRow.latest_patch_uploaded)).all()
        stored = {row.bug_id: row.latest_patch_uploaded for row in rows}
        assert stored == {2000001: later, 2000002: when}

    def test_a_bug_closed_later_is_seen_closing(self, engine, adapter, fake_lp):
        """A later run searches every status, so a bug fixed meanwhile is stored fixed."""
        _sync(engine, adapter)
        bug = fake_lp.bugs[2000001]
        bug.tasks[0].status = "Fix Released"
        bug.date_last_updated = NOW + timedelta(minutes=30)
        _sync(engine, adapter, now=NOW + timedelta(hours=1))
        with Session(engine) as session:
            row = session.scalars(select(BugTaskRow).where(BugTaskRow.bug_id == 2000001)).one()
        assert row.status == "Fix Released"

    def test_off_by_default(self, engine, adapter, fake_lp):
        """Without ``open_bugs`` no open-bugs scope runs and no bug entry is read."""
        report = _sync(engine, adapter, SyncSettings(launchpad_projects=("manila",)))
        assert [s.scope for s in report.scopes] == ["project:manila", "referenced"]
        assert fake_lp.count("bugs/") == 0


class TestIncompleteForms:
    def test_with_response_means_a_message_after_it_went_incomplete(self, adapter, fake_lp):
        """Launchpad's "Incomplete (with response)" finds 2000001 (answered after T0) only."""
        fake_lp.add_bug(
            2000006,
            "Waiting for logs",
            tasks=[FakeTask("manila", "Incomplete", dates={"date_incomplete": T0})],
            date_last_updated=T0,
        )
        with_response = adapter.search_tasks(
            "manila", modified_since=None, statuses=["Incomplete (with response)"]
        )
        without = adapter.search_tasks(
            "manila", modified_since=None, statuses=["Incomplete (without response)"]
        )
        assert [t.bug_id for t in with_response] == [2000001]
        assert [t.bug_id for t in without] == [2000006]
