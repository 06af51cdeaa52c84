"""A relink that fails after its sync saved leaves its notes: a clean rerun mends it (issue 14)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import cli
from reliability_kit import differences, views
from sqlalchemy import text

from syncsvc.models.db import open_engine
from syncsvc.sync import relink as relink_module
from syncsvc.testing.demo_servers import SampleServers, update_change


def pending_notes(db_url: str) -> list[tuple[str, str]]:
    """Every note left for the next relink, sorted."""
    engine = open_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT kind, ref FROM relink_pending ORDER BY 1, 2"))
            return [(kind, ref) for kind, ref in rows]
    finally:
        engine.dispose()


def test_failed_relink_then_clean_rerun_equals_a_fault_free_run(
    imported: str, twin: str, servers: SampleServers, cfg: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a first sync, a cited change is abandoned; the next sync saves it but its relink
    fails: the saved change stays noted, and a clean rerun (which fetches nothing new) gives
    the actions, show and status JSON of a database that only saw fault-free syncs."""
    assert cli(imported, cfg, "sync").exit_code == 0
    assert cli(twin, cfg, "sync").exit_code == 0
    # The commitments whose links a relink changed wait for the next (transitive links
    # grow from new confirmed ones): let both databases settle.
    for db_url in (imported, twin):
        for _ in range(8):
            if not pending_notes(db_url):
                break
            assert cli(db_url, cfg, "link", "refresh").exit_code == 0
        assert pending_notes(db_url) == []
    # A merged change a commitment cites is abandoned after all: it stalls. (Nothing
    # else moves, so the relink stays incremental: no new project changes its fingerprint.)
    update_change(servers.gerrit, 729292, status="ABANDONED", updated=datetime.now(UTC))

    def broken(*_args: object, **_kwargs: object) -> list[object]:
        raise RuntimeError("the relink died half-way")

    monkeypatch.setattr(relink_module, "plan_transitions", broken)
    faulty = cli(imported, cfg, "sync")
    assert faulty.exit_code != 0
    noted = pending_notes(imported)
    assert ("change", "729292") in noted
    monkeypatch.undo()
    rerun = cli(imported, cfg, "sync")
    assert rerun.exit_code == 0, rerun.stderr
    assert {kind for kind, _ref in pending_notes(imported)} <= {"action"}
    assert cli(twin, cfg, "sync").exit_code == 0
    seen = views(imported, cfg)
    assert differences(seen, views(twin, cfg)) == []
    cited = [a for a in seen["actions"] if "729292" in {v["id"] for v in a["links"]}]
    assert cited
    assert {a["progress"] for a in cited} == {"stalled"}
