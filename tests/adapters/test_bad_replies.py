"""Issue 10 (4): a Launchpad reply that is not JSON is retried and never kept in the cache.

The fake's ``corrupt`` fault sends the real answer (200, its ETag) with the body
cut in half, as a broken proxy would; httplib2 caches it like any 200, so a kept
copy would be served again after every 304 until the cache was deleted.
"""

from __future__ import annotations

import pytest
from fake_launchpad_fixture import SAMPLE_BUG, seed_samples

from syncsvc.adapters.http import HttpPolicy, RetryPolicy
from syncsvc.adapters.launchpad import LaunchpadAdapter, LaunchpadConfig
from syncsvc.errors import RemoteUnavailableError
from syncsvc.testing.fake_launchpad import FakeLaunchpad

BUG_PATH = f"/devel/bugs/{SAMPLE_BUG}"


@pytest.fixture
def fake_lp(monkeypatch):
    """A running FakeLaunchpad with the sample bugs."""
    with FakeLaunchpad() as lp:
        seed_samples(lp)
        yield lp


@pytest.fixture
def sleeps():
    """The adapter's backoff sleeps, recorded instead of slept."""
    return []


@pytest.fixture
def make_lp(fake_lp, tmp_path, sleeps):
    """Build adapters sharing one launchpadlib cache (as runs of one cron job do)."""
    made: list[LaunchpadAdapter] = []

    def make() -> LaunchpadAdapter:
        retry = RetryPolicy(attempts=3, base_delay=0.0)
        policy = HttpPolicy(timeout=2.0, retry=retry, sleep=sleeps.append)
        config = LaunchpadConfig(fake_lp.service_root, tmp_path / "launchpadlib", http=policy)
        made.append(LaunchpadAdapter(config))
        return made[-1]

    yield make
    for adapter in made:
        adapter.close()


def bug_reads(fake_lp) -> list[tuple[int, bool]]:
    """(status, conditional?) of every request for the sample bug's entry."""
    return [
        (r.status, "if-none-match" in r.headers) for r in fake_lp.requests if r.path == BUG_PATH
    ]


class TestBadJson:
    def test_one_bad_reply_is_retried_fresh(self, make_lp, fake_lp, sleeps):
        """A body cut short once is fetched again, unconditionally, and the bug comes back."""
        adapter = make_lp()
        adapter.connect()
        fake_lp.corrupt(match=BUG_PATH)
        [bug] = adapter.get_bugs([SAMPLE_BUG])
        assert (bug.bug_id, bug.visible, bug.title) == (
            SAMPLE_BUG,
            True,
            "Share extension bypasses the scheduler",
        )
        # The retry sends no If-None-Match: the broken copy was not kept to be revalidated.
        assert bug_reads(fake_lp) == [(200, False), (200, False)]
        assert sleeps == [0.0]

    def test_bad_replies_every_time_fail_then_a_later_run_succeeds(self, make_lp, fake_lp):
        """Retries exhausted: one RemoteUnavailableError; the next run, same cache, succeeds."""
        adapter = make_lp()
        fake_lp.corrupt(match=BUG_PATH, times=None)
        with pytest.raises(RemoteUnavailableError) as raised:
            list(adapter.get_bugs([SAMPLE_BUG]))
        assert str(raised.value) == (
            f"Launchpad bug {SAMPLE_BUG} failed after 3 attempts: HTTP 200 reply is not valid JSON"
        )
        adapter.close()
        fake_lp.clear_faults()
        fake_lp.clear_requests()
        [bug] = make_lp().get_bugs([SAMPLE_BUG])
        assert (bug.bug_id, bug.visible) == (SAMPLE_BUG, True)
        assert bug_reads(fake_lp) == [(200, False)]
