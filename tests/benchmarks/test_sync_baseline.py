"""The sync benchmark end to end on a tiny data set (request counts, no timing).

benchmarks/bench_sync.py prints what sync_baseline and sync_rss (beside this test) measure.
"""

from __future__ import annotations

from functools import partial

import sqlalchemy as sa
import sync_baseline as bench
import sync_rss

from syncsvc.adapters import launchpad
from syncsvc.cli.commands.demo import DEMO_GERRIT_PROJECTS
from syncsvc.sync.engine import LINKED_COMMENTS
from syncsvc.sync.tracked import ChecksAhead
from syncsvc.testing.fake_launchpad import FakeMessage


class TestBenchmarkSmoke:
    """The benchmark's four scenarios run against the fakes and count requests."""

    def test_tiny_run(self, tmp_path) -> None:
        """syncsvc makes fewer requests than either stateless script in every scenario."""
        data, rows = bench.run_benchmark(tmp_path, tasks=6, changes=8, latency_ms=0)
        assert (len(data.referenced_bugs), len(data.referenced_changes)) == (1, 1)
        assert [r.scenario for r in rows] == [
            "first sync (cold cache)",
            "re-sync, nothing changed",
            "re-sync after sample movement",
            "re-sync after 1% moved",
        ]
        # Launchpad: login, 3 searches, the referenced bug's entry where its search returns it
        # (it was the bug + its tasks, read before the polls), and on the first sync one
        # blueprint page per project (3; later runs are within the day); Gerrit: one poll page
        # (it returns the referenced change, so no query by number), plus one batched
        # review-message read of the linked changes on the first sync.
        # The 1% moved include the referenced bug (its comment check) and the referenced
        # change (updated while open: its messages are read again). Nothing moved: none.
        assert [(r.ours.launchpad, r.ours.gerrit) for r in rows] == [
            (9, 2),
            (3, 1),
            (3, 1),
            (4, 2),
        ]
        assert [r.ours.reviews for r in rows] == [1, 0, 0, 1]
        assert [r.ours.blueprints for r in rows] == [3, 0, 0, 0]
        # Competent: login, 3 searches, bug + tasks; 1 batched change query, 5 project pages.
        assert [(r.competent.launchpad, r.competent.gerrit) for r in rows] == [
            (10, 7), (8, 7), (8, 7), (8, 7),
        ]  # fmt: skip
        assert all(r.request_ratio(r.naive) > r.request_ratio(r.competent) > 1 for r in rows)
        table = bench.format_table(rows).splitlines()
        assert len(table) == 6
        assert table[2].startswith("| first sync (cold cache) | ")
        assert table[0].count("|") == table[2].count("|") == 14
        assert table[2].endswith("| 1 | 3 |")  # a review read and the 3 blueprint pages
        assert table[3].endswith("| 0 | 0 |")  # nothing changed: no review or blueprint read

    def test_peak_rss_of_a_tiny_sync(self, tmp_path) -> None:
        """A sync child process fetches every served record and reports a peak RSS."""
        floor = sync_rss.floor_mb()
        row = sync_rss.measure_rss(tmp_path, tasks=4, changes=5)
        # 48 polled tasks and changes (4 sample records are older than the event or outside
        # the polled projects; the polls return the referenced bug and change, so nothing is
        # fetched by number), and the 7 sample blueprints of manila.
        assert (row.tasks, row.changes, row.fetched) == (16, 36, 55)
        assert row.peak_mb >= floor > 0
        table = sync_rss.format_rss(floor, [row]).splitlines()
        assert table[-1].startswith("| 16 | 36 | 55 | ")


class TestFirstSyncSettles:
    """What the first sync's relink links is read in that run, so a second one only polls."""

    def test_no_change_resync_makes_only_its_polls(self, tmp_path) -> None:
        """The bugs the relink linked through footers get their comment check in the first
        run; the second run makes 3 searches and 1 poll page and its relink judges nothing."""
        db_url = f"sqlite:///{tmp_path / 'settle.sqlite'}"
        with bench.benchmark_servers(tasks=30, changes=40) as (servers, data):
            bench.prepare_database(db_url, data)
            outcomes, counts = [], []
            for _ in range(2):
                servers.launchpad.clear_requests()
                servers.gerrit.requests.clear()
                outcomes.append(
                    bench.sync_outcome(
                        servers.gerrit_url,
                        servers.launchpad_service_root,
                        db_url,
                        tmp_path / "cache",
                    )
                )
                counts.append((len(servers.launchpad.requests), len(servers.gerrit.requests)))
        first, second = outcomes
        linked = [s for s in first.sync.scopes if s.scope == LINKED_COMMENTS]
        # Changes 900017 and 900034 (referenced) close bugs 1990017 and 1990004 (not
        # referenced): the relink links them, and each costs one comment check.
        assert [(s.source, s.fetched, s.error) for s in linked] == [("launchpad", 2, None)]
        assert first.links is not None
        assert first.links.added > 0
        assert counts[1] == (3, 1)
        assert second.links is not None
        assert (second.links.added, second.links.covered) == (0, 0)
        assert [s.scope for s in second.sync.scopes if s.fetched and s.scope != "reviews"] == [
            "projects:" + ",".join(sorted(DEMO_GERRIT_PROJECTS))
        ]


