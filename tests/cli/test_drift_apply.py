"""`syncsvc drift --apply` end to end: `demo` fills a database, the sample fake Launchpad takes the writes."""

from __future__ import annotations

import pytest
from helpers import cli
from launchpadlib.credentials import AccessToken, Credentials
from lazr.restfulclient.authorize.oauth import SystemWideConsumer

from syncsvc.testing.demo_servers import DRIFT_BUG, sample_servers

TOKEN = "sample-drift-token"
SECRET = "sample-drift-secret"
TASK_PATH = f"/devel/manila/+bug/{DRIFT_BUG}"


@pytest.fixture
def servers():
    """The sample fake servers; the fake Launchpad accepts TOKEN and its log starts empty."""
    with sample_servers() as running:
        running.launchpad.add_token(TOKEN, "sample-bug-supervisor")
        yield running


def write_config(tmp_path, service_root: str, *, credentials: bool = True):
    """A config pointing at the fake Launchpad, with a launchpadlib credentials file or not."""
    lines = ["[launchpad]", f'service_root = "{service_root}"', 'projects = ["manila"]']
    if credentials:
        creds = Credentials(None)
        creds.consumer = SystemWideConsumer("syncsvc")
        creds.access_token = AccessToken(TOKEN, SECRET)
        creds.save_to_path(str(tmp_path / "launchpad-credentials"))
        lines.append(f'credentials_file = "{tmp_path / "launchpad-credentials"}"')
    lines += ["[sync]", f'allowed_hosts = ["{service_root}"]']
    path = tmp_path / "syncsvc.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def task_status(servers, bug_id: int = DRIFT_BUG, target: str = "manila") -> str:
    """The status the fake Launchpad holds for a task."""
    return next(t.status for t in servers.launchpad.bugs[bug_id].tasks if t.target == target)


class TestDriftApply:
    """`drift` lists, `drift --apply` writes the mechanical fixes."""

    def test_dry_run_sends_no_request(self, demo_db, servers, tmp_path):
        """Without --apply the to-do list is printed and Launchpad is not contacted."""
        servers.launchpad.clear_requests()
        result = cli(demo_db, write_config(tmp_path, servers.launchpad_service_root), "drift")
        assert result.exit_code == 0, result.stderr
        assert f"- [ ] bug {DRIFT_BUG} (manila) is In Progress" in result.stdout
        assert "dry run: nothing written to Launchpad" in result.stderr
        assert servers.launchpad.requests == []
        assert task_status(servers) == "In Progress"

    def test_explicit_dry_run_is_the_default(self, demo_db, servers, tmp_path):
        """--dry-run behaves like no option."""
        config = write_config(tmp_path, servers.launchpad_service_root)
        servers.launchpad.clear_requests()
        assert (
            cli(demo_db, config, "drift", "--dry-run").stdout
            == cli(demo_db, config, "drift").stdout
        )
        assert servers.launchpad.requests == []

    def test_apply_sets_fix_released(self, demo_db, servers, tmp_path):
        """--apply PATCHes the merged-but-open task to Fix Released and prints the write."""
        config = write_config(tmp_path, servers.launchpad_service_root)
        servers.launchpad.clear_requests()
        result = cli(demo_db, config, "drift", "--apply")
        assert result.exit_code == 0, result.stderr
        assert result.stdout.splitlines() == [
            f"set bug {DRIFT_BUG} (manila): In Progress → Fix Released",
            "1 written to Launchpad, 0 left for a person",
        ]
        assert [(r.method, r.path, r.status) for r in servers.launchpad.requests][-2:] == [
            ("GET", TASK_PATH, 200),
            ("PATCH", TASK_PATH, 209),
        ]
        [write] = servers.launchpad.writes
        assert write.json() == {"status": "Fix Released"}
        assert f'oauth_token="{TOKEN}"' in write.headers["authorization"]
        assert task_status(servers) == "Fix Released"

    def test_apply_again_writes_nothing(self, demo_db, servers, tmp_path):
        """Until the next sync the item is listed again, but Launchpad is not written twice."""
        config = write_config(tmp_path, servers.launchpad_service_root)
        cli(demo_db, config, "drift", "--apply")
        servers.launchpad.clear_requests()
        result = cli(demo_db, config, "drift", "--apply")
        assert result.exit_code == 0, result.stderr
        assert result.stdout.splitlines() == [
            f"set bug {DRIFT_BUG} (manila): already Fix Released on Launchpad",
            "0 written to Launchpad, 0 left for a person",
        ]
        assert servers.launchpad.writes == []

    def test_apply_without_credentials_is_a_config_error(self, demo_db, servers, tmp_path):
        """--apply without [launchpad] credentials_file exits 2 before contacting Launchpad."""
        config = write_config(tmp_path, servers.launchpad_service_root, credentials=False)
        servers.launchpad.clear_requests()
        result = cli(demo_db, config, "drift", "--apply")
        assert result.exit_code == 2
        assert len(result.stderr.strip().splitlines()) == 1
        assert "[launchpad] credentials_file" in result.stderr
        assert (servers.launchpad.requests, task_status(servers)) == ([], "In Progress")

    def test_remote_failure_exits_3_and_says_what_was_written(self, demo_db, servers, tmp_path):
        """A refused write exits 3 after reporting how many were written."""
        config = write_config(tmp_path, servers.launchpad_service_root)
        servers.launchpad.fail(403, times=None, match="/+bug/")
        result = cli(demo_db, config, "drift", "--apply")
        assert result.exit_code == 3, result.stdout
        assert result.stdout.splitlines() == [
            f"0 written to Launchpad before the failure at bug {DRIFT_BUG} (manila)"
        ]
        assert "refused (HTTP 403)" in result.stderr
        assert (servers.launchpad.writes, task_status(servers)) == ([], "In Progress")
