"""First-use polish of the command line (issue 15): Markdown, tables, sync, init, completion."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from syncsvc.cli.app import app


def header_widths(table: str) -> dict[str, int]:
    """A rich table's column widths by header, read from its header line."""
    header = next(line for line in table.splitlines() if line.startswith("┃"))
    return {cell.strip(): len(cell) - 2 for cell in header.strip("┃").split("┃")}


def run(db_url: str, *args: str, **kwargs):
    """Invoke syncsvc with ``--db`` set."""
    return CliRunner().invoke(app, ["--db", db_url, *args], **kwargs)


class TestMarkdown:
    """`--format markdown` escapes only where Markdown would misread the text."""

    def test_actions_keep_plain_punctuation(self, db_url, tmp_path) -> None:
        """No `\\#1` or `\\(vhari\\)` mid-line; emphasis, links and HTML are still inert."""
        src = tmp_path / "s.txt"
        src.write_text(
            "=== T ===\nActions:\n"
            "- vhari will close bug #1 (vhari) and *all* [bugs](x) <b>now</b>\n",
            encoding="utf-8",
        )
        assert run(db_url, "import", str(src)).exit_code == 0
        result = run(db_url, "actions", "--format", "markdown")
        assert result.exit_code == 0, result.stderr
        [line] = [x for x in result.stdout.splitlines() if x.startswith("- [")]
        assert line == (
            r"- [ ] #1 vhari will close bug #1 (vhari) and \*all\* \[bugs](x) \<b>now\</b>"
            " — vhari"
        )


class TestActionsTable:
    """The Action column gets the width; URLs are never broken; events show their dates."""

    def test_action_column_gets_the_width(self, imported) -> None:
        """At 160 columns the Action column is the widest and the table uses the width."""
        result = run(imported, "actions", env={"COLUMNS": "160"})
        assert result.exit_code == 0, result.stderr
        widths = header_widths(result.stdout)
        assert widths["Action"] >= 50
        assert widths["Action"] == max(widths.values())
        assert max(len(line) for line in result.stdout.splitlines()) <= 160

    @pytest.mark.parametrize("columns", ["160", "100"])
    def test_urls_stay_whole(self, imported, columns) -> None:
        """Every URL the actions carry appears whole on one line of the table."""
        result = run(imported, "actions", env={"COLUMNS": columns})
        assert result.exit_code == 0, result.stderr
        for url in ("https://review.opendev.org/758868/", "https://review.opendev.org/745206/"):
            assert url in result.stdout

    def test_events_show_the_dates(self, imported) -> None:
        """`events` shows the first and last day; JSON carries them as ISO dates."""
        table = run(imported, "events").stdout
        assert "2020-10-26..2020-10-30" in table
        assert "Dates" in header_widths(table)
        [event] = json.loads(run(imported, "events", "--format", "json").stdout)
        assert (event["first_day"], event["last_day"]) == ("2020-10-26", "2020-10-30")
