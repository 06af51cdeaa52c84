"""`syncsvc carry-over`: unfinished commitments into the next event, idempotent, and
matched (never withdrawn) by a later import of that event's summary."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from syncsvc.cli.app import app

UNFINISHED = [1, 2, 3, 4, 5, 7, 10, 12, 13, 14, 15, 16, 17, 18, 19, 20]  # not done in the demo
XENA = "Manila Xena PTG"
XENA_SUMMARY = b"""Subject: Manila Xena PTG summary

=== rootwrap-to-privsep migration ===
Actions:
- carloss will own the goal
- carloss will write the privsep guide
"""
XENA_EDITED = b"""Subject: Manila Xena PTG summary

=== rootwrap-to-privsep migration ===
Actions:
- carloss will write the privsep guide
"""


def cli(db_url: str, *args: str):
    """Run syncsvc against ``db_url``."""
    return CliRunner().invoke(app, ["--db", db_url, *args])


def events(db_url: str) -> dict[str, dict]:
    """`events --format json` keyed by title."""
    return {e["title"]: e for e in json.loads(cli(db_url, "events", "-f", "json").stdout)}


def shown(db_url: str, action_id: int) -> dict:
    """`show ID --format json` parsed."""
    return json.loads(cli(db_url, "show", str(action_id), "-f", "json").stdout)


def carried(db_url: str) -> dict[int, int]:
    """Copy id → original id, from the retro of the Xena event."""
    report = json.loads(cli(db_url, "retro", "--event", XENA, "-f", "json").stdout)
    return {i["id"]: i["carried_from"] for t in report["topics"] for i in t["items"]}


class TestCarryOver:
    """Carrying the demo's unfinished Wallaby commitments into a Xena PTG event."""

    def test_dry_run_lists_and_stores_nothing(self, demo_db) -> None:
        """A dry run prints the etherpad list of the 16 unfinished items and adds no event."""
        result = cli(demo_db, "carry-over", "--from", "1", "--to", XENA, "--dry-run")
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[0] == (
            f"Carried over from Manila Wallaby PTG to {XENA}: 16 unfinished, 16 would carry now"
        )
        assert "* rootwrap-to-privsep migration" in lines
        assert "  * [ ] carloss will own the goal (carloss; was #12, not-started)" in lines
        assert sum(line.startswith("  * [ ] ") for line in lines) == 16
        assert XENA not in events(demo_db)

    def test_carry_then_rerun_changes_nothing(self, demo_db) -> None:
        """The first run makes 16 carried copies in a new Xena event; a re-run adds none, and
        the originals keep their own state and cycle."""
        first = cli(demo_db, "carry-over", "--from", "Manila Wallaby PTG", "--to", XENA)
        assert first.exit_code == 0, first.stderr
        xena = events(demo_db)[XENA]
        assert (xena["team"], xena["cycle"], xena["actions"]) == ("manila", "xena", 16)
        copies = carried(demo_db)
        assert sorted(copies.values()) == UNFINISHED
        again = cli(demo_db, "carry-over", "--from", "1", "--to", XENA)
        assert "16 unfinished, 0 carried now" in again.stdout.splitlines()[0]
        assert carried(demo_db) == copies
        copy = next(c for c, o in copies.items() if o == 12)
        assert (shown(demo_db, copy)["origin"], shown(demo_db, copy)["owners"]) == (
            "carried",
            ["carloss"],
        )
        assert shown(demo_db, 12)["state"] == "open"
        wallaby = json.loads(cli(demo_db, "retro", "--event", "1", "-f", "json").stdout)
        assert wallaby["completion"]["done"] == 3
        assert wallaby["carry_over"][0]["carried_to"] == [xena["id"]]
        xena_retro = json.loads(cli(demo_db, "retro", "--event", XENA, "-f", "json").stdout)
        assert xena_retro["scope_change"]["carried_in"] == sorted(copies)
        assert xena_retro["completion"]["previous"]["done"] == 3

    def test_import_matches_carried_items_and_never_withdraws_them(
        self, demo_db, tmp_path: Path
    ) -> None:
        """Xena's summary listing a carried item again updates that copy instead of adding one;
        an edited summary without it does not withdraw it."""
        assert cli(demo_db, "carry-over", "--from", "1", "--to", XENA).exit_code == 0
        copy = next(c for c, o in carried(demo_db).items() if o == 12)
        summary = tmp_path / "xena.txt"
        summary.write_bytes(XENA_SUMMARY)
        result = cli(demo_db, "import", str(summary), "--event", XENA, "-f", "json")
        assert result.exit_code == 0, result.stderr
        counts = json.loads(result.stdout)
        assert (counts["new"], counts["withdrawn"]) == (1, 0)
        assert counts["updated"] + counts["unchanged"] == 1
        assert events(demo_db)[XENA]["actions"] == 17
        assert shown(demo_db, copy)["origin"] == "carried"
        summary.write_bytes(XENA_EDITED)
        edited = json.loads(
            cli(demo_db, "import", str(summary), "--event", XENA, "-f", "json").stdout
        )
        assert edited["withdrawn"] == 0
        assert shown(demo_db, copy)["withdrawn_at"] is None
        assert events(demo_db)[XENA]["actions"] == 17

    def test_unknown_event_is_not_found(self, demo_db) -> None:
        """--from naming no event is one error line and exit 5."""
        result = cli(demo_db, "carry-over", "--from", "Nope", "--to", XENA)
        assert result.exit_code == 5
        assert "no event 'Nope'" in result.stderr
