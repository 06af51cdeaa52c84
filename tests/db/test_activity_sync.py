"""Bug activity logs read for squash windows: the real adapter on the fake Launchpad,
the real engine and store, on every configured backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from syncsvc.adapters.http import HttpPolicy, RetryPolicy
from syncsvc.adapters.launchpad import LaunchpadAdapter, LaunchpadConfig
from syncsvc.domain import COMMENTED, SquashEvent
from syncsvc.models.squash_store import create_event
from syncsvc.models.squash_tables import BugActivityRow
from syncsvc.models.sync_store import SqlSyncStore
from syncsvc.sync.engine import SyncSettings, run_sync
from syncsvc.testing.demo_servers import update_task
from syncsvc.testing.fake_launchpad import FakeLaunchpad
from syncsvc.testing.fake_launchpad_data import FakeTask
from syncsvc.testing.squash_sample import (
    FIRST_SYNC,
    SQUASH_FROM,
    SQUASH_NAME,
    SQUASH_PROJECTS,
    SQUASH_ROUNDS,
    SQUASH_TO,
    apply_moves,
    ids_of,
    squash_servers,
)

START = datetime(2021, 6, 16, 10, 0, tzinfo=UTC)
END = datetime(2021, 6, 18, 12, 0, tzinfo=UTC)
BEFORE = START - timedelta(days=1)
SETTINGS = SyncSettings(launchpad_projects=("manila",), open_bugs=True)


@pytest.fixture
def fake_lp():
    """Three open manila bugs last changed before the window, one python-manilaclient bug."""
    with FakeLaunchpad() as lp:
        for bug_id in (2100001, 2100002, 2100003):
            lp.add_bug(
                bug_id, f"Bug {bug_id}", tasks=[FakeTask("manila")], date_last_updated=BEFORE
            )
        lp.add_bug(2100004, "Client", tasks=[FakeTask("python-manilaclient")])
        yield lp


def _sync(engine, adapter, now):
    with Session(engine) as session:
        return run_sync(
            SqlSyncStore(session), bugs=adapter, changes=None, settings=SETTINGS, now=lambda: now
        )


def _event(engine, *, starts_at=START, ends_at=END):
    with Session(engine) as session:
        event = SquashEvent("thursday", starts_at, ends_at, projects=("manila",))
        create_event(session, event, now=BEFORE)
        session.commit()


def _activity_requests(fake_lp, kind="activity"):
    return sorted(r.path.rsplit("/bugs/", 1)[1] for r in fake_lp.requests if f"/{kind}" in r.path)


def _rows(engine):
    with Session(engine) as session:
        return [
            (r.bug_id, r.position, r.changed_at, r.person, r.what, r.old_value, r.new_value)
            for r in session.scalars(
                select(BugActivityRow).order_by(BugActivityRow.bug_id, BugActivityRow.position)
            )
        ]


class TestActivitySync:
    def test_logs_of_bugs_touched_in_the_window_are_read_once(self, engine, adapter, fake_lp):
        """In the window only the bugs changed since it started have their log read, one
        request each; a re-sync with no change reads none; a bug changed again is read
        again, alone."""
        _event(engine)
        _sync(engine, adapter, BEFORE)  # before the window: no log is read
        assert _activity_requests(fake_lp) == []
        t1, t2 = START + timedelta(hours=2), START + timedelta(hours=3)
        update_task(fake_lp, 2100001, "manila", status="Confirmed", by="ana", when=t1)
        update_task(fake_lp, 2100002, "manila", status="Invalid", by="hudson-openstack", when=t2)
        fake_lp.clear_requests()
        report = _sync(engine, adapter, START + timedelta(hours=4))
        assert _activity_requests(fake_lp) == ["2100001/activity", "2100002/activity"]
        scope = next(s for s in report.scopes if s.scope == "activity")
        assert (scope.fetched, scope.counts.inserted, scope.error) == (2, 2, None)
        assert _rows(engine) == [
            (2100001, 0, t1, "ana", "manila: status", "New", "Confirmed"),
            (2100002, 0, t2, "hudson-openstack", "manila: status", "New", "Invalid"),
        ]
        fake_lp.clear_requests()
        report = _sync(engine, adapter, START + timedelta(hours=5))
        assert _activity_requests(fake_lp) == []
        assert "activity" not in [s.scope for s in report.scopes]
        assert len(fake_lp.requests) == 2  # the two searches, as without squash events
        t3 = START + timedelta(hours=6)
        update_task(fake_lp, 2100001, "manila", status="Triaged", assignee="bob", by="ana", when=t3)
        fake_lp.clear_requests()
        _sync(engine, adapter, START + timedelta(hours=7))
        assert _activity_requests(fake_lp) == ["2100001/activity"]
        assert _rows(engine)[1:3] == [
            (2100001, 1, t3, "ana", "manila: status", "Confirmed", "Triaged"),
            (2100001, 2, t3, "ana", "manila: assignee", None, "Bob (bob)"),
        ]

    def test_no_event_or_an_old_one_reads_no_log(self, engine, adapter, fake_lp):
        """Without a squash window near the clock nothing is read, however bugs change."""
        _event(engine, starts_at=START - timedelta(days=30), ends_at=END - timedelta(days=30))
        update_task(fake_lp, 2100001, "manila", status="Confirmed", by="ana", when=START)
        fake_lp.clear_requests()
        report = _sync(engine, adapter, START + timedelta(hours=1))
        assert _activity_requests(fake_lp) == []
        assert [s.scope for s in report.scopes] == [
            "project:manila",
            "referenced",
            "open-bugs:manila",
        ]


class TestSampleSquashRequests:
    def test_each_round_reads_the_log_of_the_bugs_it_moved_only(self, engine, tmp_path):
        """On the squash sample (180 open tasks), each sync in the window reads one log
        per bug moved since the previous sync (19, 24 and 13; a bug moved again is read
        again), and the comments of those commented on in the window (8, in the third
        round); a sync with no change reads none: it costs the two searches per project
        it costs without a squash event."""
        settings = SyncSettings(launchpad_projects=SQUASH_PROJECTS, open_bugs=True)
        policy = HttpPolicy(timeout=5.0, retry=RetryPolicy(attempts=2), sleep=lambda _s: None)
        with squash_servers() as servers:
            lp = servers.launchpad
            config = LaunchpadConfig(lp.service_root, tmp_path / "launchpadlib", http=policy)
            with LaunchpadAdapter(config) as adapter, Session(engine) as session:
                store = SqlSyncStore(session)

                def sync(now):
                    lp.clear_requests()
                    run_sync(store, bugs=adapter, changes=None, settings=settings,
                             now=lambda: now)  # fmt: skip
                    return (
                        _activity_requests(lp),
                        len(lp.requests),
                        _activity_requests(lp, "messages"),
                    )

                sync(FIRST_SYNC)
                window = (SQUASH_FROM, SQUASH_TO)
                starts, ends = (datetime.fromisoformat(w).astimezone(UTC) for w in window)
                create_event(
                    session,
                    SquashEvent(SQUASH_NAME, starts, ends, projects=SQUASH_PROJECTS),
                    now=FIRST_SYNC,
                )
                session.commit()
                read, said = [], []
                for when, moves in SQUASH_ROUNDS:
                    apply_moves(lp, moves, when)
                    logs, _, comments = sync(when)
                    read.append(logs)
                    said.append(comments)
                quiet = sync(SQUASH_ROUNDS[-1][0] + timedelta(hours=1))
                lines = session.scalar(select(func.count()).select_from(BugActivityRow))
                commented = session.scalars(
                    select(BugActivityRow.person).where(BugActivityRow.what == COMMENTED)
                ).all()
        assert [len(r) for r in read] == [0, 19, 24, 13]
        for (_, moves), asked in zip(SQUASH_ROUNDS, read, strict=True):
            assert asked == sorted({f"{m.bug_id}/activity" for m in moves})
        assert {f"{b}/activity" for b in ids_of("triaged")[:3]} <= set(read[1]) & set(read[3])
        assert said[2] == sorted(f"{m.bug_id}/messages" for m in SQUASH_ROUNDS[2][1] if m.comment)
        assert [len(s) for s in said] == [0, 0, 8, 0]
        assert quiet == ([], 2 * len(SQUASH_PROJECTS), [])
        assert lines == 59 + 8
        assert sorted(commented) == ["sample-dev-c"] * 6 + ["sample-dev-d"] * 2
