"""Per-bug Launchpad reads on a thread pool: the same records, requests and order as one by one."""

from __future__ import annotations

import threading
from concurrent.futures import Future, wait
from datetime import UTC, datetime

import pytest
from fake_launchpad_fixture import PRIVATE_BUG, SAMPLE_BUG, add_population, seed_samples
from launchpadlib.credentials import AccessToken, Credentials
from lazr.restfulclient.authorize.oauth import SystemWideConsumer

from syncsvc.adapters.budget import RequestBudget
from syncsvc.adapters.http import HttpPolicy, RetryPolicy
from syncsvc.adapters.launchpad import LaunchpadAdapter, LaunchpadConfig
from syncsvc.adapters.launchpad_pool import ReadPool
from syncsvc.domain import Bug, BugTask
from syncsvc.errors import RemoteError
from syncsvc.testing.fake_launchpad import FakeLaunchpad

SECURITY_TEAM = "sample-security"


class Worker:
    """A pool worker that records its reads and whether it was closed."""

    def __init__(self) -> None:
        self.closed = 0

    def close(self) -> None:
        """Count the close."""
        self.closed += 1


class TestReadPool:
    """ReadPool.map: results in key order, a bounded number in flight, failures in turn."""

    def test_results_keep_the_order_of_the_keys_while_reads_overlap(self):
        """Two reads are in flight together (the barrier needs both), results come in order."""
        pool: ReadPool[Worker] = ReadPool(Worker, workers=2)
        both = threading.Barrier(2, timeout=10)

        def read(_worker: Worker, key: int) -> str:
            if key in (1, 2):
                both.wait()  # breaks (and fails the test) unless 1 and 2 run at once
            return f"bug {key}"

        try:
            assert list(pool.map(read, [1, 2, 3, 4, 5])) == [f"bug {k}" for k in (1, 2, 3, 4, 5)]
        finally:
            pool.close()

    def test_a_failed_read_is_raised_in_turn_and_no_later_read_starts(self):
        """Key 2 fails: key 1's result comes first, then the error; 4 and 5 are never read."""
        pool: ReadPool[Worker] = ReadPool(Worker, workers=2)
        started: list[int] = []
        lock = threading.Lock()

        def read(_worker: Worker, key: int) -> int:
            with lock:
                started.append(key)
            if key == 2:
                raise LookupError("bug 2 is gone")
            return key

        got: list[int] = []
        with pytest.raises(LookupError, match="bug 2 is gone"):
            got.extend(pool.map(read, [1, 2, 3, 4, 5]))
        pool.close()
        assert got == [1]
        # key 3 was asked for before key 2's error was seen: it may have started or not
        assert sorted(started) in ([1, 2], [1, 2, 3])

    def test_a_background_read_waits_for_a_map_under_way(self):
        """A background read asked for while a map reads starts only once the map has
        ended, though a thread is free; then it runs and keeps its result."""
        pool: ReadPool[Worker] = ReadPool(Worker, workers=2)
        reading, release = threading.Event(), threading.Event()
        order: list[str] = []

        def read(_worker: Worker, key: int) -> int:
            reading.set()
            release.wait(timeout=10)
            order.append(f"map {key}")
            return key

        results: list[int] = []
        mapping = threading.Thread(target=lambda: results.extend(pool.map(read, [1])))
        try:
            mapping.start()
            assert reading.wait(timeout=10)
            later = pool.submit(lambda _w: order.append("background") or "checked", background=True)
            assert (later.running(), later.done()) == (False, False)
            release.set()
            mapping.join(timeout=10)
            assert later.result(timeout=10) == "checked"
        finally:
            release.set()
            pool.close()
        assert (results, order) == ([1], ["map 1", "background"])

    def test_a_background_read_waits_for_a_submitted_read(self):
        """A background read waits for an unfinished read submitted in the foreground (a
        search started ahead), then runs."""
        pool: ReadPool[Worker] = ReadPool(Worker, workers=2)
        release = threading.Event()
        try:
            search = pool.submit(lambda _w: release.wait(timeout=10) and "tasks")
            later = pool.submit(lambda _w: "checked", background=True)
            assert (later.running(), later.done()) == (False, False)
            release.set()
            assert (search.result(timeout=10), later.result(timeout=10)) == ("tasks", "checked")
        finally:
            release.set()
            pool.close()

    def test_close_cancels_a_background_read_not_started(self):
        """close() cancels a background read still waiting and lets the read under way end."""
        pool: ReadPool[Worker] = ReadPool(Worker, workers=2)
        reading, release = threading.Event(), threading.Event()

        def search(_worker: Worker) -> str:
            reading.set()
            release.wait(timeout=10)
            return "tasks"

        under_way = pool.submit(search)
        assert reading.wait(timeout=10)
        waiting = pool.submit(lambda _w: "checked", background=True)
        closing = threading.Thread(target=pool.close)
        closing.start()
        # it cannot start before the release: done before it means cancelled by close()
        wait([waiting], timeout=10)
        cancelled_first = waiting.cancelled()
        release.set()
        closing.join(timeout=10)
        assert (cancelled_first, under_way.result(timeout=10)) == (True, "tasks")

    def test_a_read_starting_another_while_closing_does_not_hold_close(self):
        """A search under way that starts entry reads once close() has begun (a run stopped
        by SIGTERM): those reads are cancelled, and close() returns once the search ends."""
        pool: ReadPool[Worker] = ReadPool(Worker, workers=2)
        reading, release = threading.Event(), threading.Event()
        inner: list[Future[str]] = []

        def search(_worker: Worker) -> str:
            reading.set()
            release.wait(timeout=10)
            inner.append(pool.submit(lambda _w: "entry"))
            return "tasks"

        outer = pool.submit(search)
        assert reading.wait(timeout=10)
        closing = threading.Thread(target=pool.close)
        closing.start()
        with pool._ready:  # white box: wait until close() has begun
            assert pool._ready.wait_for(lambda: pool._closing, timeout=10)
        release.set()
        closing.join(timeout=10)
        assert not closing.is_alive()
        assert (outer.result(timeout=10), [f.cancelled() for f in inner]) == ("tasks", [True])

    def test_close_closes_every_worker_once(self):
        """Each thread's worker is made once and closed once by close()."""
        made: list[Worker] = []

        def make() -> Worker:
            made.append(Worker())
            return made[-1]

        pool = ReadPool(make, workers=3)
        assert sorted(pool.map(lambda _w, key: key * 2, range(9))) == [2 * k for k in range(9)]
        pool.close()
        assert 1 <= len(made) <= 3
        assert [w.closed for w in made] == [1] * len(made)


