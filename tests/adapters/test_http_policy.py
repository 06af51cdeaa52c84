"""The one HTTP policy: retries with backoff and Retry-After, injectable sleep and clock, the
session it configures, and what launchpadlib's requests and URL imports get from it."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
import requests
import responses

from syncsvc import __version__
from syncsvc.adapters.http import HttpPolicy, RetryPolicy, TransientError, no_wait
from syncsvc.adapters.launchpad import LaunchpadAdapter, LaunchpadConfig
from syncsvc.adapters.sources import read_source
from syncsvc.errors import RemoteUnavailableError
from syncsvc.hosts import AllowedHosts, ForeignHostError
from syncsvc.testing.fake_launchpad import FakeLaunchpad

NOW = datetime(2020, 10, 26, 14, 0, tzinfo=UTC)


def failing(*failures: Exception, result: str = "done"):
    """A callable that raises each of ``failures`` in turn, then returns ``result``."""
    calls: list[int] = []

    def call() -> str:
        calls.append(1)
        if len(calls) <= len(failures):
            raise failures[len(calls) - 1]
        return result

    call.calls = calls
    return call


class TestCall:
    def test_transient_failures_are_retried_with_exponential_backoff(self, caplog):
        """Two transient failures: waits of 1 s and 2 s through the injected sleep, one log each."""
        sleeps: list[float] = []
        policy = HttpPolicy(retry=RetryPolicy(attempts=3), sleep=sleeps.append)
        func = failing(TransientError("HTTP 503"), TransientError("HTTP 503"))
        with caplog.at_level(logging.WARNING):
            assert policy.call(func, what="GET x") == "done"
        assert (len(func.calls), sleeps) == (3, [1.0, 2.0])
        assert [r.getMessage() for r in caplog.records] == [
            "GET x failed (HTTP 503); retry 1/2 in 1.0s",
            "GET x failed (HTTP 503); retry 2/2 in 2.0s",
        ]

    def test_retry_after_date_is_measured_against_the_injected_clock(self):
        """A Retry-After date 30 s after the policy's clock waits 30 s instead of the backoff."""
        sleeps: list[float] = []
        policy = HttpPolicy(sleep=sleeps.append, clock=lambda: NOW)
        asked = policy.retry_after("Mon, 26 Oct 2020 14:00:30 GMT")
        assert policy.call(failing(TransientError("HTTP 429", retry_after=asked)), what="x") == (
            "done"
        )
        assert (asked, sleeps) == (30.0, [30.0])

    def test_exhausted_attempts_are_unavailable(self):
        """The last transient failure becomes RemoteUnavailableError naming the attempts."""
        sleeps: list[float] = []
        policy = HttpPolicy(retry=RetryPolicy(attempts=2), sleep=sleeps.append)
        func = failing(*[TransientError("ReadTimeout")] * 5)
        with pytest.raises(RemoteUnavailableError, match=r"^GET x failed after 2 attempts: Read"):
            policy.call(func, what="GET x")
        assert (len(func.calls), sleeps) == (2, [1.0])

    def test_other_errors_are_not_retried(self):
        """Anything but TransientError leaves on the first try, without a wait."""
        sleeps: list[float] = []
        func = failing(ValueError("bad"))
        with pytest.raises(ValueError, match="bad"):
            HttpPolicy(sleep=sleeps.append).call(func, what="x")
        assert (len(func.calls), sleeps) == (1, [])

    def test_replace_keeps_the_rest(self):
        """replace() changes only the named fields."""
        policy = HttpPolicy(timeout=5.0, sleep=no_wait).replace(timeout=1.0)
        assert (policy.timeout, policy.sleep, policy.retry) == (1.0, no_wait, RetryPolicy())


class TestSession:
    def test_configured_session_has_timeout_user_agent_and_allow_list(self):
        """A session configured by the policy carries its User-Agent and refuses foreign hosts."""
        allowed = AllowedHosts.of(["http://127.0.0.1:9"])
        session = HttpPolicy(timeout=3.0, allowed=allowed).configure(requests.Session())
        adapter = session.get_adapter("http://127.0.0.1:9/")
        assert (session.headers["User-Agent"], adapter.timeout) == (f"syncsvc/{__version__}", 3.0)
        with pytest.raises(ForeignHostError, match=r"127\.0\.0\.2"):
            session.get("http://127.0.0.2:9/")


class TestLaunchpadRequests:
    @pytest.fixture
    def fake_lp(self):
        """A running FakeLaunchpad."""
        with FakeLaunchpad() as lp:
            yield lp

    def test_user_agent_and_busy_retries_follow_the_policy(self, fake_lp, tmp_path):
        """launchpadlib's requests carry the policy's User-Agent first and its 503 waits go
        through the policy's sleep."""
        sleeps: list[float] = []
        policy = HttpPolicy(user_agent="syncsvc-test/1", sleep=sleeps.append)
        config = LaunchpadConfig(fake_lp.service_root, tmp_path / "lp", http=policy)
        fake_lp.fail(503, times=3)
        with LaunchpadAdapter(config) as adapter:
            adapter.connect()
        agents = [r.headers["user-agent"] for r in fake_lp.requests]
        assert [r.status for r in fake_lp.requests][:4] == [503, 503, 503, 200]
        assert sleeps == [0, 1, 2]
        assert all(agent.startswith("syncsvc-test/1 ") for agent in agents)


class TestUrlImports:
    @responses.activate
    def test_fetch_uses_the_policy_user_agent_and_timeouts(self):
        """A URL import sends the policy's User-Agent and reads with its timeout."""
        url = "https://lists.openstack.org/archives/msg.html"
        responses.add(responses.GET, url, body=b"<html>summary</html>")
        policy = HttpPolicy(timeout=12.0, user_agent="syncsvc-test/2")
        assert read_source(url, policy=policy) == b"<html>summary</html>"
        (call,) = responses.calls
        assert call.request.headers["User-Agent"] == "syncsvc-test/2"
        assert call.request.req_kwargs["timeout"] == (10.0, 12.0)
