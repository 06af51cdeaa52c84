"""Issue 10 (4) end to end: invalid JSON from Launchpad or Gerrit exits 3 with one line.

The command's HTTP policies are swapped for ones that never wait, so no test sleeps.
"""

from __future__ import annotations

import pytest
from helpers import cli, fakes_config, session_on

from syncsvc.adapters.http import HttpPolicy, RetryPolicy, no_wait
from syncsvc.cli import wiring
from syncsvc.models.sync_store import artifact_states

BUG_PATH = "/devel/bugs/1855391"


@pytest.fixture
def servers(servers, monkeypatch):
    """The sample fakes, with the command's HTTP policies swapped for zero backoff."""
    quick = HttpPolicy(retry=RetryPolicy(attempts=3, base_delay=0.0), sleep=no_wait)
    monkeypatch.setattr(wiring, "LAUNCHPAD_HTTP", quick)
    monkeypatch.setattr(wiring, "GERRIT_HTTP", quick)
    return servers


ONE_PROJECT = {"launchpad_projects": ["manila"], "gerrit_projects": ["openstack/manila"]}


def error_lines(stderr: str) -> list[str]:
    """The "error:" lines of stderr (logging may add WARNING lines above them)."""
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def bug_state(db_url: str) -> dict[str, str]:
    """The stored state of bug 1855391, if any."""
    with session_on(db_url) as session:
        return artifact_states(session, ["bug:1855391"])


class TestInvalidJson:
    def test_launchpad_bad_json_exits_3_then_the_next_run_recovers(
        self, imported, servers, tmp_path
    ):
        """Bad JSON every time: exit 3, one line a scope, no traceback; the next run is fine."""
        cfg = fakes_config(tmp_path, servers, **ONE_PROJECT)
        servers.launchpad.corrupt(match=BUG_PATH, times=None)
        failed = cli(imported, cfg, "sync", "--source", "launchpad")
        assert failed.exit_code == 3
        assert "Traceback" not in failed.stderr
        assert error_lines(failed.stderr) == [  # one line per scope that read the bug
            f"error: launchpad {scope}: Launchpad bug 1855391 failed after 3 attempts: "
            "HTTP 200 reply is not valid JSON"
            for scope in ("project:manila", "referenced")
        ]
        assert bug_state(imported) == {}
        servers.launchpad.clear_faults()
        again = cli(imported, cfg, "sync", "--source", "launchpad")
        assert again.exit_code == 0, again.stderr
        assert bug_state(imported) == {"bug:1855391": "Fix Released"}

    def test_launchpad_bad_json_once_is_retried(self, imported, servers, tmp_path):
        """One reply cut short: the retry succeeds and the sync exits 0."""
        cfg = fakes_config(tmp_path, servers, **ONE_PROJECT)
        servers.launchpad.corrupt(match=BUG_PATH)
        result = cli(imported, cfg, "sync", "--source", "launchpad")
        assert result.exit_code == 0, result.stderr
        assert bug_state(imported) == {"bug:1855391": "Fix Released"}

    def test_gerrit_bad_json_exits_3_with_one_line(self, imported, servers, tmp_path):
        """Gerrit JSON cut short every time: exit 3, one line per scope, no traceback."""
        cfg = fakes_config(tmp_path, servers, **ONE_PROJECT)
        servers.gerrit.add_fault(status=200, body=')]}\'\n[{"_number": 7', times=None)
        result = cli(imported, cfg, "sync", "--source", "gerrit")
        assert result.exit_code == 3
        assert "Traceback" not in result.stderr
        lines = error_lines(result.stderr)
        assert len(lines) == 2  # the referenced changes and the project poll
        assert all("failed after 3 attempts: unreadable JSON" in line for line in lines)