@pytest.fixture
def fake_lp():
    """A running FakeLaunchpad holding the sample bugs and 12 more."""
    with FakeLaunchpad() as lp:
        seed_samples(lp)
        add_population(lp, 12)
        yield lp


def _adapter(fake_lp: FakeLaunchpad, cache, *, workers: int, **options) -> LaunchpadAdapter:
    policy = HttpPolicy(timeout=5.0, retry=RetryPolicy(attempts=3), sleep=lambda _s: None)
    return LaunchpadAdapter(
        LaunchpadConfig(fake_lp.service_root, cache, http=policy, read_workers=workers, **options)
    )


def _read_all(fake_lp: FakeLaunchpad, tmp_path, workers: int, **options):
    ids = [SAMPLE_BUG, PRIVATE_BUG, 1, *sorted(b for b in fake_lp.bugs if b >= 1900100)]
    with _adapter(fake_lp, tmp_path / f"cache-{workers}", workers=workers, **options) as lp:
        lp.connect()
        fake_lp.clear_requests()
        entries = list(lp.get_bug_entries([*ids, SAMPLE_BUG]))
        comments = list(lp.get_bug_comments(ids, known={}))
        bugs = list(lp.get_bugs(ids[:4]))
    requests = fake_lp.requests
    fake_lp.clear_requests()
    return (entries, comments, bugs), requests