def _dump(db_url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the synced tables, without the columns stamped with the clock."""
    engine = sa.create_engine(db_url)
    try:
        meta = sa.MetaData()
        meta.reflect(engine, only=SYNCED_TABLES)
        with engine.connect() as conn:
            return {
                name: sorted(
                    conn.execute(
                        sa.select(*(c for c in meta.tables[name].c if not _stamped(c.name)))
                    ).all(),
                    key=repr,
                )
                for name in SYNCED_TABLES
            }
    finally:
        engine.dispose()


def _stamped(column: str) -> bool:
    """Whether the column holds when this run saw something (its clock, not the data)."""
    return column.endswith("_at") or column in {"first_seen", "last_seen"}


SYNCED_TABLES = (
    "bugs",
    "bug_tasks",
    "bug_messages",
    "changes",
    "artifact_history",
    "links",
    "action_state_history",
    "review_events",
    "blueprints",
)


class TestThreadedReadsChangeNothing:
    """The per-bug reads on threads and the early login store what one by one stores."""

    def test_first_and_second_sync_equal_a_sequential_run(self, tmp_path, monkeypatch) -> None:
        """Two syncs with 4 read threads and with 1 leave the same rows and make the same
        requests."""
        results = []
        with bench.benchmark_servers(tasks=30, changes=40) as (servers, data):
            for workers in (1, 4):
                config = partial(launchpad.LaunchpadConfig, read_workers=workers)
                monkeypatch.setattr(launchpad, "LaunchpadConfig", config)
                db_url = f"sqlite:///{tmp_path / f'w{workers}.sqlite'}"
                bench.prepare_database(db_url, data)
                requests = []
                for run in range(2):
                    servers.launchpad.clear_requests()
                    servers.gerrit.requests.clear()
                    bench.sync_once(
                        servers.gerrit_url,
                        servers.launchpad_service_root,
                        db_url,
                        tmp_path / f"cache{workers}",
                    )
                    paths = sorted(r.path for r in servers.launchpad.requests)
                    requests.append((run, paths, len(servers.gerrit.requests)))
                results.append((_dump(db_url), requests))
        (sequential, asked_one_by_one), (threaded, asked_on_threads) = results
        assert sum(len(rows) for rows in sequential.values()) > 100
        assert sequential["links"]
        assert threaded == sequential
        assert asked_on_threads == asked_one_by_one


class TestChecksAheadChangeNothing:
    """The linked bugs' comment checks started before the relink store what checks in turn do."""

    def test_same_rows_requests_and_report_as_checks_after_the_relink(
        self, tmp_path, monkeypatch
    ) -> None:
        """Bug 1990017 (closed by referenced change 900017) carries a Gerrit-hook comment
        naming change 900020: with its check started ahead, the first sync takes it (and
        1990004's) in linked-comments, relinks again for the comment, and leaves the same
        rows, requests and scope reports as a sync that checks both after the relink."""
        taken: list[int] = []
        take = ChecksAhead.take

        def spy(self: ChecksAhead, ids, known):  # what ChecksAhead.take hands over
            found = take(self, ids, known)
            taken.extend(found)
            return found

        monkeypatch.setattr(ChecksAhead, "take", spy)
        fix = FakeMessage(
            "Fix proposed to branch: master\nReview: https://review.opendev.org/900020",
            subject="Fix proposed to manila (master)",
            owner="hudson-openstack",
        )
        results = []
        with bench.benchmark_servers(tasks=30, changes=40) as (servers, data):
            servers.launchpad.bugs[1990017].messages.append(fix)
            for ahead in (False, True):
                if not ahead:
                    monkeypatch.setattr(launchpad.LaunchpadAdapter, "comments_ahead",
                                        lambda *_a, **_k: None)  # fmt: skip
                else:
                    monkeypatch.undo()
                    monkeypatch.setattr(ChecksAhead, "take", spy)
                db_url = f"sqlite:///{tmp_path / f'ahead-{ahead}.sqlite'}"
                bench.prepare_database(db_url, data)
                servers.launchpad.clear_requests()
                servers.gerrit.requests.clear()
                outcome = bench.sync_outcome(
                    servers.gerrit_url,
                    servers.launchpad_service_root,
                    db_url,
                    tmp_path / f"cache-{ahead}",
                )
                paths = sorted(r.path for r in servers.launchpad.requests)
                scopes = [
                    (s.source, s.scope, s.fetched, s.counts, s.comments, s.error, s.skipped)
                    for s in outcome.sync.scopes
                ]
                assert outcome.links is not None
                links = (outcome.links.added, outcome.links.updated, outcome.links.transitions)
                results.append((_dump(db_url), paths, len(servers.gerrit.requests), scopes, links))
        (in_turn, *asked_in_turn), (early, *asked_early) = results
        assert sorted(taken) == [1990004, 1990017]
        linked = [s for s in asked_in_turn[2] if s[1] == LINKED_COMMENTS]
        assert [(s[2], s[4].inserted) for s in linked] == [(2, 1)]
        assert any("900020" in repr(row) for row in in_turn["links"])
        assert early == in_turn
        assert asked_early == asked_in_turn
