"""`syncsvc import --explain` and the decision/inferred counts of `syncsvc import`."""

from __future__ import annotations

import json
from pathlib import Path

from syncsvc.cli.app import app

DATA = Path(__file__).resolve().parents[1] / "data" / "summaries"


class TestImportExplain:
    """Explaining and importing the new summary forms through the CLI."""

    def test_explain_prints_each_line_and_stores_nothing(self, runner, db_url) -> None:
        """--explain prints one row per line, warnings on stderr, and leaves the DB empty."""
        source = DATA / "weekday-days.txt"
        result = runner.invoke(app, ["--db", db_url, "import", "--explain", str(source)])
        assert result.exit_code == 0, result.stderr
        rows = result.stdout.splitlines()
        assert len(rows) == len(source.read_text().splitlines())
        assert rows[4].split() == ["5", "day", "Tuesday", "19", "October"]
        assert "abhishekk will move" in rows[11]
        assert "owners: abhishekk; milestone: Yoga-2" in rows[11]
        assert "'jokke_' is not a known nick" in result.stderr
        listed = runner.invoke(app, ["--db", db_url, "actions", "--format", "json"])
        assert json.loads(listed.stdout) == []

    def test_import_reports_decisions_and_inferred(self, runner, db_url) -> None:
        """An import prints how many decisions and inferred actions it found."""
        result = runner.invoke(app, ["--db", db_url, "import", str(DATA / "inferred.txt")])
        assert result.exit_code == 0, result.stderr
        assert "4 actions (3 owned, 1 unassigned)" in result.stdout
        assert "decisions: 0; inferred actions: 3" in result.stdout

    def test_import_meeting_minutes(self, runner, db_url) -> None:
        """MeetBot minutes import as a meeting event with its actions."""
        source = DATA / "meetbot-minutes.html"
        result = runner.invoke(app, ["--db", db_url, "import", str(source)])
        assert result.exit_code == 0, result.stderr
        assert "Cinder meeting 2021-10-27: 1 day, 2 topics, 2 actions (2 owned" in result.stdout
        assert "decisions: 1; inferred actions: 0" in result.stdout
        events = runner.invoke(app, ["--db", db_url, "events", "--format", "json"])
        assert [(e["title"], e["source"], e["actions"]) for e in json.loads(events.stdout)] == [
            ("Cinder meeting 2021-10-27", "meeting", 2)
        ]
