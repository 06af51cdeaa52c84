"""Issue 10 (4) end to end: invalid JSON from Launchpad or Gerrit exits 3 with one line.

The command's HTTP policies are swapped for ones that never wait, so no test sleeps.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from syncsvc.adapters.http import HttpPolicy, RetryPolicy, no_wait
from syncsvc.cli import wiring
from syncsvc.cli.app import app
from syncsvc.models.db import open_engine
from syncsvc.models.sync_store import artifact_states
from syncsvc.testing.demo_servers import sample_servers

BUG_PATH = "/devel/bugs/1855391"


@pytest.fixture
def servers(monkeypatch, tmp_path):
    """The sample fakes; no backoff sleeps; launchpadlib's cache in tmp (kept across runs)."""
    quick = HttpPolicy(retry=RetryPolicy(attempts=3, base_delay=0.0), sleep=no_wait)
    monkeypatch.setattr(wiring, "LAUNCHPAD_HTTP", quick)
    monkeypatch.setattr(wiring, "GERRIT_HTTP", quick)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with sample_servers() as running:
        yield running


def fakes_config(tmp_path: Path, servers) -> Path:
    """A config pointing at the sample fakes."""
    path = tmp_path / "syncsvc.toml"
    path.write_text(
        f'[launchpad]\nservice_root = "{servers.launchpad_service_root}"\n'
        'projects = ["manila"]\n'
        f'[gerrit]\nurl = "{servers.gerrit_url}"\nprojects = ["openstack/manila"]\n',
        encoding="utf-8",
    )
    return path


def cli(db_url: str, cfg: Path, *args: str):
    """Run syncsvc with --db and --config."""
    return CliRunner().invoke(app, ["--db", db_url, "--config", str(cfg), *args])


def error_lines(stderr: str) -> list[str]:
    """The "error:" lines of stderr (logging may add WARNING lines above them)."""
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def bug_state(db_url: str) -> dict[str, str]:
    """The stored state of bug 1855391, if any."""
    engine = open_engine(db_url)
    with Session(engine) as session:
        got = artifact_states(session, ["bug:1855391"])
    engine.dispose()
    return got


class TestInvalidJson:
    def test_launchpad_bad_json_exits_3_then_the_next_run_recovers(
        self, imported, servers, tmp_path
    ):
        """Bad JSON every time: exit 3, one line a scope, no traceback; the next run is fine."""
        cfg = fakes_config(tmp_path, servers)
        servers.launchpad.corrupt(match=BUG_PATH, times=None)
        failed = cli(imported, cfg, "sync", "--source", "launchpad")
        assert failed.exit_code == 3
        assert "Traceback" not in failed.stderr
        assert error_lines(failed.stderr) == [  # one line per scope that read the bug
            f"error: launchpad {scope}: Launchpad bug 1855391{what} failed after 3 attempts: "
            "HTTP 200 reply is not valid JSON"
            for scope, what in (("referenced", ""), ("project:manila", " comments"))
        ]
        assert bug_state(imported) == {}
        servers.launchpad.clear_faults()
        again = cli(imported, cfg, "sync", "--source", "launchpad")
        assert again.exit_code == 0, again.stderr
        assert bug_state(imported) == {"bug:1855391": "Fix Released"}

    def test_launchpad_bad_json_once_is_retried(self, imported, servers, tmp_path):
        """One reply cut short: the retry succeeds and the sync exits 0."""
        cfg = fakes_config(tmp_path, servers)
        servers.launchpad.corrupt(match=BUG_PATH)
        result = cli(imported, cfg, "sync", "--source", "launchpad")
        assert result.exit_code == 0, result.stderr
        assert bug_state(imported) == {"bug:1855391": "Fix Released"}

    def test_gerrit_bad_json_exits_3_with_one_line(self, imported, servers, tmp_path):
        """Gerrit JSON cut short every time: exit 3, one line per scope, no traceback."""
        cfg = fakes_config(tmp_path, servers)
        servers.gerrit.add_fault(status=200, body=')]}\'\n[{"_number": 7', times=None)
        result = cli(imported, cfg, "sync", "--source", "gerrit")
        assert result.exit_code == 3
        assert "Traceback" not in result.stderr
        lines = error_lines(result.stderr)
        assert len(lines) == 2  # the referenced changes and the project poll
        assert all("failed after 3 attempts: unreadable JSON" in line for line in lines)
