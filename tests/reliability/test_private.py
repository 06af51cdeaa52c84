"""Embargoed bugs: an authenticated sync stores their privacy, and no report shows their title."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import cli, fakes_config
from launchpadlib.credentials import AccessToken, Credentials
from launchpadlib.launchpad import SystemWideConsumer
from sqlalchemy import select

from syncsvc.models.db import open_engine
from syncsvc.models.sync_tables import BugRow
from syncsvc.testing.demo_servers import SampleServers

PRIVATE_BUG, PRIVATE_TITLE = 1909850, "Sample private security bug"


def test_authenticated_sync_keeps_privacy_and_reports_hide_the_title(
    imported: str, servers: SampleServers, tmp_path: Path
) -> None:
    """The sample-security team's token sees bug 1909850: it is stored private with its type,
    and neither status (every format) nor actions nor show print its title."""
    servers.launchpad.add_token("security-token", "sample-security")
    creds = Credentials(None)
    creds.consumer = SystemWideConsumer("syncsvc")
    creds.access_token = AccessToken("security-token", "security-secret")
    creds.save_to_path(str(tmp_path / "lp-credentials"))
    summary = tmp_path / "security.txt"
    summary.write_text(
        "== Day 1 - Oct 26, 2020, Mon ==\n=== Security triage ===\nActions:\n"
        f"- gouthamr will triage https://bugs.launchpad.net/manila/+bug/{PRIVATE_BUG}\n"
    )
    cfg = fakes_config(tmp_path, servers)
    cfg.write_text(
        cfg.read_text().replace(
            "[gerrit]", f'credentials_file = "{tmp_path / "lp-credentials"}"\n[gerrit]'
        )
    )
    assert cli(imported, cfg, "import", str(summary)).exit_code == 0
    synced = cli(imported, cfg, "sync")
    assert synced.exit_code == 0, synced.stderr
    engine = open_engine(imported)
    with engine.connect() as connection:
        row = connection.execute(
            select(BugRow.visible, BugRow.private, BugRow.information_type, BugRow.title).where(
                BugRow.bug_id == PRIVATE_BUG
            )
        ).one()
    engine.dispose()
    assert tuple(row) == (True, True, "Private", PRIVATE_TITLE)
    outputs = {
        f"status {fmt}": cli(imported, cfg, "status", "--since", "2020-11-05", "--format", fmt)
        for fmt in ("table", "json", "markdown", "irc")
    }
    for fmt in ("table", "json", "markdown"):
        outputs[f"actions {fmt}"] = cli(imported, cfg, "actions", "--format", fmt)
    action_id = max(a["id"] for a in json.loads(outputs["actions json"].stdout))
    for fmt in ("table", "json"):
        outputs[f"show {fmt}"] = cli(imported, cfg, "show", str(action_id), "--format", fmt)
    assert {name: result.exit_code for name, result in outputs.items()} == dict.fromkeys(outputs, 0)
    assert str(PRIVATE_BUG) in outputs["show json"].stdout  # the bug is there ...
    leaked = [name for name, result in outputs.items() if PRIVATE_TITLE in result.stdout]
    assert leaked == []  # ... its title is not
