"""A failed sync never leaves history that a clean rerun cannot mend (issue 10, defect 5)."""

from __future__ import annotations

from pathlib import Path

from helpers import cli
from reliability_kit import differences, views

from syncsvc.testing.demo_servers import SampleServers
from syncsvc.testing.fake_gerrit import RecordedRequest


def fail_gerrit_after_first_request(servers: SampleServers) -> None:
    """Let the first request (the poll) through, then answer every Gerrit request with a 500."""
    seen: list[RecordedRequest] = []

    def hook(request: RecordedRequest) -> None:
        seen.append(request)
        if len(seen) == 1:
            servers.gerrit.add_fault(status=500, times=None, body="Internal Server Error")

    servers.gerrit.on_request(hook)


def test_failed_scope_then_clean_rerun_equals_a_fault_free_run(
    imported: str, twin: str, servers: SampleServers, cfg: Path
) -> None:
    """A Gerrit poll failing mid-sync, then a clean rerun: actions, show and status JSON equal
    those of a database that only ever saw fault-free syncs."""
    fail_gerrit_after_first_request(servers)
    faulty = cli(imported, cfg, "sync")
    assert faulty.exit_code == 3, faulty.stderr
    servers.gerrit.hooks.clear()
    servers.gerrit.faults.clear()
    assert cli(imported, cfg, "sync").exit_code == 0
    assert cli(twin, cfg, "sync").exit_code == 0
    assert differences(views(imported, cfg), views(twin, cfg)) == []