class TestPooledReads:
    """get_bug_entries, get_bug_comments and get_bugs on 4 threads against one by one."""

    def test_same_records_and_requests_as_one_by_one(self, fake_lp, tmp_path):
        """The pooled reads return what sequential ones do, with the same requests."""
        one_by_one, sequential = _read_all(fake_lp, tmp_path, workers=1)
        pooled, parallel = _read_all(fake_lp, tmp_path, workers=4)
        assert pooled == one_by_one
        entries = pooled[0]
        assert [b.bug_id for b in entries][:3] == [SAMPLE_BUG, PRIVATE_BUG, 1]
        assert [b.visible for b in entries][:3] == [True, False, False]
        assert len(entries) == 15  # the repeated SAMPLE_BUG is read once
        assert sorted((r.method, r.path) for r in parallel) == sorted(
            (r.method, r.path) for r in sequential
        )

    def test_pool_threads_sign_with_the_sessions_token(self, fake_lp, tmp_path):
        """With an OAuth token every pooled request is signed with it: the private bug shows."""
        fake_lp.add_token("sample-token", SECURITY_TEAM)
        credentials = Credentials(None)
        credentials.consumer = SystemWideConsumer("syncsvc")
        credentials.access_token = AccessToken("sample-token", "sample-secret")
        path = tmp_path / "creds"
        credentials.save_to_path(str(path))
        (entries, _comments, _bugs), requests = _read_all(
            fake_lp, tmp_path, workers=4, credentials_file=path
        )
        assert [(b.bug_id, b.visible) for b in entries[:2]] == [
            (SAMPLE_BUG, True),
            (PRIVATE_BUG, True),
        ]
        assert all('oauth_token="sample-token"' in r.headers["authorization"] for r in requests)
        assert all(r.headers["user-agent"].startswith("syncsvc") for r in requests)


class TestConnectSoon:
    """connect_soon: the login on a thread of its own; the next call waits for it."""

    def test_background_login_serves_the_next_call(self, fake_lp, tmp_path):
        """The login runs once (2 requests, cold cache), then the read uses its session."""
        with _adapter(fake_lp, tmp_path / "cache", workers=4) as lp:
            lp.connect_soon()
            entries = list(lp.get_bug_entries([SAMPLE_BUG]))
        assert [(b.bug_id, b.visible) for b in entries] == [(SAMPLE_BUG, True)]
        assert [r.path for r in fake_lp.requests] == ["/devel/", "/devel/", "/devel/bugs/1855391"]

    def test_a_failed_background_login_is_raised_by_the_next_call(self, fake_lp, tmp_path):
        """A login refused in the background raises in the next call; a later call logs in."""
        fake_lp.fail(500, times=None)
        with _adapter(fake_lp, tmp_path / "cache", workers=4) as lp:
            lp.connect_soon()
            with pytest.raises(RemoteError, match="login"):
                list(lp.get_bug_entries([SAMPLE_BUG]))
            assert {r.path for r in fake_lp.requests} == {"/devel/"}
            fake_lp.clear_faults()
            entries = list(lp.get_bug_entries([SAMPLE_BUG]))
        assert [(b.bug_id, b.visible) for b in entries] == [(SAMPLE_BUG, True)]

    def test_no_background_login_with_a_request_budget(self, fake_lp, tmp_path):
        """With a request budget the login waits for the first call: nothing is sent before."""
        policy = HttpPolicy(timeout=5.0, budget=RequestBudget(10))
        config = LaunchpadConfig(fake_lp.service_root, tmp_path / "cache", http=policy)
        with LaunchpadAdapter(config) as lp:
            lp.connect_soon()
        assert fake_lp.requests == []


