"""`syncsvc sync` reads each Launchpad project's blueprints at most once a day (real
launchpadlib against the sample fakes)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from helpers import cli, fakes_config, session_on

from syncsvc.models.blueprint_store import stored_blueprints
from syncsvc.testing.demo_servers import sample_servers


@pytest.fixture
def servers(quiet_clients):
    """The sample fakes (seven SAMPLE manila blueprints)."""
    with sample_servers() as s:
        yield s


def blueprint_requests(servers) -> list[str]:
    """Paths of the blueprint collection requests so far; then forget every request."""
    paths = [r.path for r in servers.launchpad.requests if r.path.endswith("_specifications")]
    servers.launchpad.clear_requests()
    return paths


def scopes(result) -> dict[str, dict]:
    """The blueprint scopes of a `sync --json` report, by scope name."""
    report = json.loads(result.stdout)
    return {s["scope"]: s for s in report["scopes"] if s["scope"].startswith("blueprints:")}


class TestBlueprintSync:
    def test_first_sync_stores_then_a_day_passes(self, imported, servers, tmp_path):
        """One request per project on the first run, none within a day, one each after it."""
        cfg = fakes_config(tmp_path, servers)
        start = datetime(2021, 6, 30, 12, 0, tzinfo=UTC)
        with time_machine.travel(start, tick=False):
            first = cli(imported, cfg, "sync", "--format", "json")
        assert first.exit_code == 0, first.stderr
        # The three reads start at once (on the read pool), so they arrive in any order.
        assert sorted(blueprint_requests(servers)) == sorted(
            [
                "/devel/manila/all_specifications",
                "/devel/manila-ui/all_specifications",
                "/devel/python-manilaclient/all_specifications",
            ]
        )
        assert {k: (v["fetched"], v["skipped"]) for k, v in scopes(first).items()} == {
            "blueprints:manila": (7, None),
            "blueprints:manila-ui": (0, None),
            "blueprints:python-manilaclient": (0, None),
        }
        with session_on(imported) as session:
            stored = stored_blueprints(session)
        rows = [(b.name, b.definition_status, b.implementation_status, b.milestone) for b in stored]
        assert rows == [
            ("cephfs-legacy-snapshot-mode", "Obsolete", "Unknown", "wallaby-1"),
            ("privsep-migration", "Approved", "Implemented", "wallaby-3"),
            ("secure-rbac", "Approved", "Good progress", "wallaby-3"),
            ("share-affinity-hints", "Drafting", "Not started", None),
            ("share-metadata-api", "Approved", "Slow progress", "wallaby-3"),
            ("share-network-security-service-update", "Approved", "Implemented", "wallaby-2"),
            ("share-network-subnet-update", "Approved", "Implemented", "wallaby-3"),
        ]
        with time_machine.travel(start + timedelta(hours=23), tick=False):
            again = cli(imported, cfg, "sync", "--format", "json")
        assert again.exit_code == 0, again.stderr
        assert blueprint_requests(servers) == []
        assert {v["skipped"] for v in scopes(again).values()} == {"read within a day"}
        servers.launchpad.specifications[
            "manila", "secure-rbac"
        ].implementation_status = "Implemented"
        with time_machine.travel(start + timedelta(days=1, minutes=1), tick=False):
            later = cli(imported, cfg, "sync", "--format", "json")
        assert later.exit_code == 0, later.stderr
        assert len(blueprint_requests(servers)) == 3
        assert scopes(later)["blueprints:manila"]["changed"] == 1

    def test_full_reads_again_and_dry_run_keeps_nothing(self, imported, servers, tmp_path):
        """--dry-run reads but stores nothing; --full reads even right after a read."""
        cfg = fakes_config(tmp_path, servers)
        dry = cli(imported, cfg, "sync", "--dry-run")
        assert dry.exit_code == 1, dry.stderr
        assert len(blueprint_requests(servers)) == 3
        with session_on(imported) as session:
            assert stored_blueprints(session) == []
        assert cli(imported, cfg, "sync").exit_code == 0
        assert len(blueprint_requests(servers)) == 3
        assert cli(imported, cfg, "sync", "--full").exit_code == 0
        assert len(blueprint_requests(servers)) == 3
        with session_on(imported) as session:
            assert len(stored_blueprints(session)) == 7
