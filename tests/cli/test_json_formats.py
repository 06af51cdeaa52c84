"""`--format json` on `people`, `drift` and `db current`: the shapes the README documents."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from syncsvc.cli.app import app


def run_json(db_url: str, *args: str):
    """Invoke syncsvc with ``--format json``; return the result and the parsed stdout."""
    result = CliRunner().invoke(app, ["--db", db_url, *args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return result, json.loads(result.stdout)


class TestJsonFormats:
    """Machine-readable output where there was only a table or a sentence."""

    def test_people(self, demo_db) -> None:
        """`people --format json` is an array of identities, sorted as the table is."""
        _, people = run_json(demo_db, "people")
        assert set(people[0]) == {
            "nick", "gerrit", "gerrit_account_id", "name", "launchpad", "confirmed"
        }  # fmt: skip
        carloss = next(p for p in people if p["nick"] == "carloss")
        assert (carloss["gerrit"], carloss["name"], carloss["launchpad"]) == (
            "carloss",
            "Carlos da Silva",
            None,
        )
        assert carloss["confirmed"] is False

    def test_drift(self, demo_db) -> None:
        """`drift --format json` is one object: dry_run, written and the items, nothing else on stdout."""
        result, drift = run_json(demo_db, "drift")
        assert (drift["dry_run"], drift["written"]) == (True, 0)
        [item] = drift["items"]
        assert item == {
            "kind": "merged-bug-open",
            "bug": 1914521,
            "target": "manila",
            "status": "In Progress",
            "assignee": item["assignee"],
            "change": 776544,
            "change_status": "MERGED",
            "at": item["at"],
            "set_status": "Fix Released",
            "todo": (
                "bug 1914521 (manila) is In Progress but change 776544 closing it merged"
                " 2021-03-24: set it to Fix Released"
            ),
        }
        assert item["at"].startswith("2021-03-24T")
        assert "dry run" in result.stderr

    def test_db_current(self, demo_db) -> None:
        """`db current --format json` gives the revision and the one this version needs."""
        _, revisions = run_json(demo_db, "db", "current")
        assert set(revisions) == {"current", "needs", "up_to_date"}
        assert revisions["current"] == revisions["needs"]
        assert revisions["up_to_date"] is True

    def test_db_current_empty(self, tmp_path) -> None:
        """An empty SQLite database has no revision: ``current`` is null."""
        _, revisions = run_json(f"sqlite:///{tmp_path / 'empty.sqlite'}", "db", "current")
        assert (revisions["current"], revisions["up_to_date"]) == (None, False)