class TestReadAhead:
    """search_tasks_ahead: a later scope's search starts at once, on the read pool."""

    def test_searches_started_ahead_overlap_and_equal_searches_in_turn(self, fake_lp, tmp_path):
        """Two searches are in flight together (the barrier needs both); each equals the
        same search made in its turn, request for request."""
        both = threading.Barrier(2, timeout=10)
        searches: list[str] = []

        def hook(_method: str, target: str) -> None:
            if "searchTasks" in target and len(searches) < 2:
                searches.append(target)
                both.wait()  # breaks (and fails the read) unless both searches run at once

        fake_lp.on_request(hook)
        since = datetime(2021, 1, 1, 5, tzinfo=UTC)
        with _adapter(fake_lp, tmp_path / "cache", workers=4) as lp:
            first = lp.search_tasks_ahead("manila", modified_since=None)
            second = lp.search_tasks_ahead("manila", modified_since=since)
            assert first is not None
            assert second is not None
            ahead = (first.result(), second.result())
            requests = sorted(r.path for r in fake_lp.requests)
            fake_lp.clear_requests()
            in_turn = (
                list(lp.search_tasks("manila", modified_since=None)),
                list(lp.search_tasks("manila", modified_since=since)),
            )
        assert ahead == in_turn
        assert [len(found) for found in ahead] == [13, 7]
        assert requests == ["/devel/", "/devel/", "/devel/manila", "/devel/manila"]
        assert sorted(r.path for r in fake_lp.requests) == ["/devel/manila", "/devel/manila"]

    def test_comment_checks_ahead_equal_checks_in_turn(self, fake_lp, tmp_path):
        """comments_ahead's futures hold what get_bug_comments with nothing known returns,
        with the same requests (one entry each, messages where there are comments)."""
        ids = [SAMPLE_BUG, PRIVATE_BUG, 1, *sorted(b for b in fake_lp.bugs if b >= 1900100)]
        with _adapter(fake_lp, tmp_path / "cache", workers=4) as lp:
            lp.connect()
            fake_lp.clear_requests()
            started = lp.comments_ahead([*ids, SAMPLE_BUG])
            assert started is not None
            assert list(started) == ids
            ahead = [started[b].result(timeout=10) for b in ids]
            asked_ahead = sorted(r.path for r in fake_lp.requests)
            fake_lp.clear_requests()
            in_turn = list(lp.get_bug_comments(ids, known={}))
        assert ahead == in_turn
        assert any(c.messages for c in ahead)
        assert asked_ahead == sorted(r.path for r in fake_lp.requests)

    def test_entries_started_by_a_search_equal_entries_in_turn(self, fake_lp, tmp_path):
        """A search started ahead hands its tasks to ``then`` before its future holds them;
        entries_ahead started there hold what get_bug_entries returns, request for request."""
        seen: list[int] = []
        started: dict[int, Future[Bug]] = {}
        with _adapter(fake_lp, tmp_path / "cache", workers=4) as lp:

            def then(tasks: list[BugTask]) -> None:
                seen.extend(t.bug_id for t in tasks)
                found = lp.entries_ahead(sorted({t.bug_id for t in tasks})[:3])
                assert found is not None
                started.update(found)

            search = lp.search_tasks_ahead("manila", modified_since=None, then=then)
            assert search is not None
            tasks = search.result()
            assert seen == [t.bug_id for t in tasks]
            ids = sorted({t.bug_id for t in tasks})[:3]
            assert list(started) == ids
            ahead = [started[b].result(timeout=10) for b in ids]
            asked = sorted(r.path for r in fake_lp.requests if "/bugs/" in r.path)
            fake_lp.clear_requests()
            in_turn = list(lp.get_bug_entries(ids))
        assert ahead == in_turn
        assert (
            asked
            == sorted(r.path for r in fake_lp.requests)
            == sorted(f"/devel/bugs/{b}" for b in ids)
        )

    def test_reads_stay_in_call_order_with_a_limited_budget(self, fake_lp, tmp_path):
        """With a request budget nothing starts ahead (None) and nothing is sent; a per-host
        interval alone lets it start (the budget's slots keep the interval)."""
        limited = HttpPolicy(timeout=5.0, budget=RequestBudget(10))
        config = LaunchpadConfig(fake_lp.service_root, tmp_path / "a", http=limited)
        with LaunchpadAdapter(config) as lp:
            assert lp.search_tasks_ahead("manila", modified_since=None) is None
            assert lp.blueprints_ahead("manila") is None
            assert lp.comments_ahead([SAMPLE_BUG]) is None
            assert lp.entries_ahead([SAMPLE_BUG]) is None
        assert fake_lp.requests == []
        paced = HttpPolicy(timeout=5.0, budget=RequestBudget(None, min_interval=0.0))
        config = LaunchpadConfig(fake_lp.service_root, tmp_path / "b", http=paced)
        with LaunchpadAdapter(config) as lp:
            search = lp.search_tasks_ahead("manila", modified_since=None)
            assert search is not None
            assert [t.bug_id for t in search.result()][:1] == [SAMPLE_BUG]
